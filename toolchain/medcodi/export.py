"""Export a trained (or converted) MedCoDi-M to the studio's ONNX contract (docs/model-contract.md) and write its
entry in models-manifest.json.

    python -m medcodi.export --run runs/nano --out ../public/models/medcodi-nano --manifest ../models-manifest.json

Each graph is exported at opset 17 (GroupNorm decomposed by the exporter, attention as MatMul, no Einsum), checked
against PyTorch with onnxruntime on fixed inputs (max abs error must stay below 1e-4), and listed with bytes and
sha256. The precomputed unconditional embeddings, tokenizers, labeler rules and bundled example cases go beside them.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import time
from pathlib import Path
from typing import Dict, List, Tuple

import numpy as np
import onnx
import onnxruntime as ort
import torch

from .classifier import PhantomClassifier
from .config import ModelConfig
from .graph_passes import exact_trig_in_file
from .model.assembly import MedCoDiM
from .model.graphs_ae import (ClipTextGraph, ClipVisionGraph, Gpt2InitGraph, Gpt2StepGraph, VaeDecoderGraph,
                              VaeEncoderGraph, GRAPH_IO as AE_IO)
from .model.unet import GRAPH_IO as UNET_IO, UNetGraph
from .pngio import write_png_grey

PARITY_TOL = 1e-4
MODALITY_OF = {"frontal": "frontal", "lateral": "lateral", "text": "report"}
COMMON_GN_EPS = 1e-5


class UnifiedEpsGroupNorm(torch.nn.Module):
    """GroupNorm(x; eps) exported as GroupNorm(c*x; eps_common) with c = sqrt(eps_common / eps), which is the same
    function: ((cx - c mu) / sqrt(c^2 var + eps_common) = (x - mu) / sqrt(var + eps)). onnxruntime's WebGPU
    InstanceNormalization kernel leaves epsilon out of its shader cache key, so graphs mixing 1e-5 and 1e-6 norms get
    whichever epsilon was compiled first (measured: vae_decoder off by 7.5e-4 after a UNet ran on the same device).
    One epsilon everywhere avoids it."""

    def __init__(self, gn: torch.nn.GroupNorm, eps_common: float = COMMON_GN_EPS):
        super().__init__()
        self.gn, self.eps_common = gn, eps_common
        self.scale = float((eps_common / gn.eps) ** 0.5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.group_norm(x * self.scale, self.gn.num_groups, self.gn.weight, self.gn.bias,
                                              self.eps_common)


def unify_group_norm_eps(module: torch.nn.Module, eps_common: float = COMMON_GN_EPS) -> int:
    """Replaces, in place, every GroupNorm whose eps differs from eps_common; returns how many."""
    count = 0
    for name, child in list(module.named_children()):
        if isinstance(child, torch.nn.GroupNorm) and abs(child.eps - eps_common) > 1e-12:
            setattr(module, name, UnifiedEpsGroupNorm(child, eps_common))
            count += 1
        else:
            count += unify_group_norm_eps(child, eps_common)
    return count


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def file_entry(path: Path, root: Path) -> dict:
    return {"path": path.relative_to(root).as_posix(), "bytes": path.stat().st_size, "sha256": sha256_file(path)}


class GraphSpec:
    def __init__(self, name: str, role: str, modality: str, module: torch.nn.Module, inputs: Tuple[torch.Tensor, ...],
                 in_names: List[str], out_names: List[str], dyn: Dict[str, Dict[int, str]]):
        self.name, self.role, self.modality, self.module = name, role, modality, module.eval()
        self.inputs, self.in_names, self.out_names, self.dyn = inputs, in_names, out_names, dyn


def graph_specs(model: MedCoDiM, cfg: ModelConfig, clf: torch.nn.Module | None, seed: int = 0) -> List[GraphSpec]:
    g = torch.Generator().manual_seed(seed)
    N, B = 2, 1
    E, H = cfg.clip_text.projection_dim, cfg.unet_image.hcon_dim
    C, hw, D = cfg.unet_image.in_channels, cfg.vae.latent_size, cfg.unet_text.latent_dim
    L, S = cfg.clip_text.max_position_embeddings, cfg.image_size
    oc = cfg.optimus
    dh = oc.n_embd // oc.n_head
    rn = lambda *s: torch.randn(*s, generator=g)
    t = torch.tensor([981.0, 17.0])
    ctx = torch.nn.functional.normalize(rn(N, 1, E), dim=-1)
    hcon = torch.nn.functional.normalize(rn(N, 1, H), dim=-1)
    specs: List[GraphSpec] = []
    ids = torch.full((B, L), cfg.clip_text.eos_token_id, dtype=torch.long)
    ids[0, 0] = cfg.clip_text.bos_token_id
    ids[0, 1:6] = torch.randint(2, cfg.clip_text.vocab_size, (5,), generator=g)
    io = AE_IO["clip_text"]
    specs.append(GraphSpec("clip_text", "encoder", "report", ClipTextGraph(model.clip_model), (ids,), *io))
    io = AE_IO["clip_vision"]
    specs.append(GraphSpec("clip_vision", "encoder", "image", ClipVisionGraph(model.clip_model),
                           (rn(B, 3, cfg.clip_vision.image_size, cfg.clip_vision.image_size),), *io))
    for uname, unet in (("frontal", model.unets["frontal"]), ("lateral", model.unets["lateral"]),
                        ("text", model.unets["report"])):
        x = rn(N, C, hw, hw) if uname != "text" else rn(N, D)
        for mode, suffix, role in (("forward", "", "denoiser"), ("forward_joint", "_joint", "denoiser"),
                                   ("env", "", "env")):
            name = ("env_" + uname) if mode == "env" else f"unet_{uname}{suffix}"
            ins = {"forward": (x, t, ctx), "forward_joint": (x, t, ctx, hcon), "env": (x, t)}[mode]
            names_in, names_out = UNET_IO[mode]
            specs.append(GraphSpec(name, role, MODALITY_OF[uname], UNetGraph(unet, mode), ins, names_in, names_out,
                                   {n: {0: "N"} for n in names_in + names_out}))
    specs.append(GraphSpec("vae_decoder", "decoder", "image", VaeDecoderGraph(model.autokl, cfg.vae.scale_factor),
                           (rn(B, C, hw, hw),), *AE_IO["vae_decoder"]))
    specs.append(GraphSpec("vae_encoder", "encoder-latent", "image", VaeEncoderGraph(model.autokl, cfg.vae.scale_factor),
                           (rn(B, 3, S, S).clamp(-1, 1),), *AE_IO["vae_encoder"]))
    dec = model.optimus.decoder
    specs.append(GraphSpec("gpt2_init", "decoder", "report", Gpt2InitGraph(dec, oc.scale_factor), (rn(B, D),),
                           *AE_IO["gpt2_init"]))
    P = 3
    specs.append(GraphSpec("gpt2_step", "decoder", "report", Gpt2StepGraph(dec),
                           (torch.tensor([[oc.bos_token_id, 5]]), torch.tensor([[P, P + 1]]), rn(B, oc.n_embd),
                            rn(oc.n_layer, B, oc.n_head, P, dh), rn(oc.n_layer, B, oc.n_head, P, dh)),
                           *AE_IO["gpt2_step"]))
    if clf is not None:
        specs.append(GraphSpec("phantom_classifier", "classifier", "image", clf, (torch.rand(B, 1, S, S, generator=g),),
                               ["image"], ["probs"], {"image": {0: "B"}, "probs": {0: "B"}}))
    return specs


def onnx_io(path: Path) -> Tuple[list, list]:
    m = onnx.load(str(path), load_external_data=False)
    def desc(v):
        tt = v.type.tensor_type
        dtype = {1: "float32", 7: "int64", 10: "float16"}.get(tt.elem_type, str(tt.elem_type))
        shape = [d.dim_param if d.dim_param else int(d.dim_value) for d in tt.shape.dim]
        return {"name": v.name, "dtype": dtype, "shape": shape}
    inits = {i.name for i in m.graph.initializer}
    return [desc(v) for v in m.graph.input if v.name not in inits], [desc(v) for v in m.graph.output]


def export_one(spec: GraphSpec, path: Path, opset: int = 17, reference: torch.nn.Module | None = None) -> float:
    """Exports, then returns the max abs error of onnxruntime against PyTorch (`reference`, default the exported
    module itself) on the spec's inputs."""
    with torch.no_grad():
        torch.onnx.export(spec.module, spec.inputs, str(path), input_names=spec.in_names,
                          output_names=spec.out_names, dynamic_axes=spec.dyn, opset_version=opset,
                          do_constant_folding=True)
        ref = (reference or spec.module).eval()(*spec.inputs)
    exact_trig_in_file(str(path))  # cos/sin as arithmetic: WebGPU's are 2e-4 off (graph_passes.py)
    ops = {n.op_type for n in onnx.load(str(path)).graph.node}
    if "Einsum" in ops:
        raise RuntimeError(f"{spec.name}: Einsum in the exported graph")
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    outs = sess.run(None, {n: v.numpy() for n, v in zip(spec.in_names, spec.inputs)})
    refs = ref if isinstance(ref, (tuple, list)) else (ref,)
    return max(float(np.abs(o - r.numpy()).max()) for o, r in zip(outs, refs))


