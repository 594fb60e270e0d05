"""Loading a MedCoDi-M checkpoint strictly: every inference key must be present with the right shape, every extra
key must be one the documented drop rules allow (temporal/video layers, DDPM buffers). The official loader used
`strict=False` and silently ignored missing weights (spec §1.0, §7.13); we refuse instead, naming the key or file."""
from __future__ import annotations

import pickle
import zipfile
from pathlib import Path
from typing import Dict, Iterable, Optional

import torch

from .model.clip import is_dropped_clip_key
from .model.keymap import is_dropped_key as is_dropped_denoiser_key
from .model.vae import is_dropped_vae_key


def is_dropped_key(key: str) -> bool:
    """The documented drop rules of every component: temporal/video layers of the image UNets, the VAE decoder's
    frame-shift layers and CLIP's vision temporal blocks / position-id buffers."""
    return is_dropped_denoiser_key(key) or is_dropped_vae_key(key) or is_dropped_clip_key(key)

SCHEDULE_BUFFERS = {
    "betas", "alphas_cumprod", "alphas_cumprod_prev", "sqrt_alphas_cumprod", "sqrt_one_minus_alphas_cumprod",
    "log_one_minus_alphas_cumprod", "sqrt_recip_alphas_cumprod", "sqrt_recipm1_alphas_cumprod", "posterior_variance",
    "posterior_log_variance_clipped", "posterior_mean_coef1", "posterior_mean_coef2",
}


class CheckpointError(ValueError):
    """A checkpoint that cannot be converted; the message names the file or key."""


def read_state_dict(path: Path) -> Dict[str, torch.Tensor]:
    path = Path(path)
    if not path.exists():
        raise CheckpointError(f"checkpoint not found: {path}")
    if path.stat().st_size == 0:
        raise CheckpointError(f"checkpoint {path} is empty (0 bytes)")
    try:
        obj = torch.load(path, map_location="cpu")
    except (RuntimeError, EOFError, pickle.UnpicklingError, zipfile.BadZipFile, OSError) as e:
        raise CheckpointError(f"checkpoint {path} is truncated or not a PyTorch file "
                              f"({path.stat().st_size} bytes): {type(e).__name__}: {e}") from e
    if isinstance(obj, dict) and "state_dict" in obj and isinstance(obj["state_dict"], dict):
        obj = obj["state_dict"]
    if not isinstance(obj, dict) or not all(isinstance(k, str) for k in obj):
        raise CheckpointError(f"checkpoint {path} does not hold a state dict (got {type(obj).__name__})")
    return obj


def check_state_dict(state: Dict[str, torch.Tensor], expected: Dict[str, torch.Size], source: str = "checkpoint",
                     optional_prefixes: Iterable[str] = ()) -> Dict[str, torch.Tensor]:
    """Returns the subset of `state` the model loads. Raises CheckpointError on a missing inference key, an
    unexpected key outside the drop rules, or a wrong shape."""
    optional = tuple(optional_prefixes)
    missing = [k for k in expected if k not in state and not k.startswith(optional)]
    if missing:
        more = f" (and {len(missing) - 5} more)" if len(missing) > 5 else ""
        raise CheckpointError(f"{source} is missing inference key {missing[0]!r}{more}: "
                              f"missing: {', '.join(missing[:5])}")
    unexpected = [k for k in state if k not in expected and not is_dropped_key(k) and k not in SCHEDULE_BUFFERS]
    if unexpected:
        more = f" (and {len(unexpected) - 5} more)" if len(unexpected) > 5 else ""
        raise CheckpointError(f"{source} has unexpected key {unexpected[0]!r}{more}; it is neither part of the "
                              f"model nor covered by the documented drop rules")
    for k, shape in expected.items():
        if k in state and tuple(state[k].shape) != tuple(shape):
            raise CheckpointError(f"{source}: key {k!r} has shape {list(state[k].shape)}, expected {list(shape)}")
    return {k: v for k, v in state.items() if k in expected}


def load_into(model: torch.nn.Module, path: Path, optional_prefixes: Iterable[str] = ("optimus.encoder.",)) -> None:
    expected = {k: v.shape for k, v in model.state_dict().items()}
    state = check_state_dict(read_state_dict(path), expected, str(path), optional_prefixes)
    model.load_state_dict(state, strict=False)
