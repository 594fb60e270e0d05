"""Golden fixtures for clip-image.test.ts: Pillow's bicubic resize + transformers-4.24-style CLIP normalisation.

Run: /work/main/toolchain/.venv/bin/python workers/preprocess/__fixtures__/make_fixtures.py
Inputs are integer formulas reproduced exactly in the TS test (testImage), so only outputs are stored.
"""
import base64
import json
import pathlib

import numpy as np
import PIL
from PIL import Image

MEAN = (0.48145466, 0.4578275, 0.40821073)
STD = (0.26862954, 0.26130258, 0.27577711)


def test_image(kind, w, h):
    ys, xs = np.mgrid[0:h, 0:w].astype(np.int64)
    if kind == "texture":
        v = (xs * 7 + ys * 13 + ((xs * ys) % 17) * 5) % 256
    elif kind == "phantom":
        d2 = (xs * 2 - w) ** 2 + (ys * 2 - h + 4) ** 2
        v = np.where(d2 < (w * h) // 3, 200 + (xs % 5) * 11, 20 + (xs + 2 * ys) % 40)
        v = np.where((xs // 7 + ys // 5) % 9 == 0, 255, v)
        v = np.where((xs * 3 + ys) % 23 == 0, 0, v)
    else:
        raise ValueError(kind)
    return v.astype(np.uint8)


def float_image(w, h):
    ys, xs = np.mgrid[0:h, 0:w].astype(np.int64)
    return (((xs * 31 + ys * 17) % 300) / 280.0 - 0.05).astype(np.float32)


def clip_pixels(img, size):
    """transformers 4.24 CLIPFeatureExtractor: resize shortest side (default_to_square=False) then centre crop."""
    pil = Image.fromarray(img, mode="L")
    w, h = pil.size
    short, long = (w, h) if w <= h else (h, w)
    if short != size:
        new_long = int(size * long / short)
        pil = pil.resize((size, new_long) if w <= h else (new_long, size), resample=Image.BICUBIC)
    w, h = pil.size
    top, left = (h - size) // 2, (w - size) // 2
    pil = pil.crop((left, top, left + size, top + size))
    return np.asarray(pil, dtype=np.uint8)


def normalise(pixels):
    x = pixels.astype(np.float32) * np.float32(1 / 255.0)
    x = np.stack([x, x, x])
    mean = np.array(MEAN).astype(np.float32)[:, None, None]
    std = np.array(STD).astype(np.float32)[:, None, None]
    return (x - mean) / std


def b64(a):
    return base64.b64encode(np.ascontiguousarray(a, dtype=np.uint8).tobytes()).decode()


cases = []
for name, kind, w, h, size in [
    ("texture-80-to-64", "texture", 80, 80, 64),
    ("phantom-80-to-64", "phantom", 80, 80, 64),
    ("phantom-256-to-224", "phantom", 256, 256, 224),
    ("texture-64-same", "texture", 64, 64, 64),
    ("phantom-100x60-to-64", "phantom", 100, 60, 64),
    ("texture-48-up-to-64", "texture", 48, 48, 64),
    ("phantom-97x131-to-64", "phantom", 97, 131, 64),
]:
    out = clip_pixels(test_image(kind, w, h), size)
    cases.append({"name": name, "input": {"kind": kind, "width": w, "height": h}, "size": size, "pixels": b64(out)})

float_in = float_image(70, 70)
float_u8 = (np.clip(float_in, 0, 1) * np.float32(255)).astype(np.uint8)
float_out = clip_pixels(float_u8, 64)
cases.append({"name": "float-70-to-64", "input": {"kind": "float", "width": 70, "height": 70}, "size": 64, "pixels": b64(float_out)})

norm = normalise(clip_pixels(test_image("texture", 80, 80), 64))
fixture = {
    "generator": "make_fixtures.py",
    "pillow": PIL.__version__,
    "numpy": np.__version__,
    "mean": MEAN,
    "std": STD,
    "cases": cases,
    "normalised": {
        "case": "texture-80-to-64",
        "first": [[float(v) for v in norm[c].reshape(-1)[:16]] for c in range(3)],
        "sum": [float(norm[c].astype(np.float64).sum()) for c in range(3)],
    },
}
path = pathlib.Path(__file__).with_name("clip-image.json")
path.write_text(json.dumps(fixture, indent=1))
print(path, path.stat().st_size, "bytes")
