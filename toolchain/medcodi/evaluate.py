"""Quality of the trained nano model, measured on held-out phantom cases (issue §5).

    python -m medcodi.evaluate --run runs/graft2 --n 200 --steps 50 20

Rows (each for every --steps value, n generations spread evenly over the findings and normal cases):
- T→F, T→L: the phantom classifier detects the requested finding in the generated view (finding prompts), and
  detects nothing in generations from normal prompts.
- F→T, L→T, F+L→T: micro label F1 of the labeler on generated reports against the source case's labels; BLEU-4 and
  ROUGE-L against the source report. With --report-candidates K > 1, each report is the consensus of K sampled
  ones (the studio's "Report candidates" setting): the candidate whose labeler findings agree with the other
  candidates' on the most labels (minimum Bayes risk; ties go to the earliest). It never sees the source's labels.
- F→L, L→F: the classifier's label vector agrees between the source view and the generated view.
- T→F+L: the classifier's label vector agrees between the two jointly generated views.
Writes runs/<run>/evaluation.json (one entry per row: direction, steps, n, metric, value, bar, passed, guidance).
With --merge-into FILE the rows are added to an existing evaluation instead (a guidance sweep beside the reference
rows; a row with the same direction, steps, metric and guidance is replaced), keeping that file's other fields, and
the size and sha256 of its entry in ../models-manifest.json are updated to match:

    python -m medcodi.evaluate --run runs/rec021 --groups i2i --guidance 3 \
        --merge-into ../public/models/medcodi-nano/evaluation.json
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Dict, List

import numpy as np
import torch

from .export import load_trained
from .metrics import corpus_bleu, micro_f1, rouge_l
from .phantom import LABELS, generate_case
from .phantom.labeler import label_report, labels_to_binary
from .preprocess import clip_preprocess, vae_output_to_grey
from . import text_tokenizers as tt
from .sampling import NoiseStreams, decode_report, sample

HELD_OUT_SEED = 50_000_000   # training used seeds seed*1_000_003 + i; these never collide for small i


def balanced_sources(n: int, size: int) -> List:
    """n held-out cases: equal shares of each single finding and of normal cases."""
    kinds = [None] + list(LABELS)
    cases = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        seed = HELD_OUT_SEED + i
        cases.append(generate_case(seed, size=size, findings=None if kind is None else {kind: True},
                                   normal=kind is None))
    return cases


@torch.no_grad()
def embed_reports(clip, cfg, clip_tok, reports: List[str]) -> torch.Tensor:
    """CLIP text embeddings [B, E] of report strings (the conditions of T→* rows)."""
    ids = torch.tensor(tt.encode_clip(clip_tok, reports, cfg.clip_text.max_position_embeddings,
                                      cfg.clip_text.bos_token_id, cfg.clip_text.eos_token_id))
    return clip.encode_text(ids)[:, 0]


def row_key(row: Dict) -> tuple:
    return (row["direction"], row["steps"], row["metric"], row.get("guidance"))


def merge_rows(evaluation: Dict, rows: List[Dict]) -> Dict:
    """`evaluation` with `rows` added; an existing row with the same direction, steps, metric and guidance is
    replaced in place. Rows written before rows carried their guidance get the file's top-level guidance first."""
    top = evaluation.get("guidance")
    old = [dict(r, guidance=r.get("guidance", top)) for r in evaluation["rows"]]
    new = {row_key(r): r for r in rows}
    merged = [new.pop(row_key(r), r) for r in old]
    merged += [r for r in rows if row_key(r) in new]
    return dict(evaluation, rows=merged)


def evaluate_command(run: Path, n: int, steps: List[int], report_candidates: int, guidance: float, groups: List[str]) -> str:
    """The command that reproduces these rows, with the run folder that was really evaluated."""
    return ("python -m medcodi.evaluate --run %s --n %d --steps %s" % (run.as_posix(), n, " ".join(map(str, steps)))
            + ("" if report_candidates == 1 else " --report-candidates %d" % report_candidates)
            + ("" if guidance == 7.5 else " --guidance %g" % guidance)
            + ("" if len(groups) == 4 else " --groups " + " ".join(groups)))


def refresh_manifest_entry(manifest_path: Path, written: Path) -> int:
    """Sets bytes and sha256 of every manifest file entry that points at `written` (so the studio's sha256 check
    accepts the rewritten evaluation); returns how many entries changed. A manifest that lists the file nowhere is
    left as it is."""
    import hashlib
    manifest = json.loads(manifest_path.read_text())
    data = written.read_bytes()
    digest, size, changed = hashlib.sha256(data).hexdigest(), len(data), 0
    public = manifest_path.parent / "public"
    for model in manifest.get("models", []):
        base = public / model.get("baseUrl", "")
        entries = [a["file"] for a in model.get("assets", [])]
        entries += [f for c in model.get("components", []) for v in c.get("variants", []) for f in v.get("files", [])]
        for f in entries:
            if (base / f["path"]).resolve() == written.resolve() and (f.get("bytes"), f.get("sha256")) != (size, digest):
                f["bytes"], f["sha256"] = size, digest
                changed += 1
    if changed:
        manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    return changed


