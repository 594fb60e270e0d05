"""Image VAE: SD kl-f8-style AutoencoderKL (spec §1.7), video/frame-shift layers omitted.

State-dict keys match the reference checkpoint under `autokl.` (see `is_dropped_vae_key` for the keys we do not
produce). Every constructor takes `device=` so the full-size model can be built on the meta device.
"""
from __future__ import annotations

import re
from typing import Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..config import VAEConfig

GN_EPS = 1e-6

# Video / frame-shift layers of the reference decoder (spec §1.7: run only when num_frames > 1). Keys look like
#   decoder.mid.video_att.frameshiftblock.out_layers.{0,2}.{weight,bias}
#   decoder.up.{i}.video_attn.{j}.frameshiftblock.out_layers.{0,2}.{weight,bias}
_VAE_DROP = re.compile(r"^(autokl\.)?decoder\.(mid\.video_att|up\.\d+\.video_attn)\.")


def is_dropped_vae_key(key: str) -> bool:
    """True for reference `autokl.` keys that this implementation intentionally does not have (video layers).

    Accepts keys with or without the `autokl.` prefix.
    """
    return bool(_VAE_DROP.match(key))


def _norm(c: int, groups: int, device=None) -> nn.GroupNorm:
    return nn.GroupNorm(groups, c, eps=GN_EPS, affine=True, device=device)


class ResnetBlock(nn.Module):
    """norm1-SiLU-conv1-norm2-SiLU-conv2 (+ 1x1 `nin_shortcut` when channels change); no time embedding."""

    def __init__(self, in_ch: int, out_ch: int, groups: int, device=None):
        super().__init__()
        self.norm1 = _norm(in_ch, groups, device)
        self.conv1 = nn.Conv2d(in_ch, out_ch, 3, padding=1, device=device)
        self.norm2 = _norm(out_ch, groups, device)
        self.conv2 = nn.Conv2d(out_ch, out_ch, 3, padding=1, device=device)
        self.nin_shortcut = nn.Conv2d(in_ch, out_ch, 1, device=device) if in_ch != out_ch else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        h = self.conv2(F.silu(self.norm2(h)))
        if self.nin_shortcut is not None:
            x = self.nin_shortcut(x)
        return x + h


class AttnBlock(nn.Module):
    """Single-head spatial self-attention with 1x1-conv q/k/v/proj_out, scale c^-0.5, matmul only."""

    def __init__(self, c: int, groups: int, device=None):
        super().__init__()
        self.scale = float(c) ** -0.5
        self.norm = _norm(c, groups, device)
        self.q = nn.Conv2d(c, c, 1, device=device)
        self.k = nn.Conv2d(c, c, 1, device=device)
        self.v = nn.Conv2d(c, c, 1, device=device)
        self.proj_out = nn.Conv2d(c, c, 1, device=device)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, h, w = x.shape
        y = self.norm(x)
        q = self.q(y).reshape(b, c, h * w).transpose(1, 2)   # [B, HW, C]
        k = self.k(y).reshape(b, c, h * w)                   # [B, C, HW]
        v = self.v(y).reshape(b, c, h * w)                   # [B, C, HW]
        attn = torch.softmax(torch.matmul(q, k) * self.scale, dim=-1)   # [B, HWq, HWk]
        out = torch.matmul(v, attn.transpose(1, 2))           # [B, C, HWq]
        return x + self.proj_out(out.reshape(b, c, h, w))


class Downsample(nn.Module):
    """Asymmetric zero pad (right/bottom by 1) then 3x3 stride-2 conv without padding."""

    def __init__(self, c: int, device=None):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, stride=2, padding=0, device=device)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(F.pad(x, (0, 1, 0, 1)))


class Upsample(nn.Module):
    """Nearest 2x (ONNX Resize) then 3x3 conv."""

    def __init__(self, c: int, device=None):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1, device=device)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class _Level(nn.Module):
    pass


class _Mid(nn.Module):
    def __init__(self, c: int, groups: int, device=None):
        super().__init__()
        self.block_1 = ResnetBlock(c, c, groups, device)
        self.attn_1 = AttnBlock(c, groups, device)
        self.block_2 = ResnetBlock(c, c, groups, device)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.block_2(self.attn_1(self.block_1(x)))


