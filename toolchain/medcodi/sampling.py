"""Reference any-to-any sampler in PyTorch (spec §3.9): multi-prompt conditioning, classifier-free guidance,
DDIM with eta, joint generation with environment encoders. Used by the evaluation and to write the parity fixtures
that the TypeScript runtime must reproduce (the noise is drawn per modality from two streams — initial latent and
per-step noise — so it can be recorded and replayed)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

import torch

from .config import ModelConfig
from .model.diffusion import cfg_combine, ddim_coefficients, ddim_step, make_schedule

IMAGE = ("frontal", "lateral")


@dataclass
class NoiseStreams:
    """Per-modality generators for the initial latent and for the per-step DDIM noise; optionally records what was
    drawn (for fixtures) or replays recorded tensors (for parity)."""
    seed: int
    record: bool = False
    replay: Optional[Dict[str, List[torch.Tensor]]] = None
    drawn: Dict[str, List[torch.Tensor]] = field(default_factory=dict)

    def __post_init__(self):
        self._gens: Dict[str, torch.Generator] = {}
        self._pos: Dict[str, int] = {}

    def normal(self, stream: str, shape, device) -> torch.Tensor:
        if self.replay is not None:
            i = self._pos.get(stream, 0)
            self._pos[stream] = i + 1
            return self.replay[stream][i].to(device)
        if stream not in self._gens:
            g = torch.Generator(device="cpu")
            g.manual_seed((self.seed * 1_000_003 + sum(ord(c) * 131 ** i for i, c in enumerate(stream))) % 2 ** 63)
            self._gens[stream] = g
        z = torch.randn(shape, generator=self._gens[stream])
        if self.record:
            self.drawn.setdefault(stream, []).append(z.clone())
        return z.to(device)


def latent_shape(cfg: ModelConfig, modality: str, batch: int):
    if modality in IMAGE:
        return (batch, cfg.unet_image.in_channels, cfg.vae.latent_size, cfg.vae.latent_size)
    return (batch, cfg.unet_text.latent_dim)


@torch.no_grad()
def sample(unets: Dict[str, torch.nn.Module], cfg: ModelConfig, conditions: Dict[str, torch.Tensor],
           uncond: Dict[str, torch.Tensor], targets: Sequence[str], steps: int = 50, guidance: float = 7.5,
           eta: float = 1.0, weights: Optional[Dict[str, float]] = None, noise: Optional[NoiseStreams] = None,
           batch: int = 1) -> Dict[str, torch.Tensor]:
    """conditions: modality -> [B,E] embeddings; uncond: modality -> [E]. Returns modality -> final latent x
    (raw sampler space; decoders apply 1/scale)."""
    if not conditions:
        raise ValueError("at least one condition")
    if set(conditions) & set(targets):
        raise ValueError("a modality cannot be both input and output")
    noise = noise or NoiseStreams(seed=0)
    device = next(iter(conditions.values())).device
    w = {m: (weights or {}).get(m, 1.0) for m in conditions}
    total = sum(w.values())
    cond = sum(conditions[m] * w[m] for m in conditions) / total                     # [B,E]
    unc = sum(uncond[m].to(device).expand_as(conditions[m]) * w[m] for m in conditions) / total
    ctx = torch.cat([unc, cond]).unsqueeze(1)                                         # [2B,1,E]
    coeffs = ddim_coefficients(steps, eta, make_schedule(cfg.schedule))
    x = {m: noise.normal("init:" + m, latent_shape(cfg, m, batch), device) for m in targets}
    joint = len(targets) > 1
    for k in range(coeffs.steps - 1, -1, -1):
        t = torch.full((2 * batch,), float(coeffs.timesteps[k]), device=device)
        for m in targets:
            xin = torch.cat([x[m], x[m]])
            if joint:
                h = unets[m].env(xin, t)
                eps2 = unets[m].forward_joint(xin, t, ctx, h)
            else:
                eps2 = unets[m](xin, t, ctx)
            eps = cfg_combine(eps2, guidance)
            z = noise.normal("step:" + m, x[m].shape, device) if float(coeffs.sigma[k]) != 0.0 else None
            x[m] = ddim_step(x[m], eps, k, coeffs, z)
    return x


@torch.no_grad()
def decode_report(decoder, latent: torch.Tensor, scale: float, bos: int, eos: int, max_length: int,
                  temperature: float = 1.0, generator: Optional[torch.Generator] = None) -> List[List[int]]:
    """Token-by-token decoding with the KV cache (init_cache + step), multinomial sampling (temperature<=0:
    greedy), stop at EOS or max_length. Returns token ids without BOS/EOS per sample."""
    emb_bias, pk, pv = decoder.init_cache(latent / scale)
    B = latent.shape[0]
    ids = torch.full((B, 1), bos, dtype=torch.long, device=latent.device)
    out: List[List[int]] = [[] for _ in range(B)]
    done = torch.zeros(B, dtype=torch.bool)
    pos = 1
    for _ in range(max_length - 1):
        position_ids = torch.full((B, 1), pos, dtype=torch.long, device=latent.device)
        logits, pk, pv = decoder.step(ids, position_ids, emb_bias, pk, pv)
        logits = logits[:, -1].float()
        if temperature <= 0:
            nxt = logits.argmax(-1)
        else:
            probs = torch.softmax(logits / temperature, -1).cpu()
            nxt = torch.multinomial(probs, 1, generator=generator)[:, 0].to(latent.device)
        for b in range(B):
            if not done[b]:
                if int(nxt[b]) == eos:
                    done[b] = True
                else:
                    out[b].append(int(nxt[b]))
        if bool(done.all()):
            break
        ids = nxt.view(B, 1)
        pos += 1
    return out
