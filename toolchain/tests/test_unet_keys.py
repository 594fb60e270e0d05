"""Denoiser structure vs the reference checkpoint layout (full, on the meta device) and nano behaviour/ONNX parity.

Run: cd toolchain && .venv/bin/python -m pytest tests/test_unet_keys.py -q
"""
from __future__ import annotations

import gzip
import json
import os
import resource
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from medcodi.config import FULL, NANO  # noqa: E402
from medcodi.model.blocks import timestep_embedding  # noqa: E402
from medcodi.model.keymap import drop_reason, is_dropped_key  # noqa: E402
from medcodi.model.unet import UNet2D, UNetText, export_unet_graph  # noqa: E402

torch.set_num_threads(1)

from medcodi.convert import REF_KEYS as REF_PATH  # noqa: E402
META = torch.device("meta")


@pytest.fixture(scope="module")
def ref():
    assert REF_PATH.exists(), f"reference key list missing: {REF_PATH} (it is committed with the toolchain)"
    with gzip.open(REF_PATH, "rt") as f:
        return {k: tuple(s) for k, s, _ in json.load(f)}


@pytest.fixture(scope="module")
def full_models():
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    img = UNet2D(FULL.unet_image, device=META)
    txt = UNetText(FULL.unet_text, device=META)
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return img, txt, (rss1 - rss0) / 1024.0  # MiB (ru_maxrss is KiB on Linux)


def _local(ref, name):
    p = f"model.diffusion_model.{name}."
    return {k[len(p):]: s for k, s in ref.items() if k.startswith(p)}