def consensus_index(candidates: List[Dict[str, int]], labels: List[str]) -> int:
    """The candidate whose binary labels agree with the other candidates' on the most labels (ties: the earliest).
    Mirrors the studio's src/domain/report-consensus.ts."""
    scores = [sum(int(a[l] == b[l]) for j, b in enumerate(candidates) if j != k for l in labels)
              for k, a in enumerate(candidates)]
    return int(np.argmax(scores))


@torch.no_grad()
def classify_grey(clf, img01: torch.Tensor) -> np.ndarray:
    """Phantom-classifier findings (0/1 per label) of grey images [B, S, S] in [0, 1]."""
    return (clf(img01.unsqueeze(1)) > 0.5).numpy().astype(int)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", type=Path, default=Path("runs/nano"))
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--steps", type=int, nargs="+", default=[50, 20])
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--report-temperature", type=float, default=1.0,
                    help="report decoding temperature (1 = the reference's multinomial sampling; 0 = greedy)")
    ap.add_argument("--guidance", type=float, default=7.5, help="classifier-free guidance scale (the reference's 7.5)")
    ap.add_argument("--report-candidates", type=int, default=1,
                    help="report rows: keep the consensus of this many sampled reports (1 = a single sample)")
    ap.add_argument("--groups", nargs="+", default=["t2i", "i2t", "i2i", "joint"],
                    choices=["t2i", "i2t", "i2i", "joint"], help="which rows to measure")
    ap.add_argument("--out", type=Path, default=None, help="default: <run>/evaluation.json")
    ap.add_argument("--merge-into", type=Path, default=None,
                    help="add the rows to this evaluation.json (replacing equal direction/steps/metric/guidance)")
    args = ap.parse_args()
    torch.set_num_threads(2)
    cfg, model, clf, unc = load_trained(args.run)
    clip, vae, dec = model.clip_model, model.autokl, model.optimus.decoder
    unets = model.unets
    uncond = {"report": unc["u_txt"], "frontal": unc["u_img"], "lateral": unc["u_img"]}
    clip_tok = tt.load(args.run / "tokenizers" / "tokenizer-clip.json")
    gpt_tok = tt.load(args.run / "tokenizers" / "tokenizer-gpt2.json")
    oc = cfg.optimus
    specials = [oc.bos_token_id, oc.eos_token_id, oc.pad_token_id]
    sources = balanced_sources(args.n, cfg.image_size)
    requested = [[k for k in LABELS if c.labels[k]] for c in sources]

    @torch.no_grad()
    def embed(batch, modality):
        if modality == "report":
            return embed_reports(clip, cfg, clip_tok, [c.report for c in batch])
        im = torch.from_numpy(np.stack([getattr(c, modality) for c in batch]).astype(np.float32))
        return clip.encode_image(clip_preprocess(im, cfg.clip_vision))[:, 0]

    def classify(img01: torch.Tensor) -> np.ndarray:
        return classify_grey(clf, img01)

    @torch.no_grad()
    def run(inputs, targets, steps, seed):
        out = {t: [] for t in targets}
        for s in range(0, len(sources), args.batch):
            batch = sources[s:s + args.batch]
            conds = {m: embed(batch, m) for m in inputs}
            lat = sample(unets, cfg, conds, uncond, targets, steps=steps, guidance=args.guidance, eta=1.0,
                         noise=NoiseStreams(seed=seed + s), batch=len(batch))
            for t in targets:
                if t == "report":
                    g = torch.Generator().manual_seed(seed + s)
                    ids = decode_report(dec, lat[t], oc.scale_factor, oc.bos_token_id, oc.eos_token_id,
                                        oc.max_decode_length, temperature=args.report_temperature, generator=g)
                    out[t] += [tt.decode_gpt2(gpt_tok, x, specials) for x in ids]
                else:
                    out[t].append(vae_output_to_grey(vae.decode(lat[t] / cfg.vae.scale_factor)))
        return {t: (v if t == "report" else torch.cat(v)) for t, v in out.items()}

    rows: List[Dict] = []

    def add(direction, steps, metric, value, bar=None, note=""):
        passed = None if bar is None else bool(value >= bar)
        rows.append({"direction": direction, "steps": steps, "n": len(sources), "metric": metric,
                     "value": round(float(value), 4), "bar": bar, "passed": passed, "note": note,
                     "guidance": args.guidance})
        print(f"{direction:7s} steps={steps:3d} {metric:32s} {value:.3f}" + ("" if bar is None else f" (bar {bar})"))

    src_cls = {v: classify(torch.from_numpy(np.stack([getattr(c, v) for c in sources]).astype(np.float32)))
               for v in ("frontal", "lateral")}
    for v in ("frontal", "lateral"):
        acc = (src_cls[v] == np.stack([c.label_vector() for c in sources]).astype(int)).all(1).mean()
        add(f"real {v[0].upper()}", 0, "classifier exact-match on real phantom", acc, None,
            "sanity check of the classifier on the source cases")
    t0 = time.time()
    for steps in args.steps:
        for view in ("frontal", "lateral") if "t2i" in args.groups else ():
            gen = run(["report"], [view], steps, 1000)[view]
            pred = classify(gen)
            finding = [i for i, r in enumerate(requested) if r]
            normal = [i for i, r in enumerate(requested) if not r]
            hit = np.mean([all(pred[i][LABELS.index(k)] for k in requested[i]) for i in finding])
            clean = np.mean([pred[i].sum() == 0 for i in normal])
            d = f"T>{view[0].upper()}"
            add(d, steps, "requested finding detected", hit, 0.8)
            add(d, steps, "normal prompt: no finding detected", clean, 0.8)
        for inputs in (["frontal"], ["lateral"], ["frontal", "lateral"]) if "i2t" in args.groups else ():
            # Candidate k draws its own diffusion noise and tokens (seed 2000 + 7919 k); k = 0 is the single-sample run.
            candidates = [run(inputs, ["report"], steps, 2000 + 7919 * k)["report"] for k in range(args.report_candidates)]
            labelled = [[labels_to_binary(label_report(r)) for r in reps] for reps in candidates]
            picks = [consensus_index([lab[i] for lab in labelled], LABELS) for i in range(len(sources))]
            reports = [candidates[k][i] for i, k in enumerate(picks)]
            pred = [labelled[k][i] for i, k in enumerate(picks)]
            d = "+".join(m[0].upper() for m in inputs) + ">T"
            add(d, steps, "micro label F1", micro_f1([c.labels for c in sources], pred, LABELS), 0.8)
            add(d, steps, "BLEU-4", corpus_bleu([c.report for c in sources], reports))
            add(d, steps, "ROUGE-L", rouge_l([c.report for c in sources], reports))
            if steps == args.steps[0] and inputs == ["frontal"] and args.out is None:
                (args.run / "sample_reports.txt").write_text(
                    "\n\n".join(f"SOURCE: {c.report}\nGENERATED: {r}" for c, r in list(zip(sources, reports))[:12]))
        for src, dst in (("frontal", "lateral"), ("lateral", "frontal")) if "i2i" in args.groups else ():
            gen = run([src], [dst], steps, 3000)[dst]
            agree = (classify(gen) == src_cls[src]).all(1).mean()
            add(f"{src[0].upper()}>{dst[0].upper()}", steps, "classifier agreement source vs generated", agree, 0.8)
        if "joint" not in args.groups:
            continue
        both = run(["report"], ["frontal", "lateral"], steps, 4000)
        agree = (classify(both["frontal"]) == classify(both["lateral"])).all(1).mean()
        add("T>F+L", steps, "findings agree across generated views", agree, 0.75)
        if steps == args.steps[0]:
            from .pngio import write_png_grey
            grid = np.concatenate([np.concatenate([both["frontal"][i].numpy(), both["lateral"][i].numpy()], 1)
                                   for i in range(0, min(18, len(sources)), 2)], 0)
            write_png_grey(args.run / "sample_T_FL.png", np.round(grid * 255).astype(np.uint8))
    out = {"model": "medcodi-nano", "generatedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "seconds": round(time.time() - t0, 1),
           "command": evaluate_command(args.run, args.n, args.steps, args.report_candidates, args.guidance, args.groups),
           "reportTemperature": args.report_temperature,
           "guidance": args.guidance, "eta": 1.0, "reportCandidates": args.report_candidates, "rows": rows}
    if args.merge_into is not None:
        out = merge_rows(json.loads(args.merge_into.read_text()), rows)
        out_path = args.merge_into
    else:
        out_path = args.out or args.run / "evaluation.json"
    out_path.write_text(json.dumps(out, indent=1))
    print(f"wrote {out_path} in {time.time() - t0:.0f}s")
    if args.merge_into is not None:
        manifest = Path(__file__).resolve().parents[2] / "models-manifest.json"
        if manifest.exists() and refresh_manifest_entry(manifest, out_path):
            print(f"updated the size and sha256 of {out_path.name} in {manifest}")


if __name__ == "__main__":
    main()