def manifest_model_fields(cfg: ModelConfig) -> dict:
    """The manifest fields that follow from a model config (shapes, schedule, preprocessing, tokens); shared by the
    nano exporter and the official-checkpoint converter."""
    oc = cfg.optimus
    return {
        "imageSize": cfg.image_size,
        "latents": {"image": {"channels": cfg.unet_image.in_channels, "size": cfg.vae.latent_size,
                              "scaleFactor": cfg.vae.scale_factor},
                    "text": {"dim": cfg.unet_text.latent_dim, "scaleFactor": oc.scale_factor}},
        "embedDim": cfg.clip_text.projection_dim, "hconDim": cfg.unet_image.hcon_dim,
        "schedule": {"numTrainTimesteps": cfg.schedule.num_train_timesteps, "betaStart": cfg.schedule.beta_start,
                     "betaEnd": cfg.schedule.beta_end, "betaSchedule": cfg.schedule.beta_schedule,
                     "predictionType": cfg.schedule.prediction_type},
        "sampling": {"steps": 50, "guidanceScale": 7.5, "eta": 1.0},
        "clipImage": {"size": cfg.clip_vision.image_size, "mean": list(cfg.clip_vision.image_mean),
                      "std": list(cfg.clip_vision.image_std), "resample": "bicubic"},
        "textEncoder": {"contextLength": cfg.clip_text.max_position_embeddings, "tokenizer": "clip",
                        "bosTokenId": cfg.clip_text.bos_token_id, "eosTokenId": cfg.clip_text.eos_token_id},
        "textDecoder": {"tokenizer": "gpt2", "bosTokenId": oc.bos_token_id, "eosTokenId": oc.eos_token_id,
                        "padTokenId": oc.pad_token_id, "maxLength": oc.max_decode_length, "layers": oc.n_layer,
                        "heads": oc.n_head, "headDim": oc.n_embd // oc.n_head, "vocabSize": oc.vocab_size},
    }


def load_trained(run: Path) -> Tuple[ModelConfig, MedCoDiM, PhantomClassifier | None, dict]:
    from .checkpoint import load_into
    from .train import config_from_dict
    cfg = config_from_dict(json.loads((run / "model_config.json").read_text()))
    model = MedCoDiM(cfg)
    load_into(model, run / "medcodi-nano.pt")
    model.eval()
    clf = None
    if (run / "classifier.pt").exists():
        clf = PhantomClassifier(n_labels=8)
        clf.load_state_dict(torch.load(run / "classifier.pt", map_location="cpu"))
        clf.eval()
    unc = torch.load(run / "unconditional.pt")
    return cfg, model, clf, unc


def write_examples(public: Path, size: int, n_per: int = 1) -> List[dict]:
    """A handful of bundled phantom cases (one per finding + normals) for 'Load example case' and the e2e tests.
    Ground truth lives in cases.json; PNG names carry no label so a reader study can use them blinded."""
    from .phantom import LABELS, generate_case
    ex_dir = public / "examples"
    ex_dir.mkdir(parents=True, exist_ok=True)
    forced = [("normal", None)] * 2 + [(lab, {lab: True}) for lab in LABELS]
    cases = []
    for i, (name, spec) in enumerate(forced):
        seed = 900_000 + i
        c = generate_case(seed, size=size, findings=spec, normal=spec is None)
        cid = f"phantom-{i:02d}"
        for view in ("frontal", "lateral"):
            write_png_grey(ex_dir / f"{cid}_{view}.png", np.round(getattr(c, view) * 255).astype(np.uint8))
        cases.append({"id": cid, "title": f"Phantom case {i + 1}: {name.replace('_', ' ')}",
                      "frontal": f"examples/{cid}_frontal.png", "lateral": f"examples/{cid}_lateral.png",
                      "report": c.report, "labels": {k: int(v) for k, v in c.labels.items()}, "seed": seed,
                      "real": False, "source": "chest phantom (simulated, not a patient)"})
    (ex_dir / "cases.json").write_text(json.dumps(cases, indent=1))
    return cases


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", type=Path, default=Path("runs/nano"))
    ap.add_argument("--out", type=Path, default=Path("../public/models/medcodi-nano"))
    ap.add_argument("--manifest", type=Path, default=Path("../models-manifest.json"))
    ap.add_argument("--id", default="medcodi-nano")
    ap.add_argument("--version", default="0.2.1")
    args = ap.parse_args()
    torch.set_num_threads(2)
    cfg, model, clf, unc = load_trained(args.run)
    reference = load_trained(args.run)[1]       # unmodified PyTorch model: the parity reference
    print(f"GroupNorm layers exported with a common epsilon {COMMON_GN_EPS}: {unify_group_norm_eps(model)}")
    out = args.out
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    components, parity = [], {}
    for spec, ref_spec in zip(graph_specs(model, cfg, clf), graph_specs(reference, cfg, clf)):
        path = out / f"{spec.name}.onnx"
        err = export_one(spec, path, reference=ref_spec.module)
        parity[spec.name] = err
        print(f"{spec.name:20s} {path.stat().st_size / 1e6:7.2f} MB  max|ort-torch| = {err:.2e}")
        if err > PARITY_TOL:
            raise SystemExit(f"{spec.name}: onnxruntime differs from PyTorch by {err:.2e} > {PARITY_TOL}")
        ins, outs = onnx_io(path)
        components.append({"name": spec.name, "role": spec.role, "modality": spec.modality, "inputs": ins,
                           "outputs": outs, "variants": [{"id": "fp32", "dtype": "fp32",
                                                          "files": [file_entry(path, out)]}]})
    # constants, tokenizers, rules
    (out / "unconditional.json").write_text(json.dumps({"text": unc["u_txt"].tolist(), "image": unc["u_img"].tolist()}))
    for name in ("tokenizer-clip.json", "tokenizer-gpt2.json"):
        shutil.copy(args.run / "tokenizers" / name, out / name)
    rules = Path(__file__).parent / "phantom" / "labeler_rules.json"
    shutil.copy(rules, out / "labeler-rules.json")
    prov = json.loads((args.run / "provenance.json").read_text())
    eval_path = args.run / "evaluation.json"
    if eval_path.exists():
        shutil.copy(eval_path, out / "evaluation.json")
    assets = [{"name": "unconditional", "file": file_entry(out / "unconditional.json", out)},
              {"name": "labeler-rules", "file": file_entry(out / "labeler-rules.json", out)}]
    if (out / "evaluation.json").exists():
        assets.append({"name": "evaluation", "file": file_entry(out / "evaluation.json", out)})
    from .phantom import LABELS
    write_examples(args.out.parent.parent, cfg.image_size)
    total = sum(c["variants"][0]["files"][0]["bytes"] for c in components)
    entry = {
        "id": args.id, "version": args.version, "config": cfg.name, "synthetic": True,
        "displayName": "MedCoDi-M nano (chest phantom)",
        "description": "The MedCoDi-M architecture at nano width, trained on a simulated chest phantom. "
                       "It demonstrates the full any-to-any pipeline; it has never seen a real patient.",
        "baseUrl": f"models/{args.id}/",
        **manifest_model_fields(cfg),
        "classifier": {"labels": list(LABELS)},
        "components": components,
        "tokenizers": [{"name": "clip", "kind": "clip-bpe", "file": file_entry(out / "tokenizer-clip.json", out)},
                       {"name": "gpt2", "kind": "gpt2-bpe", "file": file_entry(out / "tokenizer-gpt2.json", out)}],
        "assets": assets,
        "requirements": {"memoryMB": int(total * 4 / 1e6) + 64,
                         "webgpu": {"features": [], "maxBufferSize": int(max(
                             c["variants"][0]["files"][0]["bytes"] for c in components))}},
        "provenance": {"trainedOn": "MedCoDi chest phantom (toolchain/medcodi/phantom), simulated cases only",
                       "seed": prov.get("seed"), "cases": prov.get("n_cases"),
                       "steps": {k: v.get("steps") for k, v in prov["phases"].items()},
                       "seconds": prov.get("total_seconds"), "hardware": prov.get("hardware"),
                       "finalLosses": {k: v.get("final_losses") for k, v in prov["phases"].items()},
                       "exportedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                       "parityMaxAbsError": parity},
    }
    from .step_graph import add_to_model
    add_to_model(entry, out)   # the guided sampler update as a graph: WebGPU keeps latents on the GPU
    manifest = {"schemaVersion": 1, "models": []}
    if args.manifest.exists():
        manifest = json.loads(args.manifest.read_text())
    manifest["models"] = [m for m in manifest["models"] if m["id"] != args.id] + [entry]
    args.manifest.write_text(json.dumps(manifest, indent=2) + "\n")
    size = sum(p.stat().st_size for p in out.iterdir())
    print(f"wrote {len(components)} graphs, {size / 1e6:.2f} MB in {out}; manifest {args.manifest}")


if __name__ == "__main__":
    main()
