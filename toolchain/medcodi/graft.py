"""Start a training run from a recovered model with the report path of another run.

    python -m medcodi.recover --out runs/recovered                      # the shipped model, back in PyTorch
    python -m medcodi.graft --recovered runs/recovered --report-from runs/nano --out runs/graft
    python -m medcodi.train --run runs/graft --extend unet_text=14 --extend joint=12

  or, without --report-from, the new run trains its own report VAE (fresh encoder and decoder):

    python -m medcodi.graft --recovered runs/recovered --out runs/graft
    python -m medcodi.train --run runs/graft --cases 8000 --extend optimus=20 --extend decoder=10 \
        --extend unet_text=18 --extend joint=12

Why: the report VAE (encoder + GPT-2 decoder and its fine-tuning) learns from report text alone, so a report VAE
trained in one run is valid in any other run with the same GPT-2 tokenizer. The report UNet is not: it is
conditioned on the CLIP embeddings of its run. So the new run keeps the recovered model's CLIP, image VAE, image
UNets and classifier (phases marked done), takes the other run's optimus and decoder phases (checkpoints and
provenance), starts a fresh report UNet at the current config's width, and leaves the report-UNet-only and joint
phases to `train --extend`, which then trains them on latents recomputed from this combination.

The training time of everything used is carried over: the recovered model's whole provenance time (including the
parts replaced here) and the other run's optimus and decoder seconds, so `wall_seconds_total` stays an honest
account of the compute behind the final model.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import time
from pathlib import Path

import torch

from .config import get_config
from .model.assembly import MedCoDiM
from .train import config_from_dict

REPORT_PHASES = ("optimus", "decoder")
KEPT_PHASES = ("clip", "vae", "unets", "classifier")


def graft(recovered: Path, report_run: Path | None, out: Path, base: str = "nano") -> dict:
    rec_cfg = config_from_dict(json.loads((recovered / "model_config.json").read_text()))
    if report_run is None:
        return _graft_without_report_vae(recovered, rec_cfg, out, base)
    rep_cfg = config_from_dict(json.loads((report_run / "model_config.json").read_text()))
    for name in ("tokenizer-gpt2.json",):
        a, b = (recovered / "tokenizers" / name).read_bytes(), (report_run / "tokenizers" / name).read_bytes()
        if a != b:
            raise SystemExit(f"{name} differs between {recovered} and {report_run}: the report VAE's token ids "
                             f"would not mean the same words")
    rep_prov = json.loads((report_run / "provenance.json").read_text())
    for phase in REPORT_PHASES:
        if not rep_prov["phases"].get(phase, {}).get("done"):
            raise SystemExit(f"{report_run}: phase {phase} is not finished")
    if dataclasses.asdict(rec_cfg.optimus) | {"scale_factor": 0} != dataclasses.asdict(rep_cfg.optimus) | {"scale_factor": 0}:
        raise SystemExit(f"the report VAE configs of {recovered} and {report_run} differ")
    rec_info = json.loads((recovered / "recovered.json").read_text())
    width = get_config(base).unet_text
    cfg = dataclasses.replace(rec_cfg, unet_text=width, optimus=rep_cfg.optimus)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copytree(recovered / "tokenizers", out / "tokenizers", dirs_exist_ok=True)
    if (report_run / "data.npz").exists() and rep_prov["n_cases"] == rec_info["provenance"]["cases"] \
            and rep_prov["seed"] == rec_info["provenance"]["seed"]:
        shutil.copy(report_run / "data.npz", out / "data.npz")  # same seed and count: the same phantom cases
    (out / "model_config.json").write_text(json.dumps(cfg.to_dict(), indent=2))

    _save_kept_phases(recovered, rec_cfg, cfg, out)
    for phase in REPORT_PHASES:
        shutil.copy(report_run / f"{phase}.ckpt", out / f"{phase}.ckpt")

    src = rec_info["provenance"]
    phases = _kept_phases(rec_info)
    for p in REPORT_PHASES:
        phases[p] = {**rep_prov["phases"][p], "from": str(report_run)}
    report_seconds = sum(rep_prov["phases"][p]["seconds"] for p in REPORT_PHASES)
    prov = _provenance(rec_info, cfg, phases, rep_prov["hardware"],
                       {"from": str(report_run), "phases": list(REPORT_PHASES), "seconds": round(report_seconds, 1)},
                       float(src["seconds"]) + report_seconds)
    (out / "provenance.json").write_text(json.dumps(prov, indent=2))
    return prov


def _graft_without_report_vae(recovered: Path, rec_cfg, out: Path, base: str) -> dict:
    """The optimus and decoder phases are left open: `train --extend optimus=MIN --extend decoder=MIN` trains a
    fresh report VAE in this run (the recovered one lacks its encoder, which is in no graph)."""
    rec_info = json.loads((recovered / "recovered.json").read_text())
    cfg = dataclasses.replace(rec_cfg, unet_text=get_config(base).unet_text)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copytree(recovered / "tokenizers", out / "tokenizers", dirs_exist_ok=True)
    (out / "model_config.json").write_text(json.dumps(cfg.to_dict(), indent=2))
    _save_kept_phases(recovered, rec_cfg, cfg, out)
    hardware = rec_info["provenance"].get("hardware", {})
    prov = _provenance(rec_info, cfg, _kept_phases(rec_info), hardware,
                       {"from": None, "phases": list(REPORT_PHASES), "seconds": 0.0,
                        "note": "trained in this run (train --extend optimus=MIN --extend decoder=MIN)"},
                       float(rec_info["provenance"]["seconds"]))
    (out / "provenance.json").write_text(json.dumps(prov, indent=2))
    return prov


def _kept_phases(rec_info: dict) -> dict:
    src = rec_info["provenance"]
    return {p: {"done": True, "steps": src["steps"][p], "seconds": 0.0, "final_losses": src["finalLosses"][p],
                "from": rec_info["model"]} for p in KEPT_PHASES}


def _provenance(rec_info: dict, cfg, phases: dict, hardware: dict, report_path: dict, inherited_wall: float) -> dict:
    src = rec_info["provenance"]
    return {
        "seed": src["seed"], "n_cases": src["cases"], "config": cfg.name, "phases": phases,
        "hardware": hardware,
        "grafted": {
            "at": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "kept": {"from": rec_info["model"], "phases": list(KEPT_PHASES),
                     "seconds": float(src["seconds"]),
                     "note": "the recovered model's whole training time, including the phases replaced here"},
            "report_path": report_path,
            "report_unet": "new, at the current config's width; trained by the unet_text and joint phases",
        },
        # counted in total_seconds and wall_seconds_total by train.py
        "inherited_seconds": round(float(src["seconds"]), 1),
        "inherited_wall_seconds": round(inherited_wall, 1),
    }


def _save_kept_phases(recovered: Path, rec_cfg, cfg, out: Path) -> None:
    state = torch.load(recovered / "medcodi-nano.pt", map_location="cpu")
    model = MedCoDiM(rec_cfg)
    model.load_state_dict(state)
    fresh_report_unet = MedCoDiM(cfg).unets["report"]  # new width, initial weights
    torch.save({"modules": {"clip": model.clip_model.state_dict()}, "opt": None, "step": 0, "elapsed": 0.0},
               out / "clip.ckpt")
    torch.save({"modules": {"vae": model.autokl.state_dict()}, "opt": None, "step": 0, "elapsed": 0.0},
               out / "vae.ckpt")
    torch.save({"modules": {"frontal": model.unets["frontal"].state_dict(),
                            "lateral": model.unets["lateral"].state_dict(),
                            "report": fresh_report_unet.state_dict()}, "opt": None, "step": 0, "elapsed": 0.0},
               out / "unets.ckpt")
    torch.save({"modules": {"clf": torch.load(recovered / "classifier.pt", map_location="cpu")}, "opt": None,
                "step": 0, "elapsed": 0.0}, out / "classifier.ckpt")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--recovered", type=Path, required=True, help="a folder written by medcodi.recover")
    ap.add_argument("--report-from", type=Path, default=None,
                    help="a run with finished optimus and decoder phases; without it this run trains its own")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    if (args.out / "provenance.json").exists():
        raise SystemExit(f"{args.out} already holds a run; choose a new folder")
    prov = graft(args.recovered, args.report_from, args.out)
    print(json.dumps(prov["grafted"], indent=1))
    report = "" if args.report_from else " --extend optimus=MIN --extend decoder=MIN"
    print(f"wrote {args.out}; next: python -m medcodi.train --run {args.out}{report} "
          f"--extend unet_text=MIN --extend joint=MIN")


if __name__ == "__main__":
    main()
