"""ONNX graph rewrites the exporters apply after torch.onnx.export, for runtimes less exact than onnxruntime's CPU.

`exact_trig`: the sinusoidal timestep embedding (spec §3.8) takes cos and sin of t·f_j, up to ~1000 radians. WGSL
bounds cos/sin only to an absolute error of 2^-11 inside [-π, π], and WebGPU on SwiftShader uses that freedom: its
cos/sin are 1.9e-4 off at t = 981, with or without range reduction, and every UNet and environment encoder carries
that to its output (measured 2026-12-06 with every intermediate tensor of unet_frontal as a graph output: eps
1.5e-4 off PyTorch on WebGPU against 3e-6 on WASM, and the error enters at the Cos/Sin nodes). So each Cos/Sin is
replaced by plain arithmetic, which every backend computes to float32 rounding:
  1. x is reduced to r in about [-π, π] (Cody-Waite): k = floor(x/2π + 1/2), r = (x - k·C_HI) - k·C_LO with
     C_HI = 201/32 (8 significant bits, so k·C_HI is exact for |x| < ~2e5) and C_LO = fp32(2π - C_HI);
  2. s = sin(r/2), c = cos(r/2) by Taylor polynomials to degree 13 / 14 (|r/2| <= π/2: truncation below 6e-8);
  3. sin(r) = 2·s·c and cos(r) = 1 - 2·s².
Measured against float64 on the embedding's arguments for t = 0..999: max abs error 5.6e-7 (float32 cos/sin:
4.5e-8; the parity bar is 1e-4), tested in tests/test_graph_passes.py.
"""
from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Dict, List

import numpy as np
import onnx
from onnx import helper, numpy_helper

TWO_PI_HI = 201.0 / 32.0                                # 6.28125
TWO_PI_LO = float(np.float32(2.0 * math.pi - TWO_PI_HI))
INV_TWO_PI = float(np.float32(1.0 / (2.0 * math.pi)))
# Taylor coefficients in h² (Horner order, highest first) of sin(h)/h and cos(h)
SIN_COEFFS = [(-1) ** k / math.factorial(2 * k + 1) for k in range(6, -1, -1)]
COS_COEFFS = [(-1) ** k / math.factorial(2 * k) for k in range(7, -1, -1)]
TRIG_OPS = ("Cos", "Sin")
PREFIX = "exact_trig"


def _const(graph: onnx.GraphProto, have: set, name: str, value: float) -> str:
    full = f"{PREFIX}/c/{name}"
    if full not in have:
        graph.initializer.append(numpy_helper.from_array(np.array(value, dtype=np.float32), full))
        have.add(full)
    return full


def exact_trig(model: onnx.ModelProto) -> int:
    """Replaces, in place, every Cos/Sin of `model` by the arithmetic above (Cos and Sin of one tensor share it);
    returns how many arguments were rewritten (0 when the graph has no Cos/Sin, so a second call changes nothing)."""
    graph = model.graph
    if not any(n.op_type in TRIG_OPS for n in graph.node):
        return 0
    have = {i.name for i in graph.initializer}
    c = lambda name, value: _const(graph, have, name, value)  # noqa: E731
    halves: Dict[str, tuple] = {}   # argument -> (s, c) tensor names
    nodes: List[onnx.NodeProto] = []

    def op(kind: str, inputs: List[str], out: str) -> str:
        nodes.append(helper.make_node(kind, inputs, [out], name=out))
        return out

    def horner(h2: str, coeffs: List[float], p: str) -> str:
        acc = c(f"{p}0", coeffs[0])
        for i, k in enumerate(coeffs[1:], 1):
            acc = op("Add", [op("Mul", [acc, h2], f"{p}/m{i}"), c(f"{p}{i}", k)], f"{p}/a{i}")
        return acc

    for node in graph.node:
        if node.op_type not in TRIG_OPS:
            nodes.append(node)
            continue
        x = node.input[0]
        if x not in halves:
            p = f"{PREFIX}/{len(halves)}"
            k = op("Floor", [op("Add", [op("Mul", [x, c("inv_two_pi", INV_TWO_PI)], f"{p}/turns"), c("half", 0.5)],
                                 f"{p}/turns_half")], f"{p}/k")
            r_hi = op("Sub", [x, op("Mul", [k, c("two_pi_hi", TWO_PI_HI)], f"{p}/k_hi")], f"{p}/r_hi")
            r = op("Sub", [r_hi, op("Mul", [k, c("two_pi_lo", TWO_PI_LO)], f"{p}/k_lo")], f"{p}/r")
            h = op("Mul", [r, c("half", 0.5)], f"{p}/h")
            h2 = op("Mul", [h, h], f"{p}/h2")
            s = op("Mul", [horner(h2, SIN_COEFFS, f"{p}/sin"), h], f"{p}/s")
            cc = horner(h2, COS_COEFFS, f"{p}/cos")
            halves[x] = (s, cc)
        s, cc = halves[x]
        out = node.output[0]
        if node.op_type == "Sin":       # sin r = 2 s c
            nodes.append(helper.make_node("Mul", [op("Mul", [s, cc], f"{out}/sc"), c("two", 2.0)], [out], name=out))
        else:                           # cos r = 1 - 2 s²
            s2m = op("Mul", [op("Mul", [s, s], f"{out}/s2"), c("minus_two", -2.0)], f"{out}/m2s2")
            nodes.append(helper.make_node("Add", [s2m, c("one", 1.0)], [out], name=out))
    del graph.node[:]
    graph.node.extend(nodes)
    return len(halves)


