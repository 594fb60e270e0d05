"""Recover PyTorch weights from an exported model folder, so a shipped model can be trained on.

    python -m medcodi.recover --model-dir ../public/models/medcodi-nano --manifest ../models-manifest.json \
        --out runs/recovered

The exporter folds some weights into new constants (Linear weights are stored transposed under `onnx::MatMul_*`
names, GroupNorm affine parameters reshaped to [C,1,1], position embeddings gathered), so names alone do not say
where each value came from. Instead we export the same architecture once with random, all-distinct weights and
match every initializer of that reference graph to the parameter whose values it holds (as is, flattened or
transposed). The shipped graph has the same nodes, so each of its initializers pairs with the reference's through
the node that reads it, and its values go back through the same mapping. Then the recovered model is exported
again and must reproduce the shipped graphs (max abs error printed, 1e-5 at most), so a wrong mapping cannot go
unnoticed.

What no graph holds cannot be recovered: the report VAE's encoder (the studio never encodes a report to a latent)
and training-only parts. They are listed, and left at their initial values.
"""
from __future__ import annotations

import argparse
import difflib
import dataclasses
import json
import shutil
import tempfile
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnx import numpy_helper

from .classifier import PhantomClassifier
from .config import ModelConfig, get_config
from .export import GraphSpec, graph_specs, unify_group_norm_eps
from .graph_passes import PREFIX as EXACT_TRIG_PREFIX, exact_trig_in_file
from .model.assembly import MedCoDiM

TEXT_SECOND_DIMS = ((3, 3), (2, 2), (4, 4), (1, 1))  # widths the nano text UNet has shipped with, newest first
PARITY_LIMIT = 1e-5


class RecoveryError(RuntimeError):
    """The model folder cannot be mapped back onto the architecture; the message names the graph or parameter."""


def _randomize(module: torch.nn.Module, seed: int) -> None:
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.05 + 0.01 * torch.rand((), generator=g))


def _export(spec: GraphSpec, path: Path, exact: bool) -> None:
    """The exporter's graph; `exact`: with its cos/sin rewritten as arithmetic (graph_passes.exact_trig), as the
    exporter does since model 0.2.1 (earlier folders have plain Cos/Sin, and recover as they are)."""
    with torch.no_grad():
        torch.onnx.export(spec.module, spec.inputs, str(path), input_names=spec.in_names,
                          output_names=spec.out_names, dynamic_axes=spec.dyn, opset_version=17,
                          do_constant_folding=True)
    if exact:
        exact_trig_in_file(str(path))


def _has_exact_trig(path: Path) -> bool:
    graph = onnx.load(str(path), load_external_data=False).graph
    return any(n.name.startswith(f"{EXACT_TRIG_PREFIX}/") for n in graph.node)


def _initializers(path: Path) -> List[Tuple[str, np.ndarray]]:
    m = onnx.load(str(path))
    return [(i.name, numpy_helper.to_array(i)) for i in m.graph.initializer]


def _without_initializer_aliases(graph, inits: Dict[str, np.ndarray]):
    """The graph's nodes without the Identity nodes the exporter adds when it merges equal initializers (the
    merged names become Identity outputs), and the map from those names to the initializer they read."""
    alias = {n.output[0]: n.input[0] for n in graph.node if n.op_type == "Identity" and n.input[0] in inits}
    return [n for n in graph.node if not (n.op_type == "Identity" and n.output[0] in alias)], alias


def _pair_by_nodes(ref_path: Path, shipped_path: Path, graph: str) -> List[Tuple[np.ndarray, np.ndarray]]:
    """(reference value, shipped value) for every initializer the reference graph's nodes read. Both graphs come
    from the same exporter and architecture, so their nodes match one for one; pairing the initializers through
    the node inputs (not the initializer lists) also survives the exporter merging initializers with equal values
    into one, which happens to parameters that are still at their initial values (a LayerNorm in front of a
    one-token cross-attention never gets a gradient: softmax over one key ignores the query)."""
    ref, shipped = onnx.load(str(ref_path)).graph, onnx.load(str(shipped_path)).graph
    ref_init = {i.name: numpy_helper.to_array(i) for i in ref.initializer}
    shipped_init = {i.name: numpy_helper.to_array(i) for i in shipped.initializer}
    ref_nodes, _ = _without_initializer_aliases(ref, ref_init)
    shipped_nodes, alias = _without_initializer_aliases(shipped, shipped_init)
    if [n.op_type for n in ref_nodes] != [n.op_type for n in shipped_nodes]:
        raise RecoveryError(f"{graph}: the shipped graph's nodes ({len(shipped_nodes)}) do not match this "
                            f"architecture's export ({len(ref_nodes)}); was it exported by another version of the "
                            f"exporter or config?")
    pairs: Dict[str, str] = {}
    for rn, sn in zip(ref_nodes, shipped_nodes):
        for ri, si in zip(rn.input, sn.input):
            si = alias.get(si, si)
            if ri in ref_init:
                if si not in shipped_init or shipped_init[si].shape != ref_init[ri].shape:
                    raise RecoveryError(f"{graph}: node {sn.name or sn.op_type} reads {si!r} where this "
                                        f"architecture has a {list(ref_init[ri].shape)} initializer")
                if pairs.setdefault(ri, si) != si:
                    raise RecoveryError(f"{graph}: initializer {ri!r} pairs with two shipped initializers")
    return [(ref_init[r], shipped_init[s]) for r, s in pairs.items()]


