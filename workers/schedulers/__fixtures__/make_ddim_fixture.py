"""Golden DDIM steps for ddim.test.ts, in numpy float32, transcribing toolchain/medcodi/model/diffusion.py
(`make_schedule`, `ddim_coefficients`, `ddim_step`, `cfg_combine`) op for op (torch is not needed: elementwise
float32 ops round identically).

Run: /work/main/toolchain/.venv/bin/python workers/schedulers/__fixtures__/make_ddim_fixture.py
"""
import json
import pathlib

import numpy as np

T = 1000
betas = np.linspace(0.00085 ** 0.5, 0.012 ** 0.5, T, dtype=np.float64) ** 2
ac = np.cumprod(1.0 - betas)


def coefficients(steps, eta):
    c = T // steps
    ts = np.asarray(list(range(0, T, c)), dtype=np.int64)
    a = ac[ts]
    a_prev = np.concatenate([ac[:1], ac[ts[:-1]]])
    sigma = eta * np.sqrt((1.0 - a_prev) / (1.0 - a) * (1.0 - a / a_prev))
    dir_coef = np.sqrt(np.maximum(1.0 - a_prev - sigma ** 2, 0.0))
    f32 = lambda v: np.asarray(v, dtype=np.float32)
    return ts, f32(a), f32(a_prev), f32(sigma), f32(np.sqrt(1.0 - a)), f32(dir_coef)


def step(x, eps, k, co, z):
    ts, a, a_prev, sigma, s1m, dirc = co
    x0 = (x - s1m[k] * eps) / np.sqrt(a[k])
    out = np.sqrt(a_prev[k]) * x0 + dirc[k] * eps
    if z is not None:
        out = out + sigma[k] * z
    return out, x0


D = 6
rng = np.random.default_rng(0)
cases = []
for steps, eta in [(50, 1.0), (50, 0.0), (30, 1.0), (10, 0.5)]:
    co = coefficients(steps, eta)
    n = len(co[0])
    x = rng.standard_normal(D).astype(np.float32)
    x_init = x.tolist()
    eps2 = rng.standard_normal(2 * D).astype(np.float32)
    eps_u, eps_c = eps2[:D], eps2[D:]
    eps = eps_u + np.float32(7.5) * (eps_c - eps_u)
    trajectory = []
    noises = []
    for k in range(n - 1, -1, -1):
        z = rng.standard_normal(D).astype(np.float32) if float(co[3][k]) != 0.0 else None
        x, x0 = step(x, eps, k, co, z)
        noises.append(None if z is None else z.tolist())
        trajectory.append({"prev": x.tolist(), "x0": x0.tolist()})
    cases.append({"steps": steps, "eta": eta, "eps2": eps2.tolist(), "x": x_init, "noise": noises, "trajectory": trajectory})

path = pathlib.Path(__file__).with_name("ddim-steps.json")
path.write_text(json.dumps({"generator": "make_ddim_fixture.py", "guidance": 7.5, "cases": cases}))
print(path, path.stat().st_size)
