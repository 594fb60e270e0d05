"""Time, memory and disk of converting ONE component of the full-size model (issue 6, docs §5).

A whole full-size synthetic conversion needs ~86 GB of disk and ~42 minutes on a 2-core machine (docs §5). This measures the
component that sets the converter's peak memory (the text UNet, 2.05 B parameters: its module, two ~8 GB graphs
and their 4-bit variants) with the converter's own code path, so the documented peak is a measurement:

  1. writes a full-size synthetic checkpoint in the official layout holding only that component's keys
     (`convert.write_synthetic_checkpoint`, one tensor in memory at a time);
  2. reads it lazily and runs `convert.convert_component` exactly as `medcodi.convert` does (strict load, parameter
     counts against spec §8, fp32 export with onnxruntime parity at two batch sizes, every variant of the chosen
     profiles with its error against PyTorch);
  3. prints and writes a JSON report: seconds per phase, peak RSS (getrusage) and the step that set it (RSS sampled
     every 0.5 s against the converter's progress lines), bytes written, file sizes, errors.

    .venv/bin/python -m medcodi.measure_component --component unet_text --work /big/measure --report report.json

The work folder is deleted afterwards unless --keep is given.
"""
from __future__ import annotations

import argparse
import json
import shutil
import threading
import time
from pathlib import Path

import torch

from . import convert as C


def _disk_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


class _MemoryTimeline:
    """Samples this process's resident memory twice a second and tags each sample with the converter's last log
    line, so the report says which step set the peak."""

    def __init__(self, log, interval: float = 0.5):
        self._log, self._interval, self._stop = log, interval, threading.Event()
        self.t0 = time.time()
        self.step = "start"
        self.lines: list = []
        self.peak = (0.0, 0.0, self.step)       # (GiB, seconds, step)
        self._thread = threading.Thread(target=self._run, daemon=True)

    def log(self, line: str) -> None:
        self._sample()
        self.step = line.strip()
        self.lines.append([round(time.time() - self.t0, 1), round(C.rss_now_gb() or 0.0, 2), self.step])
        self._log(line)

    def _sample(self) -> None:
        now = C.rss_now_gb()
        if now is not None and now > self.peak[0]:
            self.peak = (now, time.time() - self.t0, self.step)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self._sample()

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def measure(component: str, work: Path, variants, threads: int, config: str = "full", log=print) -> dict:
    if component not in C.INFERENCE_COMPONENTS:
        raise SystemExit(f"unknown component {component!r}; choose from {list(C.INFERENCE_COMPONENTS)}")
    with _MemoryTimeline(log) as timeline:
        report = _measure(component, work, variants, threads, config, timeline.log)
    report["peakRssStep"] = {"rssGB": round(timeline.peak[0], 2), "atSeconds": round(timeline.peak[1], 1),
                             "afterLine": timeline.peak[2]}
    report["timeline"] = timeline.lines
    log(f"resident memory peaked at {timeline.peak[0]:.2f} GB, {timeline.peak[1]:.0f} s in, after: {timeline.peak[2]}")
    return report


def _measure(component: str, work: Path, variants, threads: int, config: str, log) -> dict:
    cfg = C.CONVERT_CONFIGS[config]
    torch.set_num_threads(threads)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    prefix = C.PREFIX[component]
    keys = [k for k, *_ in C.synthetic_entries(cfg)]
    keep = [k for k in keys if k.startswith(prefix)]
    drop = [k for k in keys if not k.startswith(prefix)]
    ckpt_path = work / f"synthetic-{component}.pt"
    log(f"writing a full-size synthetic checkpoint with the {len(keep)} keys of {component} to {ckpt_path}")
    t0 = time.time()
    written = C.write_synthetic_checkpoint(ckpt_path, cfg, drop=drop)
    t_write = time.time() - t0
    log(f"  {written['tensorBytes'] / 1e9:.2f} GB in {t_write:.0f} s, peak RSS {C._rss_gb():.2f} GB")

    opts = C.ConvertOptions(checkpoint=ckpt_path, config=config, clip_tokenizer=work, gpt2_tokenizer=work, out=work / "out",
                            manifest=work / "manifest.json", variants=tuple(variants), threads=threads, log=log)
    graphs = work / "graphs"
    graphs.mkdir()
    ckpt = C.LazyCheckpoint(ckpt_path)
    ckpt.verify()
    rss_before = C._rss_gb()
    t1 = time.time()
    counts, results, extra = C.convert_component(component, ckpt, cfg, opts, graphs)
    t_convert = time.time() - t1
    ckpt.close()
    C._print_counts(component, counts, cfg, log)   # exits if a count differs from spec §8
    files = {r.spec_name: {fmt: sum(p.stat().st_size for p in ps) for fmt, ps in r.files.items()} for r in results}
    report = {
        "component": component,
        "config": config,
        "variants": list(variants),
        "threads": threads,
        "checkpointTensorBytes": written["tensorBytes"],
        "checkpointWriteSeconds": round(t_write, 1),
        "convertSeconds": round(t_convert, 1),
        "peakRssGB": round(C._rss_gb(), 2),
        "rssBeforeConvertGB": round(rss_before, 2),
        "graphBytesWritten": _disk_bytes(graphs),
        "peakDiskBytes": _disk_bytes(work),
        "parameters": counts,
        "files": files,
        "errors": {r.spec_name: r.errors for r in results},
        "largestInitializerBytes": {r.spec_name: r.largest for r in results},
    }
    log(json.dumps({k: v for k, v in report.items() if k not in ("errors", "files", "largestInitializerBytes")}, indent=1))
    return report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--component", default="unet_text")
    ap.add_argument("--work", type=Path, required=True, help="scratch folder (needs ~28 GB for the text UNet)")
    ap.add_argument("--config", default="full", choices=sorted(C.CONVERT_CONFIGS))
    ap.add_argument("--variants", default="q4f16,q4")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--report", type=Path, help="write the JSON report here")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    args = ap.parse_args()
    report = measure(args.component, args.work, [v for v in args.variants.split(",") if v], args.threads, args.config)
    if args.report:
        args.report.write_text(json.dumps(report, indent=2) + "\n")
    if not args.keep:
        shutil.rmtree(args.work, ignore_errors=True)


if __name__ == "__main__":
    main()