def _sources(spec: GraphSpec, owner: Dict[int, str]) -> Dict[int, List[str]]:
    """id(tensor) -> the model's state-dict names of each parameter the graph's module uses."""
    out: Dict[int, List[str]] = {}
    for _, p in spec.module.named_parameters():
        if id(p) in owner:
            out.setdefault(id(p), []).append(owner[id(p)])
    return out


def _match(value: np.ndarray, params: Dict[int, torch.Tensor]) -> Optional[Tuple[int, str]]:
    """Which parameter this reference initializer holds, and how: 'flat' (same values, any shape) or 'T'."""
    for pid, p in params.items():
        if p.numel() != value.size:
            continue
        a = p.detach().numpy()
        if np.array_equal(a.reshape(-1), value.reshape(-1)):
            return pid, "flat"
        if a.ndim == 2 and value.ndim == 2 and np.array_equal(a.T, value):
            return pid, "T"
    return None


def infer_config(model_dir: Path, entry: dict, base: str = "nano") -> ModelConfig:
    """The config the folder was exported from: the base config with the tokenizers' vocabularies, the manifest's
    token ids and scale factors, and the text UNet width whose parameter shapes match unet_text.onnx."""
    cfg = get_config(base)
    from tokenizers import Tokenizer
    clip_vocab = Tokenizer.from_file(str(model_dir / "tokenizer-clip.json")).get_vocab_size()
    gpt_vocab = entry["textDecoder"]["vocabSize"]
    td, lat = entry["textDecoder"], entry["latents"]
    cfg = dataclasses.replace(
        cfg, clip_text=dataclasses.replace(cfg.clip_text, vocab_size=clip_vocab,
                                           bos_token_id=entry["textEncoder"]["bosTokenId"],
                                           eos_token_id=entry["textEncoder"]["eosTokenId"]),
        optimus=dataclasses.replace(cfg.optimus, vocab_size=gpt_vocab, bert_vocab_size=gpt_vocab,
                                    pad_token_id=td["padTokenId"], bos_token_id=td["bosTokenId"],
                                    eos_token_id=td["eosTokenId"], scale_factor=lat["text"]["scaleFactor"]),
        vae=dataclasses.replace(cfg.vae, scale_factor=lat["image"]["scaleFactor"]))
    shipped = {n: a.shape for n, a in _initializers(model_dir / "unet_text.onnx") if n.startswith("unet.")}
    for sd in TEXT_SECOND_DIMS:
        trial = dataclasses.replace(cfg, unet_text=dataclasses.replace(cfg.unet_text, second_dim=sd))
        unet = MedCoDiM(trial).unets["report"]
        shapes = {"unet." + k: tuple(v.shape) for k, v in unet.state_dict().items()}
        if all(shapes.get(n) == tuple(s) for n, s in shipped.items()):
            return trial
    raise RecoveryError(f"unet_text.onnx matches no text UNet width among {TEXT_SECOND_DIMS}")


