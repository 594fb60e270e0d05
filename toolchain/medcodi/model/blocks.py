"""Denoiser building blocks (spec §1.3-1.6, §3.8, §6.4).

Clean-room implementation written from ../../../shared/docs/medcodi-m-spec.md. Module attribute names follow the
reference state-dict layout (`in_layers.0/2`, `emb_layers.1`, `out_layers.0/3`, `skip_connection`, `op`, `conv`,
`norm`, `proj_in`, `transformer_blocks.0.{attn1,attn2,ff.net.0.proj,ff.net.2,norm1-3}`, `proj_out`).

Every constructor takes `device=` (e.g. `torch.device("meta")`) so the full-size model can be built without
allocating its weights. Everything here is ONNX-exportable at opset 17 (torch 1.13): attention is plain
MatMul + Softmax (no einsum / einops), nearest upsampling is `F.interpolate` (-> Resize), no control flow that
depends on tensor values.
"""
from __future__ import annotations

import math
from typing import List, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

GN_EPS = 1e-5      # ResBlock / FCBlock / out / env (GroupNorm32)
GN_EPS_ST = 1e-6   # SpatialTransformer
LN_EPS = 1e-5


# ---------------------------------------------------------------------------------------------------------------
# helpers

def timestep_embedding(timesteps: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    """Sinusoidal embedding, **cos first** (spec §3.8): f_j = exp(-ln(max_period) * j / half), [cos(t f), sin(t f)].

    timesteps: float [N] -> [N, dim].
    """
    half = dim // 2
    freqs = torch.exp(
        torch.arange(half, dtype=torch.float32, device=timesteps.device) * (-math.log(max_period) / half))
    args = timesteps.float().unsqueeze(1) * freqs.unsqueeze(0)
    emb = torch.cat([torch.cos(args), torch.sin(args)], dim=1)
    if dim % 2:
        emb = torch.cat([emb, torch.zeros_like(emb[:, :1])], dim=1)
    return emb


def group_norm(channels: int, groups: int, eps: float = GN_EPS, device=None) -> nn.GroupNorm:
    """GroupNorm32 equivalent (we run in float32 throughout, so no up-cast is needed)."""
    return nn.GroupNorm(groups, channels, eps=eps, affine=True, device=device)


def zero_module(m: nn.Module) -> nn.Module:
    for p in m.parameters():
        nn.init.zeros_(p)
    return m


def time_embed_mlp(model_channels: int, time_embed_dim: int, device=None) -> nn.Sequential:
    """`time_embed`: Linear(mc -> 4mc) -> SiLU -> Linear(4mc -> 4mc) (keys time_embed.0 / time_embed.2)."""
    return nn.Sequential(nn.Linear(model_channels, time_embed_dim, device=device), nn.SiLU(),
                         nn.Linear(time_embed_dim, time_embed_dim, device=device))


# ---------------------------------------------------------------------------------------------------------------
# sequential containers

class TimestepBlock(nn.Module):
    """Marker: forward(x, emb)."""


class ContextBlock(nn.Module):
    """Marker: forward(x, context)."""


class EmbedSequential(nn.ModuleList):
    """Like the reference TimestepEmbedSequential: children receive emb (TimestepBlock), context (ContextBlock)
    or only x. Index-based keys (`input_blocks.{i}.{j}.*`). Dispatch is on module type only (static)."""

    def forward(self, x: torch.Tensor, emb: Optional[torch.Tensor] = None,
                context: Optional[torch.Tensor] = None) -> torch.Tensor:
        for layer in self:
            if isinstance(layer, TimestepBlock):
                x = layer(x, emb)
            elif isinstance(layer, ContextBlock):
                x = layer(x, context)
            else:
                x = layer(x)
        return x


class ResWrap(nn.ModuleList, TimestepBlock):
    """The reference image UNet pairs every ResBlock with a make-a-video temporal layer:
    ModuleList([ResBlock, SpatioTemporalAttention]). The temporal layer is identity on 4-D input, so we keep only
    index 0 — keys stay `...{i}.0.0.*` and the reference's `...{i}.0.1.*` keys are dropped (see keymap.py)."""

    def __init__(self, block: nn.Module):
        nn.ModuleList.__init__(self, [block])

    def forward(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        return self[0](x, emb)


# ---------------------------------------------------------------------------------------------------------------
# 2-D blocks

class ResBlock(TimestepBlock):
    """GN -> SiLU -> conv3x3 -> + Linear(SiLU(emb)) -> GN -> SiLU -> (dropout) -> conv3x3 (zero-init); skip =
    identity or 1x1 conv (spec §1.5)."""

    def __init__(self, in_ch: int, out_ch: int, emb_dim: int, groups: int, dropout: float = 0.0, device=None):
        super().__init__()
        self.in_layers = nn.Sequential(group_norm(in_ch, groups, device=device), nn.SiLU(),
                                       nn.Conv2d(in_ch, out_ch, 3, padding=1, device=device))
        self.emb_layers = nn.Sequential(nn.SiLU(), nn.Linear(emb_dim, out_ch, device=device))
        self.out_layers = nn.Sequential(group_norm(out_ch, groups, device=device), nn.SiLU(), nn.Dropout(dropout),
                                        zero_module(nn.Conv2d(out_ch, out_ch, 3, padding=1, device=device)))
        self.skip_connection = (nn.Identity() if in_ch == out_ch
                                else nn.Conv2d(in_ch, out_ch, 1, device=device))

    def forward(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        h = self.in_layers(x)
        h = h + self.emb_layers(emb).unsqueeze(-1).unsqueeze(-1)
        h = self.out_layers(h)
        return self.skip_connection(x) + h


class Downsample(nn.Module):
    """conv3x3, stride 2, padding 1 (key `op`)."""

    def __init__(self, ch: int, device=None):
        super().__init__()
        self.op = nn.Conv2d(ch, ch, 3, stride=2, padding=1, device=device)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.op(x)


class Upsample(nn.Module):
    """Nearest 2x (F.interpolate -> ONNX Resize; same values as the reference expand/reshape) + conv3x3 (`conv`)."""

    def __init__(self, ch: int, device=None):
        super().__init__()
        self.conv = nn.Conv2d(ch, ch, 3, padding=1, device=device)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


# ---------------------------------------------------------------------------------------------------------------
# attention

class CrossAttention(nn.Module):
    """Multi-head attention, q/k/v without bias, to_out.0 with bias, scale dh^-0.5. Plain MatMul + Softmax."""

    def __init__(self, query_dim: int, context_dim: Optional[int], heads: int, dim_head: int,
                 dropout: float = 0.0, device=None):
        super().__init__()
        inner = heads * dim_head
        context_dim = query_dim if context_dim is None else context_dim
        self.heads = heads
        self.dim_head = dim_head
        self.scale = dim_head ** -0.5
        self.to_q = nn.Linear(query_dim, inner, bias=False, device=device)
        self.to_k = nn.Linear(context_dim, inner, bias=False, device=device)
        self.to_v = nn.Linear(context_dim, inner, bias=False, device=device)
        self.to_out = nn.Sequential(nn.Linear(inner, query_dim, device=device), nn.Dropout(dropout))

    def _split(self, t: torch.Tensor) -> torch.Tensor:
        # [N, T, h*dh] -> [N, h, T, dh]
        return t.reshape(t.shape[0], t.shape[1], self.heads, self.dim_head).transpose(1, 2)

    def forward(self, x: torch.Tensor, context: Optional[torch.Tensor] = None) -> torch.Tensor:
        ctx = x if context is None else context
        q = self._split(self.to_q(x) * self.scale)
        k = self._split(self.to_k(ctx))
        v = self._split(self.to_v(ctx))
        attn = torch.softmax(torch.matmul(q, k.transpose(-1, -2)), dim=-1)   # [N, h, T, S]
        out = torch.matmul(attn, v)                                          # [N, h, T, dh]
        out = out.transpose(1, 2).reshape(x.shape[0], x.shape[1], self.heads * self.dim_head)
        return self.to_out(out)


class GEGLU(nn.Module):
    """proj: Linear(d, 2*inner); out = a * gelu(gate) with (a, gate) = chunk(2). Exact (erf) GELU."""

    def __init__(self, dim_in: int, dim_out: int, device=None):
        super().__init__()
        self.proj = nn.Linear(dim_in, dim_out * 2, device=device)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a, gate = self.proj(x).chunk(2, dim=-1)
        return a * F.gelu(gate)


class FeedForward(nn.Module):
    """net = [GEGLU(d, 4d), Dropout, Linear(4d, d)] (keys ff.net.0.proj, ff.net.2)."""

    def __init__(self, dim: int, mult: int = 4, dropout: float = 0.0, device=None):
        super().__init__()
        inner = dim * mult
        self.net = nn.Sequential(GEGLU(dim, inner, device=device), nn.Dropout(dropout),
                                 nn.Linear(inner, dim, device=device))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class BasicTransformerBlock(nn.Module):
    """x += attn1(LN1 x); x += attn2(LN2 x, context); x += ff(LN3 x)."""

    def __init__(self, dim: int, heads: int, dim_head: int, context_dim: int, dropout: float = 0.0, device=None):
        super().__init__()
        self.attn1 = CrossAttention(dim, None, heads, dim_head, dropout, device=device)
        self.ff = FeedForward(dim, dropout=dropout, device=device)
        self.attn2 = CrossAttention(dim, context_dim, heads, dim_head, dropout, device=device)
        self.norm1 = nn.LayerNorm(dim, eps=LN_EPS, device=device)
        self.norm2 = nn.LayerNorm(dim, eps=LN_EPS, device=device)
        self.norm3 = nn.LayerNorm(dim, eps=LN_EPS, device=device)

    def forward(self, x: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        x = self.attn1(self.norm1(x)) + x
        x = self.attn2(self.norm2(x), context) + x
        x = self.ff(self.norm3(x)) + x
        return x


class SpatialTransformer(ContextBlock):
    """GN(eps 1e-6) -> 1x1 conv -> tokens -> BasicTransformerBlock -> 1x1 conv (zero-init) + residual
    (spec §1.5). Works on [N,C,H,W] images and on the text UNet's [N,C,s,1] activations."""

    def __init__(self, channels: int, heads: int, context_dim: int, groups: int, dropout: float = 0.0,
                 device=None):
        super().__init__()
        dim_head = channels // heads
        inner = heads * dim_head
        self.norm = group_norm(channels, groups, eps=GN_EPS_ST, device=device)
        self.proj_in = nn.Conv2d(channels, inner, 1, device=device)
        self.transformer_blocks = nn.ModuleList(
            [BasicTransformerBlock(inner, heads, dim_head, context_dim, dropout, device=device)])
        self.proj_out = zero_module(nn.Conv2d(inner, channels, 1, device=device))

    def forward(self, x: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        h = self.proj_in(self.norm(x))
        shape = h.shape
        t = h.flatten(2).transpose(1, 2)                   # [N, HW, C]
        for blk in self.transformer_blocks:
            t = blk(t, context)
        h = t.transpose(1, 2).reshape(shape)
        return self.proj_out(h) + x


# ---------------------------------------------------------------------------------------------------------------
# text ("0-D multi-dim") blocks, activations [N, C, s, 1]

class Linear_MultiDim(nn.Linear):
    """Plain Linear on the flattened (C-major) trailing dims: [N, ...] -> [N, out_ch, out_s, 1].
    Weights live on the module itself (keys `input_blocks.0.0.weight`, `input_blocks.3.0.weight`, ...)."""

    def __init__(self, in_features: int, out_ch: int, out_s: int, device=None):
        super().__init__(in_features, out_ch * out_s, device=device)
        self.out_ch = out_ch
        self.out_s = out_s

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        y = super().forward(x.flatten(1))
        return y.reshape(-1, self.out_ch, self.out_s, 1)


class FCBlock_MultiDim(TimestepBlock):
    """ResBlock on [N, C*s, 1, 1]: the 'convs' are 1x1 (dense layers of width C*s), GN over the flattened C*s
    channels (spec §1.6). Input [N, in_ch, s, 1] -> output [N, out_ch, s, 1]."""

    def __init__(self, in_ch: int, out_ch: int, s: int, emb_dim: int, groups: int, dropout: float = 0.0,
                 device=None):
        super().__init__()
        a, b = in_ch * s, out_ch * s
        self.out_ch = out_ch
        self.s = s
        self.in_flat = a
        self.in_layers = nn.Sequential(group_norm(a, groups, device=device), nn.SiLU(),
                                       nn.Conv2d(a, b, 1, device=device))
        self.emb_layers = nn.Sequential(nn.SiLU(), nn.Linear(emb_dim, b, device=device))
        self.out_layers = nn.Sequential(group_norm(b, groups, device=device), nn.SiLU(), nn.Dropout(dropout),
                                        zero_module(nn.Conv2d(b, b, 1, device=device)))
        self.skip_connection = nn.Identity() if a == b else nn.Conv2d(a, b, 1, device=device)

    def forward(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        x = x.reshape(-1, self.in_flat, 1, 1)
        h = self.in_layers(x)
        h = h + self.emb_layers(emb).unsqueeze(-1).unsqueeze(-1)
        h = self.out_layers(h)
        return (self.skip_connection(x) + h).reshape(-1, self.out_ch, self.s, 1)


def l2_normalize_mean(h: torch.Tensor) -> torch.Tensor:
    """[N, H, a, b] -> spatial mean -> [N, 1, H] / L2 norm (spec §1.3; no eps, as the reference)."""
    v = h.mean(dim=(2, 3))
    v = v / torch.norm(v, p=2, dim=-1, keepdim=True)
    return v.unsqueeze(1)


__all__: List[str] = [
    "GN_EPS", "GN_EPS_ST", "timestep_embedding", "group_norm", "zero_module", "time_embed_mlp",
    "TimestepBlock", "ContextBlock", "EmbedSequential", "ResWrap", "ResBlock", "Downsample", "Upsample",
    "CrossAttention", "GEGLU", "FeedForward", "BasicTransformerBlock", "SpatialTransformer",
    "Linear_MultiDim", "FCBlock_MultiDim", "l2_normalize_mean",
]