def _numel(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def test_full_built_on_meta_without_allocating(full_models):
    img, txt, grew_mib = full_models
    for m in (img, txt):
        assert all(p.is_meta for p in m.parameters())
    # 1.16 B + 2.05 B fp32 params would be ~12.8 GB; the meta build must stay tiny.
    assert grew_mib < 512, f"peak RSS grew by {grew_mib:.0f} MiB while building the full UNets"


@pytest.mark.parametrize("name", ["unet_frontal", "unet_lateral", "unet_text"])
def test_full_keys_and_shapes_match_reference(ref, full_models, name):
    img, txt, _ = full_models
    model = txt if name == "unet_text" else img
    r = _local(ref, name)
    assert r, f"no reference keys for {name}"
    mine = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    extra = sorted(k for k in mine if k not in r)
    assert not extra, f"keys not in the reference: {extra[:20]}"
    bad = [(k, mine[k], r[k]) for k in mine if mine[k] != r[k]]
    assert not bad, f"shape mismatches: {bad[:20]}"
    missing = [k for k in r if k not in mine]
    undocumented = [k for k in missing if not is_dropped_key(f"model.diffusion_model.{name}.{k}")]
    assert not undocumented, f"reference keys neither produced nor dropped: {undocumented[:20]}"
    # the drop rule must be minimal: it never matches a key we produce
    wrongly = [k for k in mine if is_dropped_key(f"model.diffusion_model.{name}.{k}") or is_dropped_key(k)]
    assert not wrongly, f"drop rule matches produced keys: {wrongly[:20]}"
    if name == "unet_text":
        assert not missing
    else:
        assert len(missing) == 475
        # spec §1.5: unused SpatioTemporalAttention params per image UNet
        assert sum(_numel(r[k]) for k in missing) == 616_963_283


def test_drop_rule_examples():
    p = "model.diffusion_model.unet_frontal."
    assert is_dropped_key(p + "input_blocks.1.0.1.temporal_attn.to_q.weight")
    assert is_dropped_key(p + "output_blocks.11.0.1.frameshiftblock.out_layers.2.weight")
    assert is_dropped_key(p + "connecters_out.5.0.1.ff.proj_in.0.weight")
    assert is_dropped_key(p + "middle_block.0.1.temporal_rel_pos_bias.net.2.bias")
    assert is_dropped_key(p + "middle_block.2.1.ff.proj_out.0.g")
    assert is_dropped_key("middle_block.2.1.ff.proj_out.0.g")       # local image key
    assert drop_reason(p + "input_blocks.1.0.1.x") and "Temporal" in drop_reason(p + "input_blocks.1.0.1.x")
    assert not is_dropped_key(p + "middle_block.1.norm.weight")
    assert not is_dropped_key(p + "input_blocks.1.0.0.in_layers.0.weight")
    assert not is_dropped_key(p + "input_block_connecters_in.1.0.norm.weight")
    assert not is_dropped_key(p + "output_blocks.2.1.conv.weight")
    assert not is_dropped_key("model.diffusion_model.unet_text.input_blocks.1.0.in_layers.0.weight")
    assert not is_dropped_key("autokl.decoder.conv_in.weight")


def test_full_param_counts(full_models):
    img, txt, _ = full_models
    c = img.param_counts()
    assert c["time_embed"] == 2_050_560
    assert c["core"] == 857_470_404
    assert c["core"] + c["time_embed"] == 859_520_964          # SD-v1 UNet count
    assert c["connectors"] == 243_947_200
    assert c["env"] == 52_352_800
    assert c["total"] + 616_963_283 == 1_772_784_247            # + dropped temporal layers = spec §8
    t = txt.param_counts()
    assert t["time_embed"] == 2_050_560
    assert t["core"] == 1_706_797_888
    assert t["connectors"] == 243_947_200
    assert t["env"] == 95_589_760
    assert t["total"] == 2_048_385_408


def test_timestep_embedding_cos_first():
    e = timestep_embedding(torch.tensor([0.0, 5.0]), 8)
    assert torch.allclose(e[0], torch.tensor([1.0] * 4 + [0.0] * 4))
    f = torch.exp(-np.log(10000.0) * torch.arange(4, dtype=torch.float32) / 4)
    assert torch.allclose(e[1], torch.cat([torch.cos(5 * f), torch.sin(5 * f)]), atol=1e-6)


# ---------------------------------------------------------------------------------------------------------------
# nano

def _randomize_zero_params(m: torch.nn.Module, seed: int = 0) -> None:
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in m.parameters():
            if not p.any():
                p.copy_(torch.randn(p.shape, generator=g) * 0.05)


def _nano_inputs(kind: str, n: int = 2, seed: int = 1):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn((n, 4, 16, 16) if kind == "image" else (n, 64), generator=g)
    t = torch.tensor([980.0, 3.0, 500.0, 0.0][:n] if n <= 4 else [float(i) for i in range(n)])
    c = torch.randn(n, 1, 128, generator=g)
    c = c / c.norm(dim=-1, keepdim=True)
    return x, t, c


@pytest.fixture(scope="module")
def nano_models():
    torch.manual_seed(0)
    img = UNet2D(NANO.unet_image).eval()
    txt = UNetText(NANO.unet_text).eval()
    counts = {"image": img.param_counts(), "text": txt.param_counts()}
    print("\nnano param counts:", json.dumps(counts))
    return img, txt


@pytest.mark.parametrize("kind", ["image", "text"])
def test_nano_forward_shapes_and_connectors(nano_models, kind):
    img, txt = nano_models
    m = img if kind == "image" else txt
    x, t, c = _nano_inputs(kind)
    with torch.no_grad():
        h = m.env(x, t)
        assert h.shape == (2, 1, NANO.unet_image.hcon_dim)
        assert torch.allclose(h.norm(dim=-1), torch.ones(2, 1), atol=1e-5)
        e = m(x, t, c)
        ej = m.forward_joint(x, t, c, h)
        assert e.shape == x.shape and ej.shape == x.shape
        # freshly built: connector proj_out is zero-initialised -> connectors are identity
        assert torch.allclose(e, ej, atol=1e-6)


def test_nano_connector_counts(nano_models):
    img, txt = nano_models
    for m in (img, txt):
        cfg = m.cfg
        nl = len(cfg.connector_levels)
        n_in = sum(len(b) for b in m.input_block_connecters_in)
        n_out = sum(len(b) for b in m.output_block_connecters_in)
        assert n_in == nl * cfg.num_res_blocks and n_out == nl * (cfg.num_res_blocks + 1)


@pytest.mark.parametrize("kind", ["image", "text"])
def test_nano_onnx_export_matches_torch(nano_models, kind, tmp_path):
    import onnx
    import onnxruntime as ort

    img, txt = nano_models
    base = img if kind == "image" else txt
    m = type(base)(base.cfg).eval()
    m.load_state_dict(base.state_dict())
    _randomize_zero_params(m)                  # make connectors / out layers non-trivial
    x, t, c = _nano_inputs(kind)
    with torch.no_grad():
        h = m.env(x, t)
        assert not torch.allclose(m(x, t, c), m.forward_joint(x, t, c, h), atol=1e-4)
    calls = {"forward": (x, t, c), "forward_joint": (x, t, c, h), "env": (x, t)}
    x3, t3, c3 = _nano_inputs(kind, n=3, seed=7)      # a different batch size: N must be dynamic
    with torch.no_grad():
        h3 = m.env(x3, t3)
    calls3 = {"forward": (x3, t3, c3), "forward_joint": (x3, t3, c3, h3), "env": (x3, t3)}
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    for mode, args in calls.items():
        path = str(tmp_path / f"{kind}_{mode}.onnx")
        export_unet_graph(m, mode, args, path, opset=17)
        model = onnx.load(path)
        assert model.opset_import[0].version == 17
        ops = {n.op_type for n in model.graph.node}
        assert "Einsum" not in ops, f"{mode}: Einsum in graph"
        sess = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
        for a in (args, calls3[mode]):
            feeds = {i.name: v.numpy() for i, v in zip(sess.get_inputs(), a)}
            out = sess.run(None, feeds)[0]
            with torch.no_grad():
                want = getattr(m, mode)(*a).numpy()
            assert out.shape == want.shape
            err = float(np.abs(out - want).max())
            assert err < 1e-4, f"{kind}/{mode}: max abs err {err}"


@pytest.mark.parametrize("cfg", [FULL, NANO], ids=["full", "nano"])
def test_text_unet_is_at_least_as_wide_as_its_latent(cfg):
    """The text UNet's first and last layers carry model_channels x second_dim[0] values for the whole latent; any
    fewer and it cannot predict the noise (reference: 320 x 4 = 1280 for 768)."""
    t = cfg.unet_text
    assert t.model_channels * t.second_dim[0] >= t.latent_dim
