"""ONNX graph wrappers for the encoders/decoders (docs/model-contract.md): clip_text, clip_vision, vae_decoder,
vae_encoder, gpt2_init, gpt2_step. Each wrapper's forward matches one contract graph exactly (names, shapes,
in-graph scaling); `GRAPH_IO` lists the I/O names and dynamic axes, `example_inputs` builds tracing inputs and
`export_graph` runs torch.onnx.export (TorchScript exporter, opset 17).
"""
from __future__ import annotations

from typing import Dict, List, Tuple

import torch
import torch.nn as nn

from ..config import ModelConfig
from .clip import Clip
from .optimus import OptimusGPT2Decoder
from .vae import AutoencoderKL


class ClipTextGraph(nn.Module):
    """input_ids int64 [B,L] -> text_embed [B,1,E] (L2-normalised, EOS pooling in-graph)."""

    def __init__(self, clip: Clip):
        super().__init__()
        self.clip = clip

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        return self.clip.encode_text(input_ids)


class ClipVisionGraph(nn.Module):
    """pixel_values [B,3,Sv,Sv] (CLIP-normalised) -> image_embed [B,1,E] (L2-normalised)."""

    def __init__(self, clip: Clip):
        super().__init__()
        self.clip = clip

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        return self.clip.encode_image(pixel_values)


class VaeDecoderGraph(nn.Module):
    """latent [B,C,h,w] (raw sampler output) -> image [B,3,S,S]; multiplies by 1/scale in-graph."""

    def __init__(self, vae: AutoencoderKL, scale: float):
        super().__init__()
        self.vae = vae
        self.inv_scale = float(1.0 / scale)

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        return self.vae.decode(latent * self.inv_scale)


class VaeEncoderGraph(nn.Module):
    """image [B,3,S,S] in [-1,1] -> latent [B,C,h,w] = posterior mean x scale (diffusion space)."""

    def __init__(self, vae: AutoencoderKL, scale: float):
        super().__init__()
        self.vae = vae
        self.scale = float(scale)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        mean, _ = self.vae.encode(image)
        return mean * self.scale


class Gpt2InitGraph(nn.Module):
    """latent [B,D] (raw sampler output; 1/scale in-graph) -> emb_bias [B,Ce], past_keys/values [Lyr,B,Hd,1,dh]."""

    def __init__(self, decoder: OptimusGPT2Decoder, scale: float):
        super().__init__()
        self.decoder = decoder
        self.inv_scale = float(1.0 / scale)

    def forward(self, latent: torch.Tensor):
        emb_bias, k, v = self.decoder.init_cache(latent * self.inv_scale)
        return emb_bias, k, v


class Gpt2StepGraph(nn.Module):
    """(input_ids, position_ids int64 [B,T], emb_bias [B,Ce], past_keys/values [Lyr,B,Hd,P,dh]) ->
    (logits [B,T,V], present_keys/values [Lyr,B,Hd,P+T,dh])."""

    def __init__(self, decoder: OptimusGPT2Decoder):
        super().__init__()
        self.decoder = decoder

    def forward(self, input_ids, position_ids, emb_bias, past_keys, past_values):
        return self.decoder.step(input_ids, position_ids, emb_bias, past_keys, past_values)


# name -> (input names, output names, dynamic axes)
GRAPH_IO: Dict[str, Tuple[List[str], List[str], Dict[str, Dict[int, str]]]] = {
    "clip_text": (["input_ids"], ["text_embed"], {"input_ids": {0: "B"}, "text_embed": {0: "B"}}),
    "clip_vision": (["pixel_values"], ["image_embed"], {"pixel_values": {0: "B"}, "image_embed": {0: "B"}}),
    "vae_decoder": (["latent"], ["image"], {"latent": {0: "B"}, "image": {0: "B"}}),
    "vae_encoder": (["image"], ["latent"], {"image": {0: "B"}, "latent": {0: "B"}}),
    "gpt2_init": (["latent"], ["emb_bias", "past_keys", "past_values"],
                  {"latent": {0: "B"}, "emb_bias": {0: "B"}, "past_keys": {1: "B"}, "past_values": {1: "B"}}),
    "gpt2_step": (["input_ids", "position_ids", "emb_bias", "past_keys", "past_values"],
                  ["logits", "present_keys", "present_values"],
                  {"input_ids": {0: "B", 1: "T"}, "position_ids": {0: "B", 1: "T"}, "emb_bias": {0: "B"},
                   "past_keys": {1: "B", 3: "P"}, "past_values": {1: "B", 3: "P"},
                   "logits": {0: "B", 1: "T"}, "present_keys": {1: "B", 3: "PT"},
                   "present_values": {1: "B", 3: "PT"}}),
}


def example_inputs(name: str, cfg: ModelConfig, batch: int = 2, seq: int = 3, past: int = 2,
                   seed: int = 0) -> Tuple[torch.Tensor, ...]:
    """Random tracing/test inputs of the contract shapes for graph `name`."""
    g = torch.Generator().manual_seed(seed)
    if name == "clip_text":
        c = cfg.clip_text
        ids = torch.randint(2, c.vocab_size, (batch, c.max_position_embeddings), generator=g)
        ids[:, 0] = c.bos_token_id
        ids[:, 5:] = c.eos_token_id
        return (ids,)
    if name == "clip_vision":
        c = cfg.clip_vision
        return (torch.randn(batch, c.num_channels, c.image_size, c.image_size, generator=g),)
    if name == "vae_decoder":
        v = cfg.vae
        return (torch.randn(batch, v.embed_dim, v.latent_size, v.latent_size, generator=g),)
    if name == "vae_encoder":
        v = cfg.vae
        return (torch.rand(batch, v.in_channels, v.resolution, v.resolution, generator=g) * 2 - 1,)
    o = cfg.optimus
    if name == "gpt2_init":
        return (torch.randn(batch, o.latent_size, generator=g),)
    if name == "gpt2_step":
        dh = o.n_embd // o.n_head
        ids = torch.randint(0, o.vocab_size, (batch, seq), generator=g)
        pos = torch.arange(past, past + seq).unsqueeze(0).expand(batch, seq).contiguous()
        return (ids, pos, torch.randn(batch, o.n_embd, generator=g),
                torch.randn(o.n_layer, batch, o.n_head, past, dh, generator=g),
                torch.randn(o.n_layer, batch, o.n_head, past, dh, generator=g))
    raise KeyError(name)


def export_graph(module: nn.Module, name: str, args: Tuple[torch.Tensor, ...], path: str, opset: int = 17) -> None:
    """torch.onnx.export with the contract's names and dynamic axes."""
    inputs, outputs, axes = GRAPH_IO[name]
    module.eval()
    with torch.no_grad():
        torch.onnx.export(module, args, path, input_names=inputs, output_names=outputs, dynamic_axes=axes,
                          opset_version=opset, do_constant_folding=True)
