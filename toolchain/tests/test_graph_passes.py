"""graph_passes.exact_trig: Cos/Sin rewritten as arithmetic that every backend computes to float32 rounding (WebGPU
on SwiftShader returns cos/sin 1.9e-4 off), without changing what the graphs compute."""
import json
import math
import shutil
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch
from onnx import TensorProto, helper

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from medcodi.export import file_entry  # noqa: E402
from medcodi.graph_passes import exact_trig, exact_trig_in_file, patch_model_folder  # noqa: E402
from medcodi.model.blocks import timestep_embedding  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "models-manifest.json"


def _cos_sin_model() -> onnx.ModelProto:
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [None])
    outs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, [None]) for n in ("c", "s")]
    graph = helper.make_graph([helper.make_node("Cos", ["x"], ["c"]), helper.make_node("Sin", ["x"], ["s"])],
                              "trig", [x], outs)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def _run(model: onnx.ModelProto, feeds: dict) -> list:
    return ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"]).run(None, feeds)


def _embedding_args(dim: int = 32) -> np.ndarray:
    half = dim // 2
    freqs = np.exp(np.arange(half) * (-math.log(10000.0) / half)).astype(np.float32)
    return (np.arange(1000, dtype=np.float32)[:, None] * freqs[None]).astype(np.float32).ravel()


def test_rewritten_cos_sin_match_float64_on_the_timestep_grid_and_beyond():
    model = _cos_sin_model()
    assert exact_trig(model) == 1  # Cos and Sin of one tensor share one reduction
    onnx.checker.check_model(model)
    assert not {n.op_type for n in model.graph.node} & {"Cos", "Sin"}
    x = np.concatenate([_embedding_args(), np.linspace(-3000, 3000, 100_001, dtype=np.float32),
                        np.array([0.0, np.pi, -np.pi, 2 * np.pi, 1e-8], dtype=np.float32)])
    c, s = _run(model, {"x": x})
    xd = x.astype(np.float64)
    assert np.abs(c - np.cos(xd)).max() < 1e-6
    assert np.abs(s - np.sin(xd)).max() < 1e-6
    grid = _embedding_args()
    cg, sg = _run(model, {"x": grid})
    # the embedding's own arguments (measured: 5.6e-7; float32 cos/sin themselves: 4.5e-8; the parity bar is 1e-4)
    assert np.abs(cg - np.cos(grid.astype(np.float64))).max() < 1e-6
    assert np.abs(sg - np.sin(grid.astype(np.float64))).max() < 1e-6


def test_the_pass_is_idempotent():
    model = _cos_sin_model()
    exact_trig(model)
    once = model.SerializeToString()
    assert exact_trig(model) == 0
    assert model.SerializeToString() == once


class _Embedding(torch.nn.Module):
    def forward(self, t):
        return timestep_embedding(t, 32)


def test_exported_timestep_embedding_matches_pytorch(tmp_path):
    path = tmp_path / "emb.onnx"
    t = torch.arange(0, 1000, dtype=torch.float32)
    torch.onnx.export(_Embedding(), (t[:2],), str(path), input_names=["timestep"], output_names=["emb"],
                      dynamic_axes={"timestep": {0: "N"}, "emb": {0: "N"}}, opset_version=17)
    assert exact_trig_in_file(str(path)) == 1
    model = onnx.load(str(path))
    assert not {n.op_type for n in model.graph.node} & {"Cos", "Sin"}
    (got,) = _run(model, {"timestep": t.numpy()})
    want = timestep_embedding(t, 32).numpy()
    assert np.abs(got - want).max() < 1e-6


def test_every_bundled_graph_is_free_of_cos_and_sin():
    """The shipped nano graphs were rewritten (model 0.2.1); an export without the pass fails here."""
    entry = json.loads(MANIFEST.read_text())["models"][0]
    model_dir = ROOT / "public" / entry["baseUrl"]
    checked = 0
    for comp in entry["components"]:
        for variant in comp["variants"]:
            for f in variant["files"]:
                ops = {n.op_type for n in onnx.load(str(model_dir / f["path"]), load_external_data=False).graph.node}
                assert not ops & {"Cos", "Sin"}, f"{f['path']} still has {ops & {'Cos', 'Sin'}}"
                checked += 1
    assert checked >= 16


def test_patching_a_shipped_folder_checks_equivalence_and_refreshes_the_manifest(tmp_path):
    model_dir = tmp_path / "m"
    model_dir.mkdir()
    path = model_dir / "unet_x.onnx"
    torch.onnx.export(_Embedding(), (torch.tensor([3.0, 981.0]),), str(path), input_names=["timestep"],
                      output_names=["emb"], dynamic_axes={"timestep": {0: "N"}, "emb": {0: "N"}}, opset_version=17)
    shutil.copy(path, tmp_path / "original.onnx")
    manifest = tmp_path / "manifest.json"
    comp = {"name": "unet_x", "inputs": [{"name": "timestep", "dtype": "float32", "shape": ["N"]}],
            "variants": [{"id": "fp32", "files": [file_entry(path, model_dir)]}]}
    manifest.write_text(json.dumps({"schemaVersion": 1, "models": [{"id": "x", "version": "1.0.0",
                                                                    "components": [comp]}]}))
    diffs = patch_model_folder(model_dir, manifest, "x", "1.0.1", log=lambda _: None)
    assert list(diffs) == ["unet_x/fp32"] and diffs["unet_x/fp32"] < 1e-6
    entry = json.loads(manifest.read_text())["models"][0]
    assert entry["version"] == "1.0.1"
    assert entry["components"][0]["variants"][0]["files"] == [file_entry(path, model_dir)]
    assert file_entry(path, model_dir)["sha256"] != file_entry(tmp_path / "original.onnx", tmp_path)["sha256"]
    # a second run finds nothing to do and leaves the files alone
    before = path.read_bytes()
    assert patch_model_folder(model_dir, manifest, "x", None, log=lambda _: None) == {}
    assert path.read_bytes() == before


def test_patching_refuses_an_unknown_model(tmp_path):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"schemaVersion": 1, "models": []}))
    with pytest.raises(SystemExit, match="has no model"):
        patch_model_folder(tmp_path, manifest, "nope", None)


def test_patching_writes_nothing_when_a_rewritten_graph_differs(tmp_path):
    """A rewritten graph that computes something else (here: any difference at all, limit 0) is refused with a
    message naming the file, and neither the graph nor the manifest changes."""
    model_dir = tmp_path / "m"
    model_dir.mkdir()
    path = model_dir / "unet_x.onnx"
    torch.onnx.export(_Embedding(), (torch.tensor([3.0, 981.0]),), str(path), input_names=["timestep"],
                      output_names=["emb"], dynamic_axes={"timestep": {0: "N"}, "emb": {0: "N"}}, opset_version=17)
    manifest = tmp_path / "manifest.json"
    comp = {"name": "unet_x", "inputs": [{"name": "timestep", "dtype": "float32", "shape": ["N"]}],
            "variants": [{"id": "fp32", "files": [file_entry(path, model_dir)]}]}
    manifest.write_text(json.dumps({"schemaVersion": 1, "models": [{"id": "x", "version": "1.0.0",
                                                                    "components": [comp]}]}))
    graph_before, manifest_before = path.read_bytes(), manifest.read_text()
    with pytest.raises(SystemExit, match=r"unet_x\.onnx: the rewritten graph differs by .* nothing written"):
        patch_model_folder(model_dir, manifest, "x", "1.0.1", limit=0.0, log=lambda _: None)
    assert path.read_bytes() == graph_before and manifest.read_text() == manifest_before
