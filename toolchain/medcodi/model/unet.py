"""Frontal/lateral image UNet (`UNet2D`, spec §1.5) and report/text UNet (`UNetText`, spec §1.6), each with its
environment encoder (`connecters_out`, §1.3) and connector cross-attention layers (§1.4).

Attribute names follow the reference state dict under `model.diffusion_model.unet_{frontal,lateral,text}.`:
`time_embed`, `connecters_out`, `input_blocks`, `input_block_connecters_in`, `middle_block`, `output_blocks`,
`output_block_connecters_in`, `out`. The image UNet's temporal/video layers are not built (keymap.py).

Three entry points per UNet, one ONNX graph each (spec §6.1, docs/model-contract.md):
  forward(sample, timestep, context)              -> eps        single-target path (no connectors)
  forward_joint(sample, timestep, context, h_con) -> eps        connector after each equipped block (§1.4, §3.7)
  env(sample, timestep)                           -> h_con      [N,1,H], L2-normalised (§1.3)
`UNetGraph(unet, mode)` wraps one of them as an nn.Module for `torch.onnx.export`.
"""
from __future__ import annotations

from typing import Dict, List, Optional

import torch
import torch.nn as nn

from ..config import UNet2DConfig, UNetTextConfig
from .blocks import (
    GN_EPS, EmbedSequential, ResWrap, ResBlock, Downsample, Upsample, SpatialTransformer, Linear_MultiDim,
    FCBlock_MultiDim, group_norm, zero_module, time_embed_mlp, timestep_embedding, l2_normalize_mean,
)


def _count(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())


