"""models-manifest.json lists every bundled file with its true size and sha256, and the nano model fits 40 MB."""
import hashlib
import json
from pathlib import Path

import onnx
import pytest

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "models-manifest.json"


def _files(model):
    for c in model["components"]:
        for v in c["variants"]:
            yield from v["files"]
    for t in model["tokenizers"]:
        yield t["file"]
    for a in model["assets"]:
        yield a["file"]


@pytest.fixture(scope="module")
def manifest():
    if not MANIFEST.exists():
        pytest.fail("models-manifest.json is missing: run `python -m medcodi.export`")
    return json.loads(MANIFEST.read_text())


def test_schema_basics(manifest):
    assert manifest["schemaVersion"] == 1
    ids = [m["id"] for m in manifest["models"]]
    assert "medcodi-nano" in ids and len(ids) == len(set(ids))


def test_hashes_and_sizes_match_files(manifest):
    for model in manifest["models"]:
        base = ROOT / "public" / model["baseUrl"]
        for f in _files(model):
            p = base / f["path"]
            assert p.exists(), f"{p} listed in the manifest but missing"
            data = p.read_bytes()
            assert len(data) == f["bytes"], f"{p}: {len(data)} bytes, manifest says {f['bytes']}"
            assert hashlib.sha256(data).hexdigest() == f["sha256"], f"{p}: sha256 differs from the manifest"


def test_every_contract_graph_present_with_io_names(manifest):
    model = next(m for m in manifest["models"] if m["id"] == "medcodi-nano")
    comps = {c["name"]: c for c in model["components"]}
    expected = {
        "clip_text": (["input_ids"], ["text_embed"]), "clip_vision": (["pixel_values"], ["image_embed"]),
        "vae_decoder": (["latent"], ["image"]), "vae_encoder": (["image"], ["latent"]),
        "gpt2_init": (["latent"], ["emb_bias", "past_keys", "past_values"]),
        "gpt2_step": (["input_ids", "position_ids", "emb_bias", "past_keys", "past_values"],
                      ["logits", "present_keys", "present_values"]),
        "phantom_classifier": (["image"], ["probs"]),
    }
    for m in ("frontal", "lateral", "text"):
        expected[f"unet_{m}"] = (["sample", "timestep", "context"], ["eps"])
        expected[f"unet_{m}_joint"] = (["sample", "timestep", "context", "h_con"], ["eps"])
        expected[f"env_{m}"] = (["sample", "timestep"], ["h_con"])
    expected["latent_step"] = (["x", "eps2", "x0_prev", "noise", "coeffs"], ["prev", "prev2", "x0"])
    assert set(comps) == set(expected)
    base = ROOT / "public" / model["baseUrl"]
    for name, (ins, outs) in expected.items():
        c = comps[name]
        assert [i["name"] for i in c["inputs"]] == ins, name
        assert [o["name"] for o in c["outputs"]] == outs, name
        g = onnx.load(str(base / c["variants"][0]["files"][0]["path"]))
        assert g.opset_import[0].version >= 17
        assert not any(n.op_type == "Einsum" for n in g.graph.node), name


def test_nano_fits_40_mb(manifest):
    model = next(m for m in manifest["models"] if m["id"] == "medcodi-nano")
    base = ROOT / "public" / model["baseUrl"]
    total = sum(p.stat().st_size for p in base.rglob("*") if p.is_file())
    assert total <= 40 * 1024 * 1024, f"nano model folder is {total / 1e6:.1f} MB"