class Encoder(nn.Module):
    def __init__(self, cfg: VAEConfig, device=None):
        super().__init__()
        g = cfg.norm_groups
        n = len(cfg.ch_mult)
        self.conv_in = nn.Conv2d(cfg.in_channels, cfg.ch, 3, padding=1, device=device)
        in_mult = (1,) + tuple(cfg.ch_mult)
        self.down = nn.ModuleList()
        block_in = cfg.ch
        for i in range(n):
            block_in = cfg.ch * in_mult[i]
            block_out = cfg.ch * cfg.ch_mult[i]
            level = _Level()
            level.block = nn.ModuleList()
            for _ in range(cfg.num_res_blocks):
                level.block.append(ResnetBlock(block_in, block_out, g, device))
                block_in = block_out
            if i != n - 1:
                level.downsample = Downsample(block_in, device)
            self.down.append(level)
        self.mid = _Mid(block_in, g, device)
        self.norm_out = _norm(block_in, g, device)
        self.conv_out = nn.Conv2d(block_in, 2 * cfg.z_channels, 3, padding=1, device=device)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv_in(x)
        for level in self.down:
            for blk in level.block:
                h = blk(h)
            if hasattr(level, "downsample"):
                h = level.downsample(h)
        h = self.mid(h)
        return self.conv_out(F.silu(self.norm_out(h)))


class Decoder(nn.Module):
    def __init__(self, cfg: VAEConfig, device=None):
        super().__init__()
        g = cfg.norm_groups
        n = len(cfg.ch_mult)
        block_in = cfg.ch * cfg.ch_mult[-1]
        self.conv_in = nn.Conv2d(cfg.z_channels, block_in, 3, padding=1, device=device)
        self.mid = _Mid(block_in, g, device)
        levels = [None] * n
        for i in reversed(range(n)):
            block_out = cfg.ch * cfg.ch_mult[i]
            level = _Level()
            level.block = nn.ModuleList()
            for _ in range(cfg.num_res_blocks + 1):
                level.block.append(ResnetBlock(block_in, block_out, g, device))
                block_in = block_out
            if i != 0:
                level.upsample = Upsample(block_in, device)
            levels[i] = level
        self.up = nn.ModuleList(levels)   # index 0 = full resolution, as in the reference keys
        self.norm_out = _norm(block_in, g, device)
        self.conv_out = nn.Conv2d(block_in, cfg.out_channels, 3, padding=1, device=device)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        h = self.mid(self.conv_in(z))
        for i in reversed(range(len(self.up))):
            level = self.up[i]
            for blk in level.block:
                h = blk(h)
            if hasattr(level, "upsample"):
                h = level.upsample(h)
        return self.conv_out(F.silu(self.norm_out(h)))


class AutoencoderKL(nn.Module):
    """KL autoencoder. `encode(x)` -> (mean, logvar); `decode(z)` with z already divided by the scale factor."""

    def __init__(self, cfg: VAEConfig, device=None):
        super().__init__()
        self.cfg = cfg
        self.encoder = Encoder(cfg, device)
        self.decoder = Decoder(cfg, device)
        self.quant_conv = nn.Conv2d(2 * cfg.z_channels, 2 * cfg.embed_dim, 1, device=device)
        self.post_quant_conv = nn.Conv2d(cfg.embed_dim, cfg.z_channels, 1, device=device)

    def encode(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """x [B,3,S,S] in [-1,1] (1-channel input is tiled) -> posterior (mean, logvar), each [B,embed_dim,h,w]."""
        if x.shape[1] == 1 and self.cfg.in_channels == 3:
            x = x.repeat(1, 3, 1, 1)
        moments = self.quant_conv(self.encoder(x))
        mean, logvar = torch.chunk(moments, 2, dim=1)
        return mean, torch.clamp(logvar, -30.0, 20.0)

    @staticmethod
    def sample(mean: torch.Tensor, logvar: torch.Tensor, generator: Optional[torch.Generator] = None) -> torch.Tensor:
        noise = torch.randn(mean.shape, generator=generator, device=mean.device, dtype=mean.dtype)
        return mean + torch.exp(0.5 * logvar) * noise

    @staticmethod
    def kl(mean: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
        """KL(q || N(0,I)) summed over C,H,W -> [B]."""
        return 0.5 * torch.sum(mean.pow(2) + logvar.exp() - 1.0 - logvar, dim=(1, 2, 3))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """z [B,embed_dim,h,w] (already divided by scale_factor) -> image [B,3,S,S] in about [-1,1]."""
        return self.decoder(self.post_quant_conv(z))

    def forward(self, x: torch.Tensor, sample_posterior: bool = True):
        mean, logvar = self.encode(x)
        z = self.sample(mean, logvar) if sample_posterior else mean
        return self.decode(z), mean, logvar
