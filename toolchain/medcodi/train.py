"""Train every nano component on phantom cases, in phases, resumable, within a wall-clock budget.

    python -m medcodi.train --run runs/nano --budget-minutes 75

Phases (each resumes from its own checkpoint; a finished phase is skipped):
  data -> tokenizers -> clip -> vae -> optimus -> latents -> unets -> unet_text -> joint -> classifier -> decoder
  -> assemble
The time budget is split across phases by fixed shares; each phase stops at its share (or its step cap),
whichever comes first, and records steps, seconds and final losses in `provenance.json`.
Uses CUDA when available (same script), else the CPU with `torch.set_num_threads(2)`.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import math
import platform
import random
import time
from collections import deque
from pathlib import Path
from typing import Callable, Dict, Iterable, List

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import text_tokenizers as tt
from .classifier import PhantomClassifier
from .config import ModelConfig, get_config
from .data import build_dataset
from .model.assembly import MedCoDiM
from .model.diffusion import make_schedule
from .preprocess import clip_preprocess, vae_input

PHASE_SHARES = {  # fraction of the budget per phase (measured step costs on 2 idle cores: clip 0.22 s, vae 0.3 s,
    # optimus 0.26 s, the three UNets 0.75 s, so the image UNets get the largest share)
    "clip": 0.19, "vae": 0.11, "optimus": 0.09, "unets": 0.45, "joint": 0.12, "classifier": 0.04,
    # report-UNet-only steps and report decoder fine-tuning come on top (so the budget is 1.18x --budget-minutes)
    "unet_text": 0.08, "decoder": 0.10,
}
STEP_CAPS = {"clip": 6000, "vae": 6000, "optimus": 6000, "unets": 30000, "unet_text": 20000, "joint": 8000,
             "classifier": 3000, "decoder": 6000}
MODALITIES = ("frontal", "lateral", "report")
CONNECTOR_PREFIXES = ("connecters_out", "input_block_connecters_in", "output_block_connecters_in")  # joint-only parts
JOINT_PAIRS = (("frontal", "lateral"), ("report", "lateral"), ("report", "frontal"))


def log(msg: str) -> None:
    print(time.strftime("%H:%M:%S"), msg, flush=True)


class Run:
    """Run folder: config, tokenizers, per-phase checkpoints and provenance."""

    def __init__(self, root: Path, cfg: ModelConfig, seed: int, n_cases: int, device: torch.device):
        self.root, self.cfg, self.seed, self.n_cases, self.device = root, cfg, seed, n_cases, device
        root.mkdir(parents=True, exist_ok=True)
        self.prov_path = root / "provenance.json"
        self.prov = json.loads(self.prov_path.read_text()) if self.prov_path.exists() else {
            "seed": seed, "n_cases": n_cases, "config": cfg.name, "phases": {},
            "hardware": {"device": str(device), "machine": platform.machine(), "processor": platform.processor(),
                         "torch": torch.__version__, "threads": torch.get_num_threads()},
        }
        cfg_path = root / "model_config.json"
        if cfg_path.exists():
            self.cfg = config_from_dict(json.loads(cfg_path.read_text()))
        self.invocation_start: float | None = None

    def start_invocation(self) -> None:
        """Counts this invocation's wall clock from now. An earlier invocation that was killed left its wall clock
        (as of its last save) in `open_invocation`: it goes into the list, so an interrupted run is not free."""
        walls = self.prov.get("wall_seconds_per_invocation")
        if walls is None and "wall_seconds_this_invocation" in self.prov:
            walls = self.prov["wall_seconds_per_invocation"] = [self.prov["wall_seconds_this_invocation"]]
        interrupted = self.prov.pop("open_invocation", None)
        if interrupted is not None:
            self.prov.setdefault("wall_seconds_per_invocation", []).append(interrupted["wall_seconds"])
            self.prov.setdefault("interrupted_invocations", []).append(interrupted)
        self.invocation_start = time.time()
        self.save_prov()

    def finish_invocation(self) -> None:
        assert self.invocation_start is not None
        self.prov.pop("open_invocation", None)
        self.prov["wall_seconds_this_invocation"] = round(time.time() - self.invocation_start, 1)
        walls = self.prov.setdefault("wall_seconds_per_invocation", [])
        walls.append(self.prov["wall_seconds_this_invocation"])
        # the 3-hour limit applies to this; a grafted run carries the time behind the parts it took over
        self.prov["wall_seconds_total"] = round(sum(walls) + self.prov.get("inherited_wall_seconds", 0.0), 1)
        self.invocation_start = None
        self.save_prov()

    def save_prov(self) -> None:
        if self.invocation_start is not None:  # kept current, in case this invocation is killed
            self.prov["open_invocation"] = {"started": time.strftime("%Y-%m-%dT%H:%M:%S",
                                                                     time.localtime(self.invocation_start)),
                                            "wall_seconds": round(time.time() - self.invocation_start, 1)}
        self.prov_path.write_text(json.dumps(self.prov, indent=2))

    def save_cfg(self) -> None:
        (self.root / "model_config.json").write_text(json.dumps(self.cfg.to_dict(), indent=2))

    def done(self, phase: str) -> bool:
        return self.prov["phases"].get(phase, {}).get("done", False)


def config_from_dict(d: dict) -> ModelConfig:
    from . import config as C
    def mk(cls, v):
        fields = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: tuple(x) if isinstance(x, list) else x for k, x in v.items() if k in fields})
    return C.ModelConfig(name=d["name"], image_size=d["image_size"], schedule=mk(C.ScheduleConfig, d["schedule"]),
                         clip_text=mk(C.ClipTextConfig, d["clip_text"]), clip_vision=mk(C.ClipVisionConfig, d["clip_vision"]),
                         unet_image=mk(C.UNet2DConfig, d["unet_image"]), unet_text=mk(C.UNetTextConfig, d["unet_text"]),
                         vae=mk(C.VAEConfig, d["vae"]), optimus=mk(C.OptimusConfig, d["optimus"]))


def train_loop(run: Run, name: str, modules: Dict[str, nn.Module], params: Iterable[nn.Parameter],
               step_fn: Callable[[int], Dict[str, torch.Tensor]], budget_s: float, lr: float,
               max_steps: int | None = None, ema_decay: float = 0.0, betas=(0.9, 0.999),
               max_grad_norm: float | None = 1.0, resume_key: Callable[[str], bool] | None = None) -> None:
    """Generic resumable loop. step_fn returns a dict of losses; 'loss' is optimised. With ema_decay > 0 the
    trained parameters end as their exponential moving average (better samples for diffusion models).
    resume_key, when given, picks the checkpoint entries to restore (the rest keep their current values)."""
    ckpt = run.root / f"{name}.ckpt"
    params = [p for p in params if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.0, betas=betas, eps=1e-6 if betas[1] < 0.99 else 1e-8)
    ema = [p.detach().clone() for p in params] if ema_decay > 0 else None
    step, elapsed = 0, 0.0
    if ckpt.exists():
        st = torch.load(ckpt, map_location=run.device)
        for k, m in modules.items():
            saved = st["modules"][k]
            if resume_key is not None:
                saved = {**m.state_dict(), **{n: v for n, v in saved.items() if resume_key(n)}}
            m.load_state_dict(saved)
        opt.load_state_dict(st["opt"])
        step, elapsed = st["step"], st["elapsed"]
        if ema is not None and st.get("ema") is not None:
            ema = [e.to(run.device) for e in st["ema"]]
        log(f"[{name}] resumed at step {step} ({elapsed:.0f}s)")
    max_steps = max_steps or STEP_CAPS[name]
    hist: Dict[str, deque] = {}
    t0 = time.time() - elapsed
    last_save = time.time()

    def save(done: bool) -> None:
        torch.save({"modules": {k: m.state_dict() for k, m in modules.items()}, "opt": opt.state_dict(),
                    "step": step, "elapsed": time.time() - t0, "ema": ema}, ckpt)
        run.prov["phases"][name] = {"done": done, "steps": step, "seconds": round(time.time() - t0, 1),
                                    "final_losses": {k: round(float(np.mean(v)), 5) for k, v in hist.items()},
                                    "lr": lr, "budget_s": round(budget_s, 1)}
        run.save_prov()

    for m in modules.values():
        m.train()
    while step < max_steps and time.time() - t0 < budget_s:
        # cosine decay over the expected steps keeps late updates small
        frac = min(1.0, max(step / max_steps, (time.time() - t0) / budget_s))
        for g in opt.param_groups:
            g["lr"] = lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac))) * min(1.0, (step + 1) / 100)
        losses = step_fn(step)
        opt.zero_grad(set_to_none=True)
        losses["loss"].backward()
        if max_grad_norm is not None:
            torch.nn.utils.clip_grad_norm_(params, max_grad_norm)
        opt.step()
        step += 1
        if ema is not None:
            d = min(ema_decay, (1 + step) / (10 + step))
            with torch.no_grad():
                torch._foreach_mul_(ema, d)
                torch._foreach_add_(ema, [p.detach() for p in params], alpha=1 - d)
        for k, v in losses.items():
            hist.setdefault(k, deque(maxlen=100)).append(float(v.detach()))
        if step % 100 == 0:
            log(f"[{name}] step {step} " + " ".join(f"{k}={np.mean(v):.4f}" for k, v in hist.items())
                + f" ({time.time() - t0:.0f}s)")
        if time.time() - last_save > 120:
            save(False)
            last_save = time.time()
    if ema is not None:
        with torch.no_grad():
            for p, e in zip(params, ema):
                p.copy_(e)
    save(True)
    for m in modules.values():
        m.eval()
    log(f"[{name}] done: {step} steps in {time.time() - t0:.0f}s")


# ----------------------------------------------------------------------------------------------------------------
def batch_idx(rng: np.random.Generator, n: int, bs: int) -> np.ndarray:
    return rng.integers(0, n, size=bs)


def images(data: dict, view: str, idx: np.ndarray, device) -> torch.Tensor:
    return torch.from_numpy(data[view][idx].astype(np.float32)).to(device)


def info_nce(a: torch.Tensor, b: torch.Tensor, logit_scale: torch.Tensor,
             same: torch.Tensor | None = None) -> torch.Tensor:
    """CLIP loss. With `same` ([B,B] bool: pairs that share every label) all such pairs count as positives: a
    report says nothing that tells two patients with the same findings apart, so penalising them as negatives
    (the usual false negatives of small-batch contrastive training) only slows alignment down."""
    logits = logit_scale.clamp(max=math.log(100)).exp() * a @ b.t()
    if same is None:
        target = torch.arange(a.shape[0], device=a.device)
        return 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.t(), target))
    soft = same.float() / same.float().sum(1, keepdim=True)
    return 0.5 * (-(soft * logits.log_softmax(1)).sum(1).mean() - (soft * logits.t().log_softmax(1)).sum(1).mean())


def parse_extensions(items: List[str]) -> Dict[str, float]:
    """'--extend unets=20' -> {'unets': 1200.0} (seconds); unknown phases and bad numbers are refused."""
    out: Dict[str, float] = {}
    for item in items:
        name, sep, minutes = item.partition("=")
        if not sep or name not in PHASE_SHARES:
            raise SystemExit(f"--extend {item!r}: expected PHASE=MINUTES with PHASE one of {', '.join(PHASE_SHARES)}")
        try:
            value = float(minutes)
        except ValueError:
            value = -1.0
        if not value > 0:
            raise SystemExit(f"--extend {item!r}: MINUTES must be a positive number")
        out[name] = value * 60
    return out


def apply_extensions(run: Run, extensions: Dict[str, float], shares: Dict[str, float], caps: Dict[str, int],
                     smoke: bool) -> None:
    """Reopen the extended phases with their new budgets and invalidate what depends on them."""
    if not extensions:
        return
    phases = run.prov["phases"]
    if "optimus" in extensions and "decoder" in phases:
        # the fine-tuned decoder belongs to the old encoder: it is trained again from the new optimus decoder
        if "decoder" not in extensions:
            raise SystemExit("--extend optimus=...: the decoder fine-tuning is redone afterwards; "
                             "also pass --extend decoder=MINUTES")
        run.prov["superseded_seconds"] = run.prov.get("superseded_seconds", 0.0) + phases.pop("decoder")["seconds"]
        (run.root / "decoder.ckpt").unlink(missing_ok=True)
    if any(p in extensions for p in ("clip", "vae", "optimus")):
        (run.root / "latents.pt").unlink(missing_ok=True)
    for name, extra in extensions.items():
        before = phases.get(name, {})
        shares[name] = before.get("seconds", 0.0) + extra
        if smoke:
            caps[name] = before.get("steps", 0) + 2
        if before:
            before["done"] = False
        run.prov.setdefault("extensions", []).append(
            {"phase": name, "minutes": round(extra / 60, 2), "from_step": before.get("steps", 0),
             "at": time.strftime("%Y-%m-%dT%H:%M:%S")})
    run.save_prov()
    log("extending " + ", ".join(f"{k} by {v / 60:g} min" for k, v in extensions.items()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default="nano")
    ap.add_argument("--run", type=Path, default=Path("runs/nano"))
    ap.add_argument("--budget-minutes", type=float, default=75.0)
    ap.add_argument("--cases", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--smoke", action="store_true", help="2 steps per phase, tiny data: checks the pipeline")
    ap.add_argument("--extend", action="append", default=[], metavar="PHASE=MINUTES",
                    help="give a phase MINUTES more (a finished one is reopened and resumes from its checkpoint); "
                         "repeatable. Report latents are recomputed after clip/vae/optimus, and extending optimus "
                         "redoes the decoder fine-tuning, which then needs its own decoder=MINUTES")
    args = ap.parse_args()

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.type == "cpu":
        torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    random.seed(args.seed)
    cfg = get_config(args.config)
    n_cases = 64 if args.smoke else args.cases
    run = Run(args.run, cfg, args.seed, n_cases, device)
    budget = args.budget_minutes * 60
    caps = {k: 2 for k in STEP_CAPS} if args.smoke else dict(STEP_CAPS)
    shares = {k: budget * v for k, v in PHASE_SHARES.items()}
    extensions = parse_extensions(args.extend)
    apply_extensions(run, extensions, shares, caps, args.smoke)
    # a fresh batch order per invocation, so a resumed or extended run does not replay the first one's batches
    invocation = run.prov["invocations"] = run.prov.get("invocations", 0) + 1
    run.start_invocation()
    rng = np.random.default_rng([args.seed, invocation - 1])

    # -------------------------------------------------------------------------------------------- data
    data = build_dataset(run.root / "data.npz", n_cases, args.seed, run.cfg.image_size)
    N = len(data["reports"])
    log(f"data: {N} cases")

    # -------------------------------------------------------------------------------------------- tokenizers
    tok_dir = run.root / "tokenizers"
    if not (tok_dir / "tokenizer-gpt2.json").exists():
        clip_tok = tt.train_clip_tokenizer(data["reports"], run.cfg.clip_text.vocab_size)
        gpt_tok = tt.train_gpt2_tokenizer(data["reports"], run.cfg.optimus.vocab_size - 3)
        tt.save(clip_tok, tok_dir / "tokenizer-clip.json")
        tt.save(gpt_tok, tok_dir / "tokenizer-gpt2.json")
    clip_tok = tt.load(tok_dir / "tokenizer-clip.json")
    gpt_tok = tt.load(tok_dir / "tokenizer-gpt2.json")
    ct, oc = run.cfg.clip_text, run.cfg.optimus
    # Trained vocabularies may come out smaller than asked on a small corpus: the config follows the tokenizer.
    clip_vocab = clip_tok.get_vocab_size()
    gpt_vocab = gpt_tok.get_vocab_size()
    run.cfg = dataclasses.replace(
        run.cfg,
        clip_text=dataclasses.replace(ct, vocab_size=clip_vocab, bos_token_id=0, eos_token_id=1),
        optimus=dataclasses.replace(oc, vocab_size=gpt_vocab, bert_vocab_size=gpt_vocab,
                                    pad_token_id=gpt_tok.token_to_id("<PAD>"), bos_token_id=gpt_tok.token_to_id("<BOS>"),
                                    eos_token_id=gpt_tok.token_to_id("<EOS>")))
    cfg = run.cfg
    run.save_cfg()
    clip_ids = torch.tensor(tt.encode_clip(clip_tok, data["reports"], cfg.clip_text.max_position_embeddings,
                                           cfg.clip_text.bos_token_id, cfg.clip_text.eos_token_id))
    gpt_ids, gpt_mask = tt.encode_gpt2(gpt_tok, data["reports"], cfg.optimus.n_positions - 1,
                                       cfg.optimus.bos_token_id, cfg.optimus.eos_token_id, cfg.optimus.pad_token_id)
    gpt_ids, gpt_mask = torch.tensor(gpt_ids), torch.tensor(gpt_mask)
    log(f"tokenizers: clip vocab {clip_vocab}, gpt2 vocab {gpt_vocab}; "
        f"max report tokens {int(gpt_mask.sum(1).max())}, clip truncated {int((clip_ids[:, -1] != cfg.clip_text.eos_token_id).sum())}")

    model = MedCoDiM(cfg).to(device)
    clip = model.clip_model
    vae = model.autokl
    enc, dec = model.optimus.encoder, model.optimus.decoder
    bs = 8 if args.smoke else 48
    all_labels = torch.from_numpy(data["labels"]).to(device)
    n_labels = all_labels.shape[1]

    # -------------------------------------------------------------------------------------------- clip
    # Training-only probe: one linear label head shared by the three towers. It pulls every modality's embedding
    # towards the same finding directions (alignment in a few hundred steps instead of thousands) and is not
    # part of the model (not exported).
    clip_probe = nn.Linear(cfg.clip_text.projection_dim, n_labels).to(device)

    def clip_step(step: int):
        idx = batch_idx(rng, N, bs)
        y = all_labels[idx]
        same = (y[:, None, :] == y[None, :, :]).all(-1)
        t = clip.encode_text(clip_ids[idx].to(device))[:, 0]
        f = clip.encode_image(clip_preprocess(images(data, "frontal", idx, device), cfg.clip_vision))[:, 0]
        l = clip.encode_image(clip_preprocess(images(data, "lateral", idx, device), cfg.clip_vision))[:, 0]
        ls = clip.logit_scale
        # f-l keeps hard targets: the two views of one patient should find each other (patient identity)
        lt_f, lt_l, lf_l = info_nce(t, f, ls, same), info_nce(t, l, ls, same), info_nce(f, l, ls)
        probe = {k: F.binary_cross_entropy_with_logits(clip_probe(e * 8.0), y) for k, e in (("t", t), ("f", f), ("l", l))}
        # The probe leads: a small ViT learns findings from the probe in a few thousand steps but hardly at all
        # from the contrastive loss alone (measured: probe accuracy at the label prior after 1,700 steps).
        loss = 0.5 * (lt_f + lt_l + lf_l) + probe["t"] + probe["f"] + probe["l"]
        return {"loss": loss, "t_f": lt_f, "t_l": lt_l, "f_l": lf_l,
                "probe_t": probe["t"], "probe_f": probe["f"], "probe_l": probe["l"]}

    if not run.done("clip"):
        train_loop(run, "clip", {"clip": clip, "probe": clip_probe}, list(clip.parameters()) + list(clip_probe.parameters()),
                   clip_step, shares["clip"], 1e-3, caps["clip"], betas=(0.9, 0.98), max_grad_norm=None)
    else:
        clip.load_state_dict(torch.load(run.root / "clip.ckpt", map_location=device)["modules"]["clip"])

    # -------------------------------------------------------------------------------------------- vae
    def vae_step(step: int):
        idx = batch_idx(rng, N, bs // 6)  # 8 + 8 images: more, smaller steps converge faster on 2 cores
        views = torch.cat([images(data, "frontal", idx, device), images(data, "lateral", idx, device)])
        x = vae_input(views)
        mean, logvar = vae.encode(x)
        z = mean + torch.randn_like(mean) * (0.5 * logvar).exp()
        rec = vae.decode(z)
        l1 = (rec - x).abs().mean()
        l2 = ((rec - x) ** 2).mean()
        kl = 0.5 * (mean ** 2 + logvar.exp() - 1 - logvar).mean()
        return {"loss": l1 + l2 + 1e-4 * kl, "l1": l1, "kl": kl}

    if not run.done("vae"):
        train_loop(run, "vae", {"vae": vae}, vae.parameters(), vae_step, shares["vae"], 8e-4, caps["vae"])
    else:
        vae.load_state_dict(torch.load(run.root / "vae.ckpt", map_location=device)["modules"]["vae"])

    # -------------------------------------------------------------------------------------------- optimus
    # Training-only probe on the sampled latent: the report latent must carry the findings (it is all the text
    # UNet hands the decoder), which a KL-regularised VAE on short templated reports otherwise neglects. Probing
    # the sample, not the mean, asks for findings that stand out of the posterior noise, so the decoder (which
    # only ever sees samples) learns to read them instead of falling back on its language model.
    optimus_probe = nn.Linear(cfg.optimus.latent_size, n_labels).to(device)

    def decoder_ce(ids: torch.Tensor, mask: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """Next-token cross-entropy of the GPT-2 decoder given latent z (padding ignored)."""
        logits = dec(ids[:, :-1], z)
        target = ids[:, 1:].masked_fill(mask[:, 1:] == 0, -100)
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1), ignore_index=-100)

    def optimus_step(step: int):
        idx = batch_idx(rng, N, bs)
        ids, mask = gpt_ids[idx].to(device), gpt_mask[idx].to(device)
        mu, logvar = enc(ids, mask)
        z = mu + torch.randn_like(mu) * (0.5 * logvar).exp()
        ce = decoder_ce(ids, mask, z)
        kl_dim = 0.5 * (mu ** 2 + logvar.exp() - 1 - logvar).mean(0)
        kl = torch.clamp(kl_dim, min=0.05).sum()  # free bits keep the latent informative (Optimus λ)
        beta = min(0.1, 0.1 * step / 1500)
        probe = F.binary_cross_entropy_with_logits(optimus_probe(z), all_labels[idx])
        return {"loss": ce + beta * kl / ids.shape[1] + probe, "ce": ce, "kl": kl_dim.sum(), "probe": probe}

    if not run.done("optimus"):
        train_loop(run, "optimus", {"enc": enc, "dec": dec, "probe": optimus_probe},
                   list(enc.parameters()) + list(dec.parameters()) + list(optimus_probe.parameters()),
                   optimus_step, shares["optimus"], 8e-4, caps["optimus"])
    else:
        st = torch.load(run.root / "optimus.ckpt", map_location=device)["modules"]
        enc.load_state_dict(st["enc"])
        dec.load_state_dict(st["dec"])

    # -------------------------------------------------------------------------------------------- latents
    lat_path = run.root / "latents.pt"
    if not lat_path.exists():
        # eval mode: a phase loaded from its checkpoint leaves its modules in training mode, and the report
        # encoder's dropout would otherwise noise every latent (measured: text scale 0.9235 instead of 0.9127)
        for m in (clip, vae, enc):
            m.eval()
        with torch.no_grad():
            emb = {m: [] for m in MODALITIES}
            lat = {m: [] for m in MODALITIES}
            for s in range(0, N, 256):
                idx = np.arange(s, min(N, s + 256))
                emb["report"].append(clip.encode_text(clip_ids[idx].to(device))[:, 0])
                mu, _ = enc(gpt_ids[idx].to(device), gpt_mask[idx].to(device))
                lat["report"].append(mu)
                for v in ("frontal", "lateral"):
                    im = images(data, v, idx, device)
                    emb[v].append(clip.encode_image(clip_preprocess(im, cfg.clip_vision))[:, 0])
                    lat[v].append(vae.encode(vae_input(im))[0])
            emb = {k: torch.cat(v).cpu() for k, v in emb.items()}
            lat = {k: torch.cat(v).cpu() for k, v in lat.items()}
            empty = torch.tensor(tt.encode_clip(clip_tok, [""], cfg.clip_text.max_position_embeddings,
                                                cfg.clip_text.bos_token_id, cfg.clip_text.eos_token_id))
            u_txt = clip.encode_text(empty.to(device))[0, 0].cpu()
            zeros = torch.zeros(1, cfg.image_size, cfg.image_size, device=device)
            u_img = clip.encode_image(clip_preprocess(zeros, cfg.clip_vision))[0, 0].cpu()
        img_scale = float(1.0 / torch.cat([lat["frontal"], lat["lateral"]]).std())
        txt_scale = float(1.0 / lat["report"].std())
        torch.save({"emb": emb, "lat": lat, "u_txt": u_txt, "u_img": u_img,
                    "img_scale": img_scale, "txt_scale": txt_scale}, lat_path)
    L = torch.load(lat_path)
    cfg = run.cfg = dataclasses.replace(cfg, vae=dataclasses.replace(cfg.vae, scale_factor=L["img_scale"]),
                                        optimus=dataclasses.replace(cfg.optimus, scale_factor=L["txt_scale"]))
    run.save_cfg()
    log(f"latents: image scale {L['img_scale']:.4f}, text scale {L['txt_scale']:.4f}")
    emb = {k: v.to(device) for k, v in L["emb"].items()}
    lat = {"frontal": L["lat"]["frontal"].to(device) * L["img_scale"],
           "lateral": L["lat"]["lateral"].to(device) * L["img_scale"],
           "report": L["lat"]["report"].to(device) * L["txt_scale"]}
    uncond = {"report": L["u_txt"].to(device), "frontal": L["u_img"].to(device), "lateral": L["u_img"].to(device)}
    ac = make_schedule(cfg.schedule).alphas_cumprod.to(device)

    def noised(x0: torch.Tensor, t: torch.Tensor):
        noise = torch.randn_like(x0)
        a = ac[t].view(-1, *([1] * (x0.dim() - 1)))
        return a.sqrt() * x0 + (1 - a).sqrt() * noise, noise

    def contexts(target_set: Iterable[str], idx: np.ndarray, p_drop: float = 0.1) -> torch.Tensor:
        """Multi-Prompt training: a random non-empty subset of the other modalities, mixed by the (1:1) weighted
        mean of spec §3.6; with probability p_drop per sample the unconditional mix of the same types instead."""
        others = [m for m in MODALITIES if m not in target_set]
        k = int(rng.integers(1, len(others) + 1))
        chosen = list(rng.choice(others, size=k, replace=False))
        cond = torch.stack([emb[m][idx] for m in chosen]).mean(0)
        unc = torch.stack([uncond[m] for m in chosen]).mean(0).expand_as(cond)
        drop = torch.from_numpy(rng.random(len(idx)) < p_drop).to(device).unsqueeze(1)
        return torch.where(drop, unc, cond).unsqueeze(1)

    unets = model.unets

    # -------------------------------------------------------------------------------------------- unets
    def unet_step(step: int):
        out = {}
        total = 0
        for m in MODALITIES:
            # the 0-D report UNet costs 2% of an image UNet step: a 4x batch is nearly free
            b = bs * 4 if m == "report" else bs
            idx = batch_idx(rng, N, b)
            t = torch.from_numpy(rng.integers(0, cfg.schedule.num_train_timesteps, size=b)).to(device)
            xt, noise = noised(lat[m][idx], t)
            eps = unets[m](xt, t.float(), contexts([m], idx))
            loss = F.mse_loss(eps, noise)
            out[m] = loss
            total = total + loss
        out["loss"] = total
        return out

    core_params = [p for m in MODALITIES for n, p in unets[m].named_parameters()
                   if not n.startswith(CONNECTOR_PREFIXES)]
    if not run.done("unets"):
        train_loop(run, "unets", {m: unets[m] for m in MODALITIES}, core_params, unet_step, shares["unets"], 1e-3,
                   caps["unets"], ema_decay=0.999)
    else:
        st = torch.load(run.root / "unets.ckpt", map_location=device)["modules"]
        for m in MODALITIES:
            unets[m].load_state_dict(st[m])

    # -------------------------------------------------------------------------------------------- unet_text
    # The report UNet alone, many more steps: in the shared phase it gets one step per (expensive) image step and
    # was still far from converged when that phase ended (eps MSE 0.076 at every t; sampled latents 7x too wide).
    # Measured on the 2026-12-05 run: 4,135 report-only steps (8 min, batch 192) took eps MSE at t=999 to 0.0041
    # and the per-dimension std of DDIM-50 samples from 3.46 to 0.63 (data 0.47).
    report_core = [p for n, p in unets["report"].named_parameters()
                   if not n.startswith(CONNECTOR_PREFIXES)]

    def unet_text_step(step: int):
        b = bs * 4
        idx = batch_idx(rng, N, b)
        t = torch.from_numpy(rng.integers(0, cfg.schedule.num_train_timesteps, size=b)).to(device)
        xt, noise = noised(lat["report"][idx], t)
        loss = F.mse_loss(unets["report"](xt, t.float(), contexts(["report"], idx)), noise)
        return {"loss": loss}

    if not run.done("unet_text"):
        train_loop(run, "unet_text", {"report": unets["report"]}, report_core, unet_text_step, shares["unet_text"], 5e-4,
                   caps["unet_text"])
    else:
        unets["report"].load_state_dict(torch.load(run.root / "unet_text.ckpt", map_location=device)["modules"]["report"])

    # -------------------------------------------------------------------------------------------- joint
    def joint_step(step: int):
        a, b = JOINT_PAIRS[step % len(JOINT_PAIRS)]
        idx = batch_idx(rng, N, bs)
        t = torch.from_numpy(rng.integers(0, cfg.schedule.num_train_timesteps, size=bs)).to(device)
        ctx = contexts([a, b], idx)
        hs, loss = {}, 0
        out = {}
        for m in (a, b):
            xt, noise = noised(lat[m][idx], t)
            h = unets[m].env(xt, t.float())
            hs[m] = h
            eps = unets[m].forward_joint(xt, t.float(), ctx, h)
            out[m[0]] = F.mse_loss(eps, noise)
            loss = loss + out[m[0]]
        # env encoders are aligned across modalities by a CLIP-style loss on h_con (spec §1.3)
        con = info_nce(hs[a][:, 0], hs[b][:, 0], torch.tensor(math.log(10.0), device=device))
        out["con"] = con
        out["loss"] = loss + 0.1 * con
        return out

    conn_params = [p for m in MODALITIES for n, p in unets[m].named_parameters() if n.startswith(CONNECTOR_PREFIXES)]
    if not run.done("joint"):
        for p in core_params:
            p.requires_grad_(False)
        # resuming restores the connectors only: the UNet cores may have trained on since (--extend unets=...)
        train_loop(run, "joint", {m: unets[m] for m in MODALITIES}, conn_params, joint_step, shares["joint"], 5e-4,
                   caps["joint"], ema_decay=0.99, resume_key=lambda n: n.startswith(CONNECTOR_PREFIXES))
        for p in core_params:
            p.requires_grad_(True)
    else:
        st = torch.load(run.root / "joint.ckpt", map_location=device)["modules"]
        for m in MODALITIES:
            unets[m].load_state_dict(st[m])

    # -------------------------------------------------------------------------------------------- classifier
    clf = PhantomClassifier(n_labels=data["labels"].shape[1]).to(device)
    labels = torch.from_numpy(data["labels"]).to(device)

    def clf_step(step: int):
        idx = batch_idx(rng, N, bs)
        view = "frontal" if step % 2 == 0 else "lateral"
        x = images(data, view, idx, device).unsqueeze(1)
        x = (x + 0.02 * torch.randn_like(x)).clamp(0, 1)
        logits = clf(x, logits=True)
        loss = F.binary_cross_entropy_with_logits(logits, labels[idx])
        return {"loss": loss}

    if not run.done("classifier"):
        train_loop(run, "classifier", {"clf": clf}, clf.parameters(), clf_step, shares["classifier"], 1e-3,
                   caps["classifier"])
    else:
        clf.load_state_dict(torch.load(run.root / "classifier.ckpt", map_location=device)["modules"]["clf"])

    # -------------------------------------------------------------------------------------------- decoder
    # The report decoder goes on learning once everything else is fixed. The encoder stays frozen, so every report
    # latent the text UNet was trained on keeps its meaning; only the GPT-2 decoder is fine-tuned, on posterior
    # samples as in the optimus phase (measured after that phase: reports decoded from the posterior mean of real
    # reports recover their labels with micro F1 0.48 at temperature 1, 0.69 greedy).
    def decoder_step(step: int):
        idx = batch_idx(rng, N, bs)
        ids, mask = gpt_ids[idx].to(device), gpt_mask[idx].to(device)
        with torch.no_grad():
            mu, logvar = enc(ids, mask)
            z = mu + torch.randn_like(mu) * (0.5 * logvar).exp()
        ce = decoder_ce(ids, mask, z)
        return {"loss": ce, "ce": ce}

    if not run.done("decoder"):
        enc.eval()
        for p in enc.parameters():
            p.requires_grad_(False)
        train_loop(run, "decoder", {"dec": dec}, dec.parameters(), decoder_step, shares["decoder"], 5e-4,
                   caps["decoder"])
        for p in enc.parameters():
            p.requires_grad_(True)
    else:
        dec.load_state_dict(torch.load(run.root / "decoder.ckpt", map_location=device)["modules"]["dec"])

    # -------------------------------------------------------------------------------------------- assemble
    model.eval()
    torch.save(model.state_dict(), run.root / "medcodi-nano.pt")
    torch.save(clf.state_dict(), run.root / "classifier.pt")
    torch.save({"u_txt": L["u_txt"], "u_img": L["u_img"]}, run.root / "unconditional.pt")
    run.prov["total_seconds"] = round(sum(p.get("seconds", 0) for p in run.prov["phases"].values())
                                      + run.prov.get("superseded_seconds", 0.0)
                                      + run.prov.get("inherited_seconds", 0.0), 1)  # from a graft (medcodi.graft)
    run.finish_invocation()
    run.save_cfg()
    log(f"assembled {run.root / 'medcodi-nano.pt'}")


if __name__ == "__main__":
    main()
