"""Why T→F+L agrees so rarely: joint sampling against the two views sampled separately, from the same noise.

    python -m medcodi.joint_check --run runs/rec021 --steps 20 --n 200

Per spec §3.7 joint generation has no cross-modal exchange: each target's connectors read its own environment
embedding, so the two views can agree only through the shared report condition. This samples the same report
prompts (evaluate.balanced_sources) three ways with the same noise streams: frontal+lateral jointly (connectors),
frontal alone and lateral alone (core UNets). It prints, for each, how often the classifier finds the same labels in
both views, and how often a view's labels equal the source case's exactly. If joint ≈ separate, the connectors
neither help nor hurt, and T→F+L agreement is bounded by how exactly text-to-image reproduces every label.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch

from . import text_tokenizers as tt
from .evaluate import balanced_sources, classify_grey, embed_reports
from .export import load_trained
from .preprocess import vae_output_to_grey
from .sampling import NoiseStreams, sample


def joint_check(run: Path, steps: int, n: int, seed: int = 4000) -> dict:
    cfg, model, clf, unc = load_trained(run)
    if clf is None:
        raise SystemExit(f"{run} has no classifier.pt")
    clip, vae = model.clip_model, model.autokl
    uncond = {"report": unc["u_txt"], "frontal": unc["u_img"], "lateral": unc["u_img"]}
    tok = tt.load(run / "tokenizers" / "tokenizer-clip.json")
    sources = balanced_sources(n, cfg.image_size)
    truth = np.stack([c.label_vector() for c in sources]).astype(int)
    with torch.no_grad():
        cond = {"report": embed_reports(clip, cfg, tok, [c.report for c in sources])}

        def labels(latent: torch.Tensor) -> np.ndarray:
            return classify_grey(clf, vae_output_to_grey(vae.decode(latent / cfg.vae.scale_factor)))

        def gen(targets):
            return sample(model.unets, cfg, cond, uncond, targets, steps=steps, guidance=7.5, eta=1.0,
                          noise=NoiseStreams(seed=seed), batch=n)

        joint = gen(["frontal", "lateral"])
        jf, jl = labels(joint["frontal"]), labels(joint["lateral"])
        sf, sl = labels(gen(["frontal"])["frontal"]), labels(gen(["lateral"])["lateral"])
    agree = lambda a, b: float((a == b).all(1).mean())  # noqa: E731
    return {"steps": steps, "n": n,
            "joint": {"views_agree": agree(jf, jl), "frontal_exact": agree(jf, truth),
                      "lateral_exact": agree(jl, truth)},
            "separate": {"views_agree": agree(sf, sl), "frontal_exact": agree(sf, truth),
                         "lateral_exact": agree(sl, truth)}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", type=Path, required=True)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--n", type=int, default=200)
    args = ap.parse_args()
    torch.set_num_threads(2)
    t0 = time.time()
    result = joint_check(args.run, args.steps, args.n)
    print(json.dumps(result, indent=1))
    print(f"({time.time() - t0:.0f} s)")


if __name__ == "__main__":
    main()
