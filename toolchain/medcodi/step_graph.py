"""`latent_step.onnx`: one guided sampler update as a graph, so a WebGPU studio keeps the latents on the GPU.

Without it, every denoise step reads the UNet's ε back to the CPU, combines the guidance halves and applies the
DDIM / DPM-Solver++ update in JavaScript, then uploads the new latent: a GPU→CPU sync per step and target. With it,
the UNet's ε, the latent and its doubled batch stay in GPU memory from the first step to the last (issue 3,
"tensors kept on the GPU between steps"). The graph has no weights and no fixed shapes, so one file serves every
latent of every model (image [B,C,h,w] and text [B,D]); `convert` and `export` both ship it.

Inputs (float32):
  x        [B,…]   the current latent
  eps2     [2B,…]  the UNet output for cat([x, x]) (unconditional half first, spec §3.4)
  x0_prev  [B,…]   the previous step's x0 (DPM-Solver++ 2M history; any tensor of x's shape when its weight is 0)
  noise    [B,…]   N(0,1) for the stochastic DDIM term (zeros when its weight is 0)
  coeffs   [8]     s, k_eps, k_div, p_x0, p_eps, p_noise, p_x, p_x0prev
Computed, in this order (each operation rounded to float32, as the studio's JavaScript samplers):
  eps  = eps_u + s·(eps_c − eps_u)
  x0   = (x − k_eps·eps) / k_div
  prev = (((p_x0·x0 + p_eps·eps) + p_noise·noise) + p_x·x) + p_x0prev·x0_prev
Outputs: prev [B,…], prev2 = cat([prev, prev]) [2B,…] (the next UNet input), x0 [B,…] (previews, DPM history).
DDIM (spec §3.3): k_eps = √(1−ᾱ_t), k_div = √ᾱ_t, p_x0 = √ᾱ_prev, p_eps = √(1−ᾱ_prev−σ²), p_noise = σ.
DPM-Solver++ (2M): k_eps = σ_s, k_div = α_s, p_x = σ_t/σ_s, p_x0 / p_x0prev its multistep weights.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper

NAME = "latent_step"
ROLE = "sampler-step"
COEFFS = ("s", "k_eps", "k_div", "p_x0", "p_eps", "p_noise", "p_x", "p_x0prev")
INPUTS = ("x", "eps2", "x0_prev", "noise", "coeffs")
OUTPUTS = ("prev", "prev2", "x0")


def build_latent_step(opset: int = 17) -> onnx.ModelProto:
    nodes = [helper.make_node("Split", ["coeffs"], [f"c/{c}" for c in COEFFS], axis=0, name="coeffs/split"),
             helper.make_node("Split", ["eps2"], ["eps_u", "eps_c"], axis=0, name="eps2/split")]

    def op(kind: str, inputs, out: str) -> str:
        nodes.append(helper.make_node(kind, list(inputs), [out], name=out))
        return out

    c = {k: f"c/{k}" for k in COEFFS}
    eps = op("Add", ["eps_u", op("Mul", [c["s"], op("Sub", ["eps_c", "eps_u"], "eps/diff")], "eps/scaled")], "eps")
    x0 = op("Div", [op("Sub", ["x", op("Mul", [c["k_eps"], eps], "x0/eps")], "x0/num"), c["k_div"]], "x0")
    acc = op("Add", [op("Mul", [c["p_x0"], x0], "prev/x0"), op("Mul", [c["p_eps"], eps], "prev/eps")], "prev/a1")
    acc = op("Add", [acc, op("Mul", [c["p_noise"], "noise"], "prev/noise")], "prev/a2")
    acc = op("Add", [acc, op("Mul", [c["p_x"], "x"], "prev/x")], "prev/a3")
    op("Add", [acc, op("Mul", [c["p_x0prev"], "x0_prev"], "prev/x0prev")], "prev")
    nodes.append(helper.make_node("Concat", ["prev", "prev"], ["prev2"], axis=0, name="prev2"))

    def value(name: str, shape):
        return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)

    graph = helper.make_graph(
        nodes, NAME,
        [value("x", ["B", "..."]), value("eps2", ["N", "..."]), value("x0_prev", ["B", "..."]),
         value("noise", ["B", "..."]), value("coeffs", [len(COEFFS)])],
        [value("prev", ["B", "..."]), value("prev2", ["N", "..."]), value("x0", ["B", "..."])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="medcodi-toolchain", doc_string=__doc__.split("\n")[0])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    # The "..." dims are names for the manifest only: the graph must take latents of any rank (the checker wants a
    # shape field, onnxruntime reads a missing one as "any shape"), so the shapes go after the check.
    for v in list(model.graph.input) + list(model.graph.output):
        if v.name != "coeffs":
            v.type.tensor_type.ClearField("shape")
    return model


def reference_step(x, eps2, x0_prev, noise, coeffs):
    """The graph's arithmetic in numpy float32 (the test oracle)."""
    f = np.float32
    s, k_eps, k_div, p_x0, p_eps, p_noise, p_x, p_x0prev = (f(v) for v in coeffs)
    half = eps2.shape[0] // 2
    eu, ec = eps2[:half], eps2[half:]
    eps = eu + s * (ec - eu)
    x0 = (x - k_eps * eps) / k_div
    prev = (((p_x0 * x0 + p_eps * eps) + p_noise * noise) + p_x * x) + p_x0prev * x0_prev
    return prev, np.concatenate([prev, prev]), x0


