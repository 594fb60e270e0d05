"""DDPM schedule, DDIM grid/update, classifier-free guidance and multi-prompt mixing (spec §3.1-3.6).

The spec §3.2 table (50 steps, eta = 1):

>>> c = ddim_coefficients(50, 1.0)
>>> [int(t) for t in c.timesteps[:3]], int(c.timesteps[-1]), len(c.timesteps)
([0, 20, 40], 980, 50)
>>> for k in (49, 48, 25, 1, 0):
...     print(k, int(c.timesteps[k]), *("%.6g" % float(v) for v in (c.a[k], c.a_prev[k], c.sigma[k], c.dir_coef[k])))
49 980 0.00584378 0.00736524 0.454155 0.886779
48 960 0.00736524 0.00921871 0.447972 0.888877
25 500 0.276333 0.303694 0.29443 0.780779
1 20 0.981314 0.99915 0.028496 0.00616245
0 0 0.99915 0.99915 0 0.0291548
>>> len(ddim_timesteps(30)), int(ddim_timesteps(30)[-1])   # c = 33 -> 31 steps (spec §3.2)
(31, 990)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np
import torch

from ..config import ScheduleConfig


@dataclass(frozen=True)
class Schedule:
    betas: torch.Tensor            # float32 [T]
    alphas_cumprod: torch.Tensor   # float32 [T]
    alphas_cumprod_f64: np.ndarray  # float64 [T], used for the DDIM coefficients (as the TS side does)


def make_schedule(cfg: ScheduleConfig = ScheduleConfig()) -> Schedule:
    """scaled_linear: beta_t = linspace(sqrt(b0), sqrt(b1), T)^2 in float64; alphas_cumprod = cumprod(1 - beta);
    stored as float32 (spec §3.1)."""
    T = cfg.num_train_timesteps
    if cfg.beta_schedule == "scaled_linear":
        betas = np.linspace(cfg.beta_start ** 0.5, cfg.beta_end ** 0.5, T, dtype=np.float64) ** 2
    elif cfg.beta_schedule == "linear":
        betas = np.linspace(cfg.beta_start, cfg.beta_end, T, dtype=np.float64)
    else:
        raise ValueError(f"unknown beta_schedule {cfg.beta_schedule!r}")
    ac = np.cumprod(1.0 - betas)
    return Schedule(torch.from_numpy(betas.astype(np.float32)), torch.from_numpy(ac.astype(np.float32)), ac)


def ddim_timesteps(steps: int, num_train_timesteps: int = 1000) -> np.ndarray:
    """range(0, T, T // steps) — **no +1 offset** (spec §3.2). 50 -> [0, 20, ..., 980]; 30 -> 31 entries."""
    c = num_train_timesteps // steps
    return np.asarray(list(range(0, num_train_timesteps, c)), dtype=np.int64)


@dataclass(frozen=True)
class DDIMCoefficients:
    timesteps: np.ndarray          # int64 [S], ascending; sampling walks k = S-1 ... 0
    a: torch.Tensor                # float32 [S]  alphas_cumprod[tau_k]
    a_prev: torch.Tensor           # float32 [S]  alphas_cumprod[tau_{k-1}], a_prev_0 = alphas_cumprod[0]
    sigma: torch.Tensor            # float32 [S]
    sqrt_one_minus_a: torch.Tensor  # float32 [S]
    dir_coef: torch.Tensor         # float32 [S]  sqrt(1 - a_prev - sigma^2)

    @property
    def steps(self) -> int:
        return len(self.timesteps)


def ddim_coefficients(steps: int, eta: float, schedule: Optional[Schedule] = None) -> DDIMCoefficients:
    """Per-grid-index DDIM coefficients (spec §3.2), all arithmetic in float64 from the float64 schedule (this
    reproduces the spec §3.2 table to its last digit; starting from the float32 buffer instead, as the reference
    sampler does, differs by < 1e-6 absolute), returned as float32."""
    sched = make_schedule() if schedule is None else schedule
    ac = sched.alphas_cumprod_f64
    ts = ddim_timesteps(steps, len(ac))
    a = ac[ts]
    a_prev = np.concatenate([ac[:1], ac[ts[:-1]]])
    sigma = eta * np.sqrt((1.0 - a_prev) / (1.0 - a) * (1.0 - a / a_prev))
    dir_coef = np.sqrt(np.maximum(1.0 - a_prev - sigma ** 2, 0.0))

    def f32(v: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(np.asarray(v, dtype=np.float32))

    return DDIMCoefficients(ts, f32(a), f32(a_prev), f32(sigma), f32(np.sqrt(1.0 - a)), f32(dir_coef))


def ddim_step(x: torch.Tensor, eps: torch.Tensor, k: int, coeffs: DDIMCoefficients,
              noise: Optional[torch.Tensor] = None) -> torch.Tensor:
    """One DDIM update at grid index k (spec §3.3), float32, no clipping:
    x0 = (x - sqrt(1-a_k) eps) / sqrt(a_k);  x' = sqrt(a_prev_k) x0 + sqrt(1-a_prev_k-sigma_k^2) eps + sigma_k z.
    `noise` z ~ N(0, I) (fresh per step and modality); may be None when sigma_k == 0 (eta 0 or k == 0)."""
    a = coeffs.a[k].to(x)
    x0 = (x - coeffs.sqrt_one_minus_a[k].to(x) * eps) / torch.sqrt(a)
    out = torch.sqrt(coeffs.a_prev[k].to(x)) * x0 + coeffs.dir_coef[k].to(x) * eps
    sigma = float(coeffs.sigma[k])
    if noise is not None:
        out = out + coeffs.sigma[k].to(x) * noise
    elif sigma != 0.0:
        raise ValueError(f"sigma_{k} = {sigma} != 0: pass noise")
    return out


def cfg_combine(eps2: torch.Tensor, scale: float) -> torch.Tensor:
    """Classifier-free guidance on a [2B, ...] UNet output whose **first half is unconditional** (spec §3.4):
    eps = eps_u + s (eps_c - eps_u)."""
    eps_u, eps_c = eps2.chunk(2, dim=0)
    return eps_u + scale * (eps_c - eps_u)


def mix_conditions(conds: Sequence[torch.Tensor], weights: Optional[Sequence[float]] = None) -> torch.Tensor:
    """Multi-prompt conditioning (spec §3.6): sum_i w_i c_i / sum_j w_j over [2B,1,E] uncond|cond pairs — a
    weighted arithmetic mean, **no L2 re-normalisation** of the result."""
    if len(conds) == 0:
        raise ValueError("need at least one condition")
    w = [1.0] * len(conds) if weights is None else [float(v) for v in weights]
    if len(w) != len(conds):
        raise ValueError("one weight per condition")
    total = sum(w)
    out = conds[0] * w[0]
    for c, wi in zip(conds[1:], w[1:]):
        out = out + c * wi
    return out / total


__all__ = ["Schedule", "make_schedule", "ddim_timesteps", "DDIMCoefficients", "ddim_coefficients", "ddim_step",
           "cfg_combine", "mix_conditions"]
