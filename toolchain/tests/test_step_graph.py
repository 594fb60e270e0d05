"""latent_step.onnx: the guided DDIM / DPM-Solver++ update as a graph (the WebGPU studio keeps latents on the GPU)."""
import json
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
import torch

from medcodi.model.diffusion import cfg_combine, ddim_coefficients, ddim_step
from medcodi.step_graph import COEFFS, INPUTS, OUTPUTS, add_to_model, build_latent_step, reference_step

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def session():
    return ort.InferenceSession(build_latent_step().SerializeToString(), providers=["CPUExecutionProvider"])


def _feeds(shape, coeffs, seed=0):
    rng = np.random.default_rng(seed)
    r = lambda s: rng.standard_normal(s).astype(np.float32)  # noqa: E731
    return {"x": r(shape), "eps2": r((2 * shape[0],) + shape[1:]), "x0_prev": r(shape), "noise": r(shape),
            "coeffs": np.asarray(coeffs, np.float32)}


@pytest.mark.parametrize("shape", [(1, 4, 16, 16), (1, 32), (3, 2, 5)])
def test_any_rank_bit_exact_with_the_reference_order(session, shape):
    feeds = _feeds(shape, [7.5, 0.31, 0.95, 0.8, 0.5, 0.12, 0.2, -0.3])
    got = session.run(None, feeds)
    want = reference_step(*(feeds[n] for n in INPUTS))
    assert [o.shape for o in got] == [shape, (2 * shape[0],) + shape[1:], shape]
    for g, w in zip(got, want):
        assert np.array_equal(g, w)
    assert np.array_equal(got[1][: shape[0]], got[0]) and np.array_equal(got[1][shape[0]:], got[0])


@pytest.mark.parametrize("eta", [0.0, 1.0])
def test_ddim_coefficients_reproduce_the_reference_sampler_step(session, eta):
    """With spec §3.3's coefficients the graph is one guided step of the toolchain's DDIM sampler (the one that wrote
    the parity fixtures), at every grid index."""
    coeffs = ddim_coefficients(50, eta)
    worst = 0.0
    for k in range(len(coeffs.timesteps)):
        f = lambda v: float(v)  # noqa: E731 (float32 values, as the studio rounds them)
        vec = [7.5, f(coeffs.sqrt_one_minus_a[k]), f(torch.sqrt(coeffs.a[k])), f(torch.sqrt(coeffs.a_prev[k])),
               f(coeffs.dir_coef[k]), f(coeffs.sigma[k]), 0.0, 0.0]
        feeds = _feeds((1, 4, 8, 8), vec, seed=k)
        prev, _, x0 = session.run(None, feeds)
        eps = cfg_combine(torch.from_numpy(feeds["eps2"]), 7.5)
        noise = torch.from_numpy(feeds["noise"]) if float(coeffs.sigma[k]) != 0.0 else None
        want = ddim_step(torch.from_numpy(feeds["x"]), eps, k, coeffs, noise)
        worst = max(worst, float(np.abs(prev - want.numpy()).max()))
    assert worst <= 1e-6, worst


def test_graph_is_weightless_and_uses_only_plain_ops():
    g = build_latent_step().graph
    assert not g.initializer
    assert {n.op_type for n in g.node} == {"Split", "Add", "Sub", "Mul", "Div", "Concat"}
    assert [i.name for i in g.input] == list(INPUTS) and [o.name for o in g.output] == list(OUTPUTS)
    assert len(COEFFS) == 8


def test_add_to_model_lists_one_shared_file_per_variant_and_replaces_an_old_entry(tmp_path):
    model = {"components": [{"name": "unet_text", "variants": [{"id": "q4f16", "dtype": "q4f16"},
                                                                 {"id": "fp32", "dtype": "fp32"}]}]}
    add_to_model(model, tmp_path)
    first = add_to_model(model, tmp_path)
    assert [c["name"] for c in model["components"]] == ["unet_text", "latent_step"]
    assert [v["id"] for v in first["variants"]] == ["q4f16", "fp32"]
    assert first["variants"][0]["files"] == first["variants"][1]["files"]
    assert first["variants"][0]["files"][0]["path"] == "latent_step.onnx"
    assert (tmp_path / "latent_step.onnx").stat().st_size == first["variants"][0]["files"][0]["bytes"]

    assert all("format" not in v for v in first["variants"])   # the nano export names no weight formats


def test_add_to_model_names_fp32_format_when_the_converted_model_names_formats(tmp_path):
    model = {"components": [{"name": "unet_text", "variants": [{"id": "q4f16", "dtype": "q4f16", "format": "q4"},
                                                                 {"id": "fp32", "dtype": "fp32", "format": "fp32"}]}]}
    entry = add_to_model(model, tmp_path)
    assert [(v["id"], v["format"]) for v in entry["variants"]] == [("q4f16", "fp32"), ("fp32", "fp32")]


def test_bundled_model_ships_the_current_graph():
    entry = next(m for m in json.loads((ROOT / "models-manifest.json").read_text())["models"]
                 if m["id"] == "medcodi-nano")
    comp = next(c for c in entry["components"] if c["name"] == "latent_step")
    shipped = (ROOT / "public" / entry["baseUrl"] / comp["variants"][0]["files"][0]["path"]).read_bytes()
    assert shipped == build_latent_step().SerializeToString()
