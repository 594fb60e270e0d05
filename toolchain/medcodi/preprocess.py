"""Image preprocessing shared by training, export fixtures and evaluation; the studio mirrors it in TypeScript
(workers/preprocess/clip-image.ts, image-output.ts)."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from .config import ClipVisionConfig


def clip_preprocess(img01: torch.Tensor, cfg: ClipVisionConfig) -> torch.Tensor:
    """[B,H,W] grey in [0,1] -> [B,3,S,S] CLIP input (spec §2.2 with the recommended clamp): clamp, truncate to
    8 bits (floor(x*255)), bicubic resize to S when H != S, /255, per-channel normalise."""
    x = torch.floor(img01.clamp(0, 1) * 255.0) / 255.0
    x = x.unsqueeze(1)
    if x.shape[-1] != cfg.image_size or x.shape[-2] != cfg.image_size:
        x = F.interpolate(x, size=(cfg.image_size, cfg.image_size), mode="bicubic", antialias=True,
                          align_corners=False)
        x = torch.round(x.clamp(0, 1) * 255.0) / 255.0
    x = x.expand(-1, 3, -1, -1)
    mean = torch.tensor(cfg.image_mean, device=x.device).view(1, 3, 1, 1)
    std = torch.tensor(cfg.image_std, device=x.device).view(1, 3, 1, 1)
    return (x - mean) / std


def vae_input(img01: torch.Tensor) -> torch.Tensor:
    """[B,H,W] in [0,1] -> [B,3,H,W] in [-1,1] (grey tiled to 3 channels, spec §2.1)."""
    return (img01 * 2.0 - 1.0).unsqueeze(1).expand(-1, 3, -1, -1).contiguous()


def vae_output_to_grey(image: torch.Tensor) -> torch.Tensor:
    """[B,3,H,W] decoder output -> [B,H,W] display values in [0,1] (channel 0, spec §4.1)."""
    return ((image[:, 0] + 1.0) / 2.0).clamp(0, 1)