def write(path: Path) -> Path:
    onnx.save(build_latent_step(), str(path))
    return path


def component_entry(path: Path, root: Path) -> dict:
    """The manifest component for the written graph (inputs/outputs as the manifest describes them)."""
    from .export import file_entry
    shape = {"coeffs": [len(COEFFS)], "eps2": ["N", "..."], "prev2": ["N", "..."]}
    io = lambda names: [{"name": n, "dtype": "float32", "shape": shape.get(n, ["B", "..."])} for n in names]  # noqa: E731
    return {"name": NAME, "role": ROLE, "inputs": io(INPUTS), "outputs": io(OUTPUTS),
            "variants": [{"id": variant, "dtype": dtype, "files": [file_entry(path, root)]}
                         for variant, dtype in (("fp32", "fp32"),)]}


def add_to_model(model: dict, folder: Path) -> dict:
    """Writes latent_step.onnx into the model folder and puts its component into the manifest entry `model`
    (replacing an older one). Every variant of the model shares the fp32 file: latents are float32 in every variant."""
    path = write(folder / f"{NAME}.onnx")
    entry = component_entry(path, folder)
    variants = list({v["id"]: v["dtype"] for comp in model["components"] if comp["name"] != NAME
                     for v in comp["variants"]}.items())   # in the model's own order
    # a converted model's variants also name their weight format (fp32/q4/q8); this graph has no weights to quantize
    has_format = any("format" in v for comp in model["components"] for v in comp["variants"])
    entry["variants"] = [{"id": vid, "dtype": dtype, **({"format": "fp32"} if has_format else {}),
                          "files": entry["variants"][0]["files"]} for vid, dtype in variants] or entry["variants"]
    model["components"] = [comp for comp in model["components"] if comp["name"] != NAME] + [entry]
    return entry


def main() -> None:
    ap = argparse.ArgumentParser(description="Add latent_step.onnx to a model folder and its manifest entry.")
    ap.add_argument("--manifest", type=Path, default=Path("../models-manifest.json"))
    ap.add_argument("--id", default="medcodi-nano")
    ap.add_argument("--public", type=Path, default=Path("../public"), help="the folder the model's baseUrl is under")
    args = ap.parse_args()
    manifest = json.loads(args.manifest.read_text())
    model = next((m for m in manifest["models"] if m["id"] == args.id), None)
    if model is None:
        raise SystemExit(f"{args.manifest} has no model {args.id!r} (it has {[m['id'] for m in manifest['models']]})")
    entry = add_to_model(model, args.public / model["baseUrl"])
    args.manifest.write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"{args.id}: {NAME} {entry['variants'][0]['files'][0]['bytes']} bytes, variants "
          f"{[v['id'] for v in entry['variants']]}")


if __name__ == "__main__":
    main()
