"""Phantom dataset for training: generated once per run (seeded, in parallel), cached as an .npz."""
from __future__ import annotations

import json
import multiprocessing as mp
from pathlib import Path

import numpy as np


def _chunk(args):
    start, count, seed, size = args
    from medcodi.phantom import generate_case
    out = []
    for i in range(start, start + count):
        c = generate_case(seed * 1_000_003 + i, size=size)
        out.append((c.frontal.astype(np.float16), c.lateral.astype(np.float16), c.label_vector(), c.report))
    return out


def build_dataset(path: Path, n: int, seed: int, size: int, workers: int = 2) -> dict:
    """Returns {'frontal','lateral': float16 [n,size,size] in [0,1], 'labels': float32 [n,8], 'reports': list}."""
    if path.exists():
        return load_dataset(path)
    per = (n + workers * 4 - 1) // (workers * 4)
    jobs = [(s, min(per, n - s), seed, size) for s in range(0, n, per)]
    with mp.get_context("fork").Pool(workers) as pool:
        parts = pool.map(_chunk, jobs)
    rows = [r for p in parts for r in p]
    data = {
        "frontal": np.stack([r[0] for r in rows]),
        "lateral": np.stack([r[1] for r in rows]),
        "labels": np.stack([r[2] for r in rows]).astype(np.float32),
        "reports": [r[3] for r in rows],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, frontal=data["frontal"], lateral=data["lateral"], labels=data["labels"],
             reports=np.array(json.dumps(data["reports"])))
    return data


def load_dataset(path: Path) -> dict:
    z = np.load(path)
    return {"frontal": z["frontal"], "lateral": z["lateral"], "labels": z["labels"],
            "reports": json.loads(str(z["reports"]))}