def recover(model_dir: Path, cfg: ModelConfig, seed: int = 0) -> Tuple[MedCoDiM, PhantomClassifier | None, dict]:
    """Returns the model and classifier with every parameter the graphs hold set to the shipped values, and a
    report: per graph how many initializers mapped, the parameters no graph holds, and the re-export parity."""
    model, clf = MedCoDiM(cfg).eval(), PhantomClassifier(n_labels=8).eval()
    has_clf = (model_dir / "phantom_classifier.onnx").exists()
    _randomize(model, seed)
    _randomize(clf, seed + 1)
    # the exporter unifies GroupNorm epsilons first; the wrappers share the same parameter objects
    unify_group_norm_eps(model)
    owner = {id(p): n for n, p in model.named_parameters()}
    owner.update({id(p): "clf." + n for n, p in clf.named_parameters()})
    params = {id(p): p for p in list(model.parameters()) + list(clf.parameters())}
    recovered: Dict[str, np.ndarray] = {}
    report: dict = {"graphs": {}}
    exact: Dict[str, bool] = {}
    with tempfile.TemporaryDirectory() as tmp:
        specs = graph_specs(model, cfg, clf if has_clf else None)
        for spec in specs:
            shipped_path = model_dir / f"{spec.name}.onnx"
            if not shipped_path.exists():
                raise RecoveryError(f"{shipped_path} is missing")
            ref_path = Path(tmp) / f"{spec.name}.onnx"
            exact[spec.name] = _has_exact_trig(shipped_path)
            _export(spec, ref_path, exact[spec.name])
            pairs = _pair_by_nodes(ref_path, shipped_path, spec.name)
            used = {pid: params[pid] for pid in _sources(spec, owner)}
            mapped = 0
            for ref_value, value in pairs:
                hit = _match(ref_value, used)
                if hit is None:
                    continue  # a constant of the graph itself (timestep frequencies, masks, ...)
                pid, how = hit
                p = params[pid]
                restored = value.T if how == "T" else value.reshape(tuple(p.shape))
                name = owner[pid]
                if name in recovered and not np.array_equal(recovered[name], restored):
                    raise RecoveryError(f"{name}: {spec.name} holds other values than an earlier graph")
                recovered[name] = np.ascontiguousarray(restored)
                mapped += 1
            report["graphs"][spec.name] = {"initializers": len(pairs), "mapped": mapped}
        # parameters no graph holds keep their initial values, not the random ones
        fresh = MedCoDiM(cfg).state_dict()
        fresh_clf = PhantomClassifier(n_labels=8).state_dict()
        with torch.no_grad():
            for n, p in model.named_parameters():
                p.copy_(torch.from_numpy(recovered[n]) if n in recovered else fresh[n.replace(".gn.", ".")])
            for n, p in clf.named_parameters():
                p.copy_(torch.from_numpy(recovered["clf." + n]) if "clf." + n in recovered else fresh_clf[n])
        missing = [n for n, _ in model.named_parameters() if n not in recovered]
        report["not_in_any_graph"] = sorted({"optimus.encoder" if n.startswith("optimus.encoder.") else n
                                             for n in missing})  # + CLIP's logit scale
        # proof: the recovered model exports to graphs that compute what the shipped ones compute
        worst = {}
        for spec in graph_specs(model, cfg, clf if has_clf else None):
            again = Path(tmp) / f"again_{spec.name}.onnx"
            _export(spec, again, exact[spec.name])
            feeds = {n: v.numpy() for n, v in zip(spec.in_names, spec.inputs)}
            a = ort.InferenceSession(str(again), providers=["CPUExecutionProvider"]).run(None, feeds)
            b = ort.InferenceSession(str(model_dir / f"{spec.name}.onnx"),
                                     providers=["CPUExecutionProvider"]).run(None, feeds)
            worst[spec.name] = max(float(np.abs(x - y).max()) for x, y in zip(a, b))
        report["reexport_max_abs_error"] = worst
        bad = {k: v for k, v in worst.items() if not v <= PARITY_LIMIT}
        if bad:
            raise RecoveryError(f"re-exported graphs differ from the shipped ones: {bad}")
    model = _plain_copy(model, cfg)
    return model, (clf if has_clf else None), report


def _plain_copy(model: MedCoDiM, cfg: ModelConfig) -> MedCoDiM:
    """The exporter's GroupNorm wrappers hold the same parameters under '.gn.': back to the model's own keys."""
    plain = MedCoDiM(cfg).eval()
    state = {k.replace(".gn.", "."): v for k, v in model.state_dict().items()}
    plain.load_state_dict(state)
    return plain


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-dir", type=Path, default=Path("../public/models/medcodi-nano"))
    ap.add_argument("--manifest", type=Path, default=Path("../models-manifest.json"))
    ap.add_argument("--id", default="medcodi-nano")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    torch.set_num_threads(2)
    entries = [m for m in json.loads(args.manifest.read_text())["models"] if m["id"] == args.id]
    if not entries:
        raise SystemExit(f"{args.manifest} has no model {args.id!r}")
    entry = entries[0]
    try:
        cfg = infer_config(args.model_dir, entry)
        model, clf, report = recover(args.model_dir, cfg)
    except RecoveryError as e:
        raise SystemExit(f"cannot recover {args.model_dir}: {e}") from None
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    (out / "tokenizers").mkdir(exist_ok=True)
    for n in ("clip", "gpt2"):
        shutil.copy(args.model_dir / f"tokenizer-{n}.json", out / "tokenizers" / f"tokenizer-{n}.json")
    (out / "model_config.json").write_text(json.dumps(cfg.to_dict(), indent=2))
    torch.save(model.state_dict(), out / "medcodi-nano.pt")
    if clf is not None:
        torch.save(clf.state_dict(), out / "classifier.pt")
    unc = json.loads((args.model_dir / "unconditional.json").read_text())
    torch.save({"u_txt": torch.tensor(unc["text"]), "u_img": torch.tensor(unc["image"])}, out / "unconditional.pt")
    report.update({"from": str(args.model_dir), "model": f"{entry['id']} {entry['version']}",
                   "provenance": entry.get("provenance"),
                   "text_unet_second_dim": list(cfg.unet_text.second_dim)})
    (out / "recovered.json").write_text(json.dumps(report, indent=2))
    print(json.dumps({k: report[k] for k in ("graphs", "not_in_any_graph", "reexport_max_abs_error")},
                     indent=1))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
