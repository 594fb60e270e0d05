"""Which reference denoiser keys (`model.diffusion_model.unet_{frontal,lateral,text}.*`) our UNets do not produce.

Rule (checked against medcodi/data/medcodi-m-state-dict-keys.json.gz (the shared reference, committed) by tests/test_unet_keys.py):
the reference image UNets are built with `use_video_architecture=True`, so every ResBlock is
`ModuleList([ResBlock, SpatioTemporalAttention])`. The temporal layer (child index 1) returns its input unchanged
for 4-D (still-image) tensors (spec §1.5), so we build only child 0 and drop child 1:

  - `input_blocks.{i}.0.1.*`, `output_blocks.{i}.0.1.*`, `connecters_out.{i}.0.1.*`  (ResBlock pairs in blocks)
  - `middle_block.0.1.*`, `middle_block.2.1.*`                                       (the two middle ResBlocks)

475 keys per image UNet (616,963,283 params). The text UNet has no video layers: nothing is dropped there.
Every other denoiser key maps 1:1 (same name after the prefix, same shape).
"""
from __future__ import annotations

import re
from typing import Optional

DENOISER_PREFIXES = (
    "model.diffusion_model.unet_frontal.",
    "model.diffusion_model.unet_lateral.",
    "model.diffusion_model.unet_text.",
)

_TEMPORAL_REASON = ("make-a-video SpatioTemporalAttention paired with a ResBlock (child index 1 of the pair); "
                    "identity for still images (spec §1.5), not built")

# Full key: the image UNets only. Local key (prefix already stripped): applies to any image-UNet state dict.
_DROP_FULL = re.compile(
    r"^model\.diffusion_model\.unet_(?:frontal|lateral)\."
    r"(?:(?:input_blocks|output_blocks|connecters_out)\.\d+\.0|middle_block\.[02])\.1\.")
_DROP_LOCAL = re.compile(
    r"^(?:(?:input_blocks|output_blocks|connecters_out)\.\d+\.0|middle_block\.[02])\.1\.")


def drop_reason(key: str) -> Optional[str]:
    """Reason string if `key` is a reference denoiser key we intentionally do not produce, else None.

    Accepts a full checkpoint key (`model.diffusion_model.unet_frontal.input_blocks.1.0.1...`) or an image-UNet
    local key (`input_blocks.1.0.1...`). Keys of other components return None (not this module's business).
    """
    if key.startswith("model.diffusion_model."):
        return _TEMPORAL_REASON if _DROP_FULL.match(key) else None
    return _TEMPORAL_REASON if _DROP_LOCAL.match(key) else None


def is_dropped_key(key: str) -> bool:
    """True for reference denoiser keys that our UNets intentionally do not have (temporal/video layers)."""
    return drop_reason(key) is not None


def denoiser_local_key(key: str) -> Optional[tuple]:
    """Split a full checkpoint key into (unet name, local key), e.g. ('unet_text', 'out.2.weight'); None if the key
    does not belong to a denoiser."""
    for p in DENOISER_PREFIXES:
        if key.startswith(p):
            return p.split(".")[-2], key[len(p):]
    return None


__all__ = ["DENOISER_PREFIXES", "drop_reason", "is_dropped_key", "denoiser_local_key"]
