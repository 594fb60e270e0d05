"""Minimal 8-bit greyscale PNG writer/reader (zlib + struct) so the toolchain needs no imaging library."""
from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Dict, Optional

import numpy as np


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def write_png_grey(path: Path, pixels: np.ndarray, text: Optional[Dict[str, str]] = None) -> None:
    """pixels: uint8 [H,W]. `text` adds tEXt chunks (e.g. provenance, 'Synthetic': 'true')."""
    assert pixels.dtype == np.uint8 and pixels.ndim == 2
    h, w = pixels.shape
    raw = b"".join(b"\x00" + pixels[y].tobytes() for y in range(h))
    chunks = [_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))]
    for k, v in (text or {}).items():
        chunks.append(_chunk(b"tEXt", k.encode("latin-1") + b"\x00" + v.encode("latin-1", "replace")))
    chunks.append(_chunk(b"IDAT", zlib.compress(raw, 9)))
    chunks.append(_chunk(b"IEND", b""))
    Path(path).write_bytes(b"\x89PNG\r\n\x1a\n" + b"".join(chunks))


def read_png_grey(path: Path) -> np.ndarray:
    """Reads the 8-bit greyscale, non-interlaced PNGs written above (filter type 0 only)."""
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w, h = 8, b"", 0, 0
    while pos < len(data):
        n = struct.unpack(">I", data[pos:pos + 4])[0]
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    rows = [raw[y * (w + 1) + 1:(y + 1) * (w + 1)] for y in range(h)]
    return np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(h, w)