def exact_trig_in_file(path: str) -> int:
    """`exact_trig` on an .onnx file, rewritten in place (external data, if any, stays where it is)."""
    model = onnx.load(path, load_external_data=False)
    count = exact_trig(model)
    if count:
        onnx.save(model, path)
    return count


def _feeds(inputs: List[dict], rng: np.random.Generator, batch: int = 2) -> Dict[str, np.ndarray]:
    """Test inputs from a manifest component's io list: symbolic dims -> batch, timesteps on the DDPM grid."""
    feeds = {}
    for spec in inputs:
        shape = [d if isinstance(d, int) else batch for d in spec["shape"]]
        if spec["name"] == "timestep":
            feeds[spec["name"]] = rng.integers(0, 1000, size=shape).astype(np.float32)
        elif spec["dtype"] == "float32":
            feeds[spec["name"]] = rng.standard_normal(shape).astype(np.float32)
        else:
            return {}
    return feeds


def patch_model_folder(model_dir: Path, manifest_path: Path, model_id: str, version: str | None,
                       limit: float = 1e-5, log=print) -> Dict[str, float]:
    """Applies `exact_trig` to every graph of a shipped model folder whose Cos/Sin are not rewritten yet, checks on
    random inputs that each rewritten graph computes what it computed before (max abs difference <= `limit`, or
    nothing is written), then writes the graphs and refreshes their bytes and sha256 in the manifest (and the
    version, if given). Returns the measured difference per rewritten graph."""
    import onnxruntime as ort
    from .export import file_entry
    manifest = json.loads(manifest_path.read_text())
    entry = next((m for m in manifest["models"] if m["id"] == model_id), None)
    if entry is None:
        raise SystemExit(f"{manifest_path} has no model {model_id!r}")
    rng = np.random.default_rng(0)
    rewritten: Dict[Path, onnx.ModelProto] = {}
    diffs: Dict[str, float] = {}
    for comp in entry["components"]:
        for variant in comp["variants"]:
            for f in variant["files"]:
                path = model_dir / f["path"]
                if path.suffix != ".onnx" or path in rewritten:
                    continue
                model = onnx.load(str(path))
                before = model.SerializeToString()
                if not exact_trig(model):
                    continue
                feeds = _feeds(comp["inputs"], rng)
                if not feeds:
                    raise SystemExit(f"{path.name}: cannot make test inputs for {comp['inputs']}")
                outs = [ort.InferenceSession(b, providers=["CPUExecutionProvider"]).run(None, feeds)
                        for b in (before, model.SerializeToString())]
                diff = max(float(np.abs(a - b).max()) for a, b in zip(*outs))
                if not diff <= limit:
                    raise SystemExit(f"{path.name}: the rewritten graph differs by {diff:.2e} > {limit}; "
                                     f"nothing written")
                diffs[f"{comp['name']}/{variant['id']}"] = diff
                rewritten[path] = model
    for path, model in rewritten.items():
        onnx.save(model, str(path))
    for comp in entry["components"]:
        for variant in comp["variants"]:
            variant["files"] = [file_entry(model_dir / f["path"], model_dir) if (model_dir / f["path"]) in rewritten
                                else f for f in variant["files"]]
    if version:
        entry["version"] = version
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    for name, d in diffs.items():
        log(f"{name:28s} cos/sin rewritten; max |after - before| = {d:.2e}")
    log(f"{len(rewritten)} graphs rewritten in {model_dir}; manifest {manifest_path} updated")
    return diffs


def main() -> None:
    ap = argparse.ArgumentParser(description="Rewrite the Cos/Sin of an exported model folder as exact arithmetic "
                                             "(what medcodi.export and medcodi.convert do on export).")
    ap.add_argument("--model-dir", type=Path, default=Path("../public/models/medcodi-nano"))
    ap.add_argument("--manifest", type=Path, default=Path("../models-manifest.json"))
    ap.add_argument("--id", default="medcodi-nano")
    ap.add_argument("--version", default=None, help="new model version for the manifest entry")
    args = ap.parse_args()
    patch_model_folder(args.model_dir, args.manifest, args.id, args.version)


if __name__ == "__main__":
    main()
