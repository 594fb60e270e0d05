"""Schedule, DDIM grid/coefficients/update, CFG and multi-prompt mixing (spec §3.1-3.6)."""
from __future__ import annotations

import doctest
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import medcodi.model.diffusion as diffusion  # noqa: E402
from medcodi.config import FULL, NANO, ScheduleConfig  # noqa: E402
from medcodi.model.diffusion import (  # noqa: E402
    cfg_combine, ddim_coefficients, ddim_step, ddim_timesteps, make_schedule, mix_conditions,
)

torch.set_num_threads(1)


def _close_to_printed(value: float, printed: str) -> bool:
    """True if `value` rounds to the spec's printed number (half a unit in its last digit, + float32 slack)."""
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    return abs(value - float(printed)) <= 0.5 * 10.0 ** -decimals * 1.01 + 1e-7


def test_doctests():
    res = doctest.testmod(diffusion)
    assert res.failed == 0 and res.attempted > 0


def test_schedule_values():
    s = make_schedule(FULL.schedule)
    assert s.betas.dtype == torch.float32 and s.alphas_cumprod.dtype == torch.float32
    ac = s.alphas_cumprod
    assert _close_to_printed(float(ac[0]), "0.99915")
    assert _close_to_printed(float(ac[980]), "0.0058438")
    assert _close_to_printed(float(ac[999]), "0.0046601")
    assert abs(float(s.betas[0]) - 0.00085) < 1e-9 and abs(float(s.betas[-1]) - 0.012) < 1e-8
    assert NANO.schedule == FULL.schedule == ScheduleConfig()


def test_ddim_grid_no_offset():
    ts = ddim_timesteps(50)
    assert list(ts) == list(range(0, 1000, 20)) and ts[0] == 0 and ts[-1] == 980
    ts30 = ddim_timesteps(30)            # c = 33 -> 31 entries (spec §3.2 / §7.7)
    assert len(ts30) == 31 and ts30[1] == 33 and ts30[-1] == 990
    assert len(ddim_timesteps(1000)) == 1000 and len(ddim_timesteps(1)) == 1


# spec §3.2 table: k, tau, a_k, a_prev_k, sigma (eta=1), sqrt(1 - a_prev - sigma^2)
TABLE = [
    (49, 980, "0.0058438", "0.0073652", "0.454155", "0.886779"),
    (48, 960, "0.0073652", "0.0092187", "0.447972", "0.888877"),
    (25, 500, "0.276333", "0.303694", "0.294430", "0.780780"),
    (1, 20, "0.981314", "0.999150", "0.028496", "0.006162"),
    (0, 0, "0.999150", "0.999150", "0", "0.029155"),
]


@pytest.mark.parametrize("row", TABLE, ids=[f"k{r[0]}" for r in TABLE])
def test_ddim_table(row):
    k, tau, a, ap, sig, d = row
    c = ddim_coefficients(50, 1.0)
    assert c.steps == 50 and int(c.timesteps[k]) == tau
    for got, want in ((c.a[k], a), (c.a_prev[k], ap), (c.sigma[k], sig), (c.dir_coef[k], d)):
        assert _close_to_printed(float(got), want), (k, float(got), want)
    assert c.a.dtype == c.sigma.dtype == torch.float32


def test_ddim_eta0_and_last_step_deterministic():
    c0 = ddim_coefficients(50, 0.0)
    assert float(c0.sigma.abs().max()) == 0.0
    c1 = ddim_coefficients(50, 1.0)
    assert float(c1.sigma[0]) == 0.0      # a_prev_0 = a_0 -> last step deterministic for any eta
    x = torch.randn(2, 4, 3, 3)
    e = torch.randn_like(x)
    assert torch.equal(ddim_step(x, e, 0, c1, None), ddim_step(x, e, 0, c1, torch.zeros_like(x)))
    with pytest.raises(ValueError):
        ddim_step(x, e, 10, c1, None)


def test_ddim_step_formula():
    torch.manual_seed(0)
    c = ddim_coefficients(50, 1.0)
    k = 30
    x0 = torch.randn(3, 64, dtype=torch.float64)
    eps = torch.randn_like(x0)
    z = torch.randn_like(x0)
    a, ap, s = (float(v) for v in (c.a[k], c.a_prev[k], c.sigma[k]))
    x = np.sqrt(a) * x0 + np.sqrt(1 - a) * eps
    got = ddim_step(x.float(), eps.float(), k, c, z.float())
    want = np.sqrt(ap) * x0 + np.sqrt(1 - ap - s * s) * eps + s * z
    assert torch.allclose(got.double(), want, atol=1e-5)
    # eta = 0 with the true noise moves exactly along the forward-process marginal
    c0 = ddim_coefficients(50, 0.0)
    got0 = ddim_step(x.float(), eps.float(), k, c0, None)
    want0 = np.sqrt(float(c0.a_prev[k])) * x0 + np.sqrt(1 - float(c0.a_prev[k])) * eps
    assert torch.allclose(got0.double(), want0, atol=1e-5)


def test_cfg_combine_first_half_uncond():
    u = torch.randn(2, 4)
    cnd = torch.randn(2, 4)
    out = cfg_combine(torch.cat([u, cnd]), 7.5)
    assert torch.allclose(out, u + 7.5 * (cnd - u))
    assert torch.allclose(cfg_combine(torch.cat([u, cnd]), 1.0), cnd)


def test_mix_conditions_weighted_mean_without_renorm():
    def unit(v):
        return v / v.norm(dim=-1, keepdim=True)
    u_txt, u_img = unit(torch.randn(1, 1, 8)), unit(torch.randn(1, 1, 8))
    c_txt, c_img = unit(torch.randn(1, 1, 8)), unit(torch.randn(1, 1, 8))
    pair_txt, pair_img = torch.cat([u_txt, c_txt]), torch.cat([u_img, c_img])
    m = mix_conditions([pair_txt, pair_img])
    assert m.shape == (2, 1, 8)
    assert torch.allclose(m[0], (u_txt[0] + u_img[0]) / 2)          # uncond half mixed identically
    assert torch.allclose(m[1], (c_txt[0] + c_img[0]) / 2)
    assert float(m[1].norm()) < 1.0 - 1e-3                           # not re-normalised
    w = mix_conditions([pair_txt, pair_img], [1.0, 3.0])
    assert torch.allclose(w, (pair_txt + 3.0 * pair_img) / 4.0)
    assert torch.equal(mix_conditions([pair_img]), pair_img)
    with pytest.raises(ValueError):
        mix_conditions([pair_txt, pair_img], [1.0])