class _UNetBase(nn.Module):
    """Shared UNet walk. Subclasses build the modules and set `_in_conn` / `_out_conn` (static bool lists)."""

    model_channels: int
    _in_conn: List[bool]
    _out_conn: List[bool]

    def _time(self, timestep: torch.Tensor) -> torch.Tensor:
        return self.time_embed(timestep_embedding(timestep, self.model_channels))

    def _unet(self, h: torch.Tensor, emb: torch.Tensor, context: torch.Tensor,
              h_con: Optional[torch.Tensor]) -> torch.Tensor:
        hs = []
        for i, block in enumerate(self.input_blocks):
            h = block(h, emb, context)
            if h_con is not None and self._in_conn[i]:
                h = self.input_block_connecters_in[i](h, emb, h_con)   # before the skip is pushed
            hs.append(h)
        h = self.middle_block(h, emb, context)
        for i, block in enumerate(self.output_blocks):
            h = torch.cat([h, hs.pop()], dim=1)
            h = block(h, emb, context)
            if h_con is not None and self._out_conn[i]:
                h = self.output_block_connecters_in[i](h, emb, h_con)
        return h

    def _env(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        h = x
        for m in self.connecters_out[:-1]:
            h = m(h, emb)
        h = self.connecters_out[-1](h)
        return l2_normalize_mean(h)

    def param_counts(self) -> Dict[str, int]:
        """time_embed / core (input+middle+output+out) / connectors (in+out connecters_in) / env / total."""
        core = sum(_count(m) for m in (self.input_blocks, self.middle_block, self.output_blocks, self.out))
        conn = _count(self.input_block_connecters_in) + _count(self.output_block_connecters_in)
        d = {"time_embed": _count(self.time_embed), "core": core, "connectors": conn,
             "env": _count(self.connecters_out)}
        d["total"] = sum(d.values())
        return d


class UNet2D(_UNetBase):
    """Image UNet (spec §1.5) + env encoder (§1.3) + connectors (§1.4). sample [N,C,h,w], timestep float [N],
    context [N,1,E], h_con [N,1,H]."""

    def __init__(self, cfg: UNet2DConfig, device=None):
        super().__init__()
        self.cfg = cfg
        mc, ted, g, heads = cfg.model_channels, cfg.time_embed_dim, cfg.norm_groups, cfg.num_heads
        H = cfg.hcon_dim
        self.model_channels = mc
        nlev = len(cfg.channel_mult)

        def res(ci: int, co: int) -> ResWrap:
            return ResWrap(ResBlock(ci, co, ted, g, device=device))

        def st(c: int, ctx: int) -> SpatialTransformer:
            return SpatialTransformer(c, heads, ctx, g, device=device)

        self.time_embed = time_embed_mlp(mc, ted, device=device)

        # environment encoder: conv -> RB mc/2->mc -> down -> RB mc->2mc -> down -> RB 2mc->4mc -> GN,SiLU,conv
        self.connecters_out = nn.ModuleList([
            EmbedSequential([nn.Conv2d(cfg.in_channels, mc // 2, 3, padding=1, device=device)]),
            EmbedSequential([res(mc // 2, mc)]),
            EmbedSequential([Downsample(mc, device=device)]),
            EmbedSequential([res(mc, 2 * mc)]),
            EmbedSequential([Downsample(2 * mc, device=device)]),
            EmbedSequential([res(2 * mc, 4 * mc)]),
            nn.Sequential(group_norm(4 * mc, g, device=device), nn.SiLU(),
                          nn.Conv2d(4 * mc, H, 3, padding=1, device=device)),
        ])

        self.input_blocks = nn.ModuleList(
            [EmbedSequential([nn.Conv2d(cfg.in_channels, mc, 3, padding=1, device=device)])])
        self.input_block_connecters_in = nn.ModuleList([EmbedSequential()])
        self._in_conn = [False]
        chans = [mc]
        ch = mc
        for level, mult in enumerate(cfg.channel_mult):
            for _ in range(cfg.num_res_blocks):
                layers: List[nn.Module] = [res(ch, mult * mc)]
                ch = mult * mc
                if level in cfg.attention_levels:
                    layers.append(st(ch, cfg.context_dim))
                self.input_blocks.append(EmbedSequential(layers))
                has = level in cfg.connector_levels
                self.input_block_connecters_in.append(EmbedSequential([st(ch, H)] if has else []))
                self._in_conn.append(has)
                chans.append(ch)
            if level != nlev - 1:
                self.input_blocks.append(EmbedSequential([Downsample(ch, device=device)]))
                self.input_block_connecters_in.append(EmbedSequential())
                self._in_conn.append(False)
                chans.append(ch)

        self.middle_block = EmbedSequential([res(ch, ch), st(ch, cfg.context_dim), res(ch, ch)])

        self.output_blocks = nn.ModuleList()
        self.output_block_connecters_in = nn.ModuleList()
        self._out_conn = []
        for level, mult in list(enumerate(cfg.channel_mult))[::-1]:
            for i in range(cfg.num_res_blocks + 1):
                ich = chans.pop()
                layers = [res(ch + ich, mult * mc)]
                ch = mult * mc
                if level in cfg.attention_levels:
                    layers.append(st(ch, cfg.context_dim))
                if level and i == cfg.num_res_blocks:
                    layers.append(Upsample(ch, device=device))
                self.output_blocks.append(EmbedSequential(layers))
                has = level in cfg.connector_levels
                self.output_block_connecters_in.append(EmbedSequential([st(ch, H)] if has else []))
                self._out_conn.append(has)

        self.out = nn.Sequential(group_norm(mc, g, eps=GN_EPS, device=device), nn.SiLU(),
                                 zero_module(nn.Conv2d(mc, cfg.out_channels, 3, padding=1, device=device)))

    def forward(self, sample: torch.Tensor, timestep: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        emb = self._time(timestep)
        return self.out(self._unet(sample, emb, context, None))

    def forward_joint(self, sample: torch.Tensor, timestep: torch.Tensor, context: torch.Tensor,
                      h_con: torch.Tensor) -> torch.Tensor:
        emb = self._time(timestep)
        return self.out(self._unet(sample, emb, context, h_con))

    def env(self, sample: torch.Tensor, timestep: torch.Tensor) -> torch.Tensor:
        return self._env(sample, self._time(timestep))


class UNetText(_UNetBase):
    """0-D text UNet on the report latent (spec §1.6): sample [N,D] -> [N,D,1,1]; activations [N,C,s,1];
    output [N,D]. Env encoder (§1.3) and connectors (§1.4) as in UNet2D."""

    def __init__(self, cfg: UNetTextConfig, device=None):
        super().__init__()
        self.cfg = cfg
        mc, ted, g, heads = cfg.model_channels, cfg.time_embed_dim, cfg.norm_groups, cfg.num_heads
        H = cfg.hcon_dim
        D = cfg.latent_dim
        self.model_channels = mc
        self.latent_dim = D
        nlev = len(cfg.channel_mult)
        sd = tuple(cfg.second_dim)
        assert len(sd) >= nlev, "second_dim needs one entry per level"

        def fc(ci: int, co: int, s: int) -> FCBlock_MultiDim:
            return FCBlock_MultiDim(ci, co, s, ted, g, device=device)

        def st(c: int, ctx: int) -> SpatialTransformer:
            return SpatialTransformer(c, heads, ctx, g, device=device)

        def lin(cin: int, sin: int, cout: int, sout: int) -> Linear_MultiDim:
            return Linear_MultiDim(cin * sin, cout, sout, device=device)

        self.time_embed = time_embed_mlp(mc, ted, device=device)

        s0, s1, s2 = (sd[min(i, len(sd) - 1)] for i in range(3))
        self.connecters_out = nn.ModuleList([
            EmbedSequential([Linear_MultiDim(D, mc // 2, s0, device=device)]),
            EmbedSequential([fc(mc // 2, mc, s0)]),
            EmbedSequential([lin(mc, s0, mc, s1)]),
            EmbedSequential([fc(mc, 2 * mc, s1)]),
            EmbedSequential([lin(2 * mc, s1, 2 * mc, s2)]),
            EmbedSequential([fc(2 * mc, 4 * mc, s2)]),
            nn.Sequential(group_norm(4 * mc, g, device=device), nn.SiLU(), lin(4 * mc, s2, H, 1)),
        ])

        self.input_blocks = nn.ModuleList([EmbedSequential([Linear_MultiDim(D, mc, sd[0], device=device)])])
        self.input_block_connecters_in = nn.ModuleList([EmbedSequential()])
        self._in_conn = [False]
        chans = [mc]
        ch = mc
        for level, mult in enumerate(cfg.channel_mult):
            s = sd[level]
            for _ in range(cfg.num_res_blocks):
                layers: List[nn.Module] = [fc(ch, mult * mc, s)]
                ch = mult * mc
                if level in cfg.attention_levels:
                    layers.append(st(ch, cfg.context_dim))
                self.input_blocks.append(EmbedSequential(layers))
                has = level in cfg.connector_levels
                self.input_block_connecters_in.append(EmbedSequential([st(ch, H)] if has else []))
                self._in_conn.append(has)
                chans.append(ch)
            if level != nlev - 1:
                self.input_blocks.append(EmbedSequential([lin(ch, s, ch, sd[level + 1])]))
                self.input_block_connecters_in.append(EmbedSequential())
                self._in_conn.append(False)
                chans.append(ch)

        s = sd[nlev - 1]
        self.middle_block = EmbedSequential([fc(ch, ch, s), st(ch, cfg.context_dim), fc(ch, ch, s)])

        self.output_blocks = nn.ModuleList()
        self.output_block_connecters_in = nn.ModuleList()
        self._out_conn = []
        for level, mult in list(enumerate(cfg.channel_mult))[::-1]:
            s = sd[level]
            for i in range(cfg.num_res_blocks + 1):
                ich = chans.pop()
                layers = [fc(ch + ich, mult * mc, s)]
                ch = mult * mc
                if level in cfg.attention_levels:
                    layers.append(st(ch, cfg.context_dim))
                if level and i == cfg.num_res_blocks:
                    layers.append(lin(ch, s, ch, sd[level - 1]))
                self.output_blocks.append(EmbedSequential(layers))
                has = level in cfg.connector_levels
                self.output_block_connecters_in.append(EmbedSequential([st(ch, H)] if has else []))
                self._out_conn.append(has)

        self.out = nn.Sequential(group_norm(mc, g, eps=GN_EPS, device=device), nn.SiLU(),
                                 zero_module(lin(mc, sd[0], D, 1)))

    def _in(self, sample: torch.Tensor) -> torch.Tensor:
        return sample.reshape(-1, self.latent_dim, 1, 1)

    def _outp(self, h: torch.Tensor) -> torch.Tensor:
        return self.out(h).reshape(-1, self.latent_dim)

    def forward(self, sample: torch.Tensor, timestep: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        emb = self._time(timestep)
        return self._outp(self._unet(self._in(sample), emb, context, None))

    def forward_joint(self, sample: torch.Tensor, timestep: torch.Tensor, context: torch.Tensor,
                      h_con: torch.Tensor) -> torch.Tensor:
        emb = self._time(timestep)
        return self._outp(self._unet(self._in(sample), emb, context, h_con))

    def env(self, sample: torch.Tensor, timestep: torch.Tensor) -> torch.Tensor:
        return self._env(self._in(sample), self._time(timestep))


class UNetGraph(nn.Module):
    """One exportable entry point of a UNet: mode 'forward' | 'forward_joint' | 'env'.
    Graph I/O names (docs/model-contract.md): see `GRAPH_IO`."""

    def __init__(self, unet: _UNetBase, mode: str):
        super().__init__()
        assert mode in GRAPH_IO, mode
        self.unet = unet
        self.mode = mode

    def forward(self, *args: torch.Tensor) -> torch.Tensor:
        return getattr(self.unet, self.mode)(*args)


GRAPH_IO = {
    "forward": (["sample", "timestep", "context"], ["eps"]),
    "forward_joint": (["sample", "timestep", "context", "h_con"], ["eps"]),
    "env": (["sample", "timestep"], ["h_con"]),
}


def export_unet_graph(unet: _UNetBase, mode: str, example_inputs, path: str, opset: int = 17) -> None:
    """torch.onnx.export of one entry point with a dynamic batch axis N on every input and output."""
    names_in, names_out = GRAPH_IO[mode]
    dyn = {n: {0: "N"} for n in names_in + names_out}
    g = UNetGraph(unet, mode).eval()
    with torch.no_grad():
        torch.onnx.export(g, tuple(example_inputs), path, input_names=names_in, output_names=names_out,
                          dynamic_axes=dyn, opset_version=opset, do_constant_folding=True)


__all__ = ["UNet2D", "UNetText", "UNetGraph", "GRAPH_IO", "export_unet_graph"]
