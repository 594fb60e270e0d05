"""Parity fixtures: what PyTorch computes for fixed inputs, for the TypeScript runtime to reproduce (issue §6).

    python -m medcodi.fixtures --run runs/nano --out ../e2e/fixtures/parity/medcodi-nano

- graphs.json: for every exported graph, its inputs and PyTorch outputs (the export's own test inputs).
- runs.json: whole 50-step runs T→F, F→T and T→F+L (guidance 7.5, eta 1) from raw inputs (report text, 8-bit
  phantom image), with every noise tensor PyTorch drew, recorded per stream (`init:<modality>`, `step:<modality>`),
  so the runtime can replay them; the final latents, the decoded image and greedy report tokens.
Tensors are stored as {dtype, shape, b64} with little-endian raw data.
"""
from __future__ import annotations

import argparse
import base64
import json
from pathlib import Path

import numpy as np
import torch

from . import text_tokenizers as tt
from .export import graph_specs, load_trained
from .phantom import generate_case
from .preprocess import clip_preprocess, vae_output_to_grey
from .sampling import NoiseStreams, decode_report, sample


def enc(t) -> dict:
    a = t.detach().cpu().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
    if a.dtype == np.float64:
        a = a.astype(np.float32)
    dtype = {np.dtype("float32"): "float32", np.dtype("int64"): "int64", np.dtype("uint8"): "uint8"}[a.dtype]
    return {"dtype": dtype, "shape": list(a.shape), "b64": base64.b64encode(a.astype(a.dtype.newbyteorder("<")).tobytes()).decode()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", type=Path, default=Path("runs/nano"))
    ap.add_argument("--out", type=Path, default=Path("../e2e/fixtures/parity/medcodi-nano"))
    ap.add_argument("--steps", type=int, default=50)
    args = ap.parse_args()
    torch.set_num_threads(2)
    cfg, model, clf, unc = load_trained(args.run)
    args.out.mkdir(parents=True, exist_ok=True)

    graphs = {}
    with torch.no_grad():
        for spec in graph_specs(model, cfg, clf, seed=7):
            outs = spec.module(*spec.inputs)
            outs = outs if isinstance(outs, (tuple, list)) else (outs,)
            graphs[spec.name] = {"inputs": {n: enc(v) for n, v in zip(spec.in_names, spec.inputs)},
                                 "outputs": {n: enc(v) for n, v in zip(spec.out_names, outs)}}
    (args.out / "graphs.json").write_text(json.dumps({"tolerance": 1e-4, "graphs": graphs}))

    clip_tok = tt.load(args.run / "tokenizers" / "tokenizer-clip.json")
    case = generate_case(424242, size=cfg.image_size, findings={"cardiomegaly": True})
    report = case.report
    frontal_u8 = np.round(case.frontal * 255).astype(np.uint8)
    uncond = {"report": unc["u_txt"], "frontal": unc["u_img"], "lateral": unc["u_img"]}
    clip, unets, oc = model.clip_model, model.unets, cfg.optimus
    runs = {}
    with torch.no_grad():
        ids = torch.tensor(tt.encode_clip(clip_tok, [report], cfg.clip_text.max_position_embeddings,
                                          cfg.clip_text.bos_token_id, cfg.clip_text.eos_token_id))
        t_emb = clip.encode_text(ids)[:, 0]
        img = torch.from_numpy(frontal_u8.astype(np.float32) / 255.0)[None]
        pix = clip_preprocess(img, cfg.clip_vision)
        f_emb = clip.encode_image(pix)[:, 0]
        for name, inputs, conds, targets in (("T>F", {"report": report}, {"report": t_emb}, ["frontal"]),
                                             ("F>T", {"frontal": "frontal_u8"}, {"frontal": f_emb}, ["report"]),
                                             ("T>F+L", {"report": report}, {"report": t_emb}, ["frontal", "lateral"])):
            noise = NoiseStreams(seed=11, record=True)
            lat = sample(unets, cfg, conds, uncond, targets, steps=args.steps, guidance=7.5, eta=1.0, noise=noise)
            entry = {"inputs": inputs, "steps": args.steps, "guidanceScale": 7.5, "eta": 1.0, "targets": targets,
                     "noise": {k: [enc(z[0] if z.dim() > 1 else z) for z in v] for k, v in noise.drawn.items()},
                     "conditions": {m: enc(e[0]) for m, e in conds.items()},
                     "latents": {m: enc(v[0]) for m, v in lat.items()}, "tolerance": 1e-3}
            for m in targets:
                if m == "report":
                    toks = decode_report(model.optimus.decoder, lat[m], oc.scale_factor, oc.bos_token_id,
                                         oc.eos_token_id, oc.max_decode_length, temperature=0.0)
                    entry["greedyTokens"] = toks[0]
                else:
                    entry.setdefault("images", {})[m] = enc(vae_output_to_grey(model.autokl.decode(lat[m] / cfg.vae.scale_factor))[0])
            runs[name] = entry
    (args.out / "runs.json").write_text(json.dumps({"clipInputIds": enc(ids[0]), "clipPixelValues": enc(pix[0]),
                                                    "frontalU8": enc(frontal_u8), "report": report, "runs": runs}))
    size = sum(p.stat().st_size for p in args.out.iterdir())
    print(f"wrote parity fixtures ({size / 1e6:.2f} MB) to {args.out}")


if __name__ == "__main__":
    main()
