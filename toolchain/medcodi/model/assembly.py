"""The whole MedCoDi-M as one nn.Module whose state_dict keys follow the official checkpoint layout
(`model.diffusion_model.unet_*`, `autokl.*`, `optimus.{encoder,decoder}.*`, `clip.model.*`). The nano model is saved
in the same layout, so one loader and one exporter serve both configs."""
from __future__ import annotations

import torch
from torch import nn

from ..config import ModelConfig
from .clip import Clip
from .optimus import OptimusBertEncoder, OptimusGPT2Decoder
from .unet import UNet2D, UNetText
from .vae import AutoencoderKL


class _Holder(nn.Module):
    pass


class MedCoDiM(nn.Module):
    def __init__(self, cfg: ModelConfig, with_training_encoders: bool = True):
        super().__init__()
        self.cfg = cfg
        self.model = _Holder()
        self.model.diffusion_model = _Holder()
        self.model.diffusion_model.unet_frontal = UNet2D(cfg.unet_image)
        self.model.diffusion_model.unet_lateral = UNet2D(cfg.unet_image)
        self.model.diffusion_model.unet_text = UNetText(cfg.unet_text)
        self.autokl = AutoencoderKL(cfg.vae)
        self.optimus = _Holder()
        if with_training_encoders:
            self.optimus.encoder = OptimusBertEncoder(cfg.optimus)
        self.optimus.decoder = OptimusGPT2Decoder(cfg.optimus)
        self.clip = _Holder()
        self.clip.model = Clip(cfg.clip_text, cfg.clip_vision)

    @property
    def unets(self) -> dict:
        d = self.model.diffusion_model
        return {"frontal": d.unet_frontal, "lateral": d.unet_lateral, "report": d.unet_text}

    @property
    def clip_model(self) -> Clip:
        return self.clip.model
