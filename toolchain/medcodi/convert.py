"""Convert the authors' MedCoDi-M checkpoint into a model folder the studio runs (issue 6).

    python -m medcodi.convert --checkpoint ~/MedCoDi-M/Weights/MedCoDi-M.pt \\
        --clip-tokenizer ~/clip-vit-large-patch14 --gpt2-tokenizer ~/MedCoDi-M/core/models/latent_diffusion/vae/vocab \\
        --out ../public/models/medcodi-m --manifest ../models-manifest.json

Steps (docs/converting-official-weights.md):
 1. Read the checkpoint lazily (only the pickled index; tensor bytes are read per component from the zip) and
    check every key against the `full` config: a missing inference key, an unexpected key (neither produced nor
    covered by a documented drop rule), a wrong shape or a truncated/corrupt file stops the run with a message
    naming the key or file. The DDPM schedule buffers are compared with the schedule the manifest declares.
 2. Per component (CLIP, frontal UNet, lateral UNet, text UNet, VAE decoder, GPT-2): build it on the CPU, load its
    slice of the checkpoint strictly, print its parameter count per part next to spec §8, export its graphs
    (spec §6.1, docs/model-contract.md) at fp32 with onnxruntime parity (max |ort - torch| / max |torch| <= 1e-4),
    derive the shipped variants, measure their error against PyTorch, free everything.
 3. Variant profiles (one id across the model, as the studio selects them):
      q4f16  fp16 CLIP, VAE decoder, image UNets/env; 4-bit MatMulNBits text UNet/env and GPT-2 (fp16 activations)
             -> needs WebGPU shader-f16
      q4     fp32 CLIP and VAE decoder; 8-bit MatMulNBits image UNets/env (the fp32 joint graph would exceed the
             4 GB session limit); 4-bit text UNet/env and GPT-2 (fp32 activations)
      fp32   every graph fp32 (--keep-fp32; listed only where every session stays under the limit)
    Every file stays under 2 GB (external data split over several files), every session under 4 GB.
 4. Unconditional embeddings from the converted weights (u_txt = clip_text(""), u_img = clip_vision(zeros)),
    tokenizer.json files built from the user's CLIP and GPT-2 vocab/merges, and the manifest entry (bytes, sha256,
    requirements) written to the manifest the user names.

`--write-synthetic PATH` writes a checkpoint in the official layout with random weights (plus stand-in tokenizer
files) — the proof without the real weights (tests/test_convert.py uses the width-scaled config).
"""
from __future__ import annotations

import argparse
import collections
import gc
import gzip
import hashlib
import io
import json
import math
import os
import pickle
import resource
import shutil
import time
import weakref
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np
import onnx
import onnxruntime as ort
import torch
import torch.nn as nn

from . import export as export_module
from . import quantize as Q
from .checkpoint import SCHEDULE_BUFFERS, CheckpointError, check_state_dict
from .config import (FULL, ClipTextConfig, ClipVisionConfig, ModelConfig, OptimusConfig, UNet2DConfig,
                     UNetTextConfig, VAEConfig)
from .export import MODALITY_OF, GraphSpec, file_entry, manifest_model_fields, onnx_io, sha256_file
from .graph_passes import exact_trig
from .model.clip import Clip, is_dropped_clip_key
from .model.diffusion import make_schedule
from .model.graphs_ae import (ClipTextGraph, ClipVisionGraph, Gpt2InitGraph, Gpt2StepGraph, VaeDecoderGraph,
                              GRAPH_IO as AE_IO)
from .model.keymap import drop_reason as denoiser_drop_reason
from .model.optimus import OptimusBertEncoder, OptimusGPT2Decoder
from .model.unet import GRAPH_IO as UNET_IO, UNet2D, UNetGraph, UNetText
from .model.vae import Decoder as VaeDecoderNet, Encoder as VaeEncoderNet, is_dropped_vae_key

# Every key and shape of the official checkpoint (CLIP aside): a copy of the team's shared reference, shipped with
# the package so conversion and its tests never depend on a folder outside the repo (test_convert checks the copy
# against ../shared/reference when that exists).
REF_KEYS = Path(__file__).resolve().parent / "data" / "medcodi-m-state-dict-keys.json.gz"
SHARED_REF_KEYS = Path(__file__).resolve().parents[3] / "shared" / "reference" / "medcodi-m-state-dict-keys.json.gz"

FP32_REL_TOL = 1e-4

# ---------------------------------------------------------------------------------------------------------------
# configs: `full` (the official checkpoint) and `width-scaled` (same key names, small shapes; for CI)

# Stand-in tokenizer sizes of the width-scaled config (write_standin_tokenizers builds files of exactly this size).
STANDIN_CLIP_VOCAB = 640     # 512 byte tokens (+ '</w>' forms) + 126 merges + <|startoftext|>, <|endoftext|>
STANDIN_GPT2_BASE = 320      # 256 byte tokens + 63 merges + <|endoftext|>; + <PAD>, <BOS>, <EOS>

WIDTH_SCALED = ModelConfig(
    name="width-scaled",
    image_size=64,
    schedule=FULL.schedule,
    # Same layer/block counts as FULL (so every key name is the official one); only widths (shapes) differ.
    clip_text=ClipTextConfig(vocab_size=STANDIN_CLIP_VOCAB, hidden_size=32, num_layers=12, num_heads=4,
                             intermediate_size=64, max_position_embeddings=77, projection_dim=32,
                             bos_token_id=STANDIN_CLIP_VOCAB - 2, eos_token_id=STANDIN_CLIP_VOCAB - 1),
    clip_vision=ClipVisionConfig(image_size=28, patch_size=14, hidden_size=32, num_layers=24, num_heads=4,
                                 intermediate_size=64, projection_dim=32),
    unet_image=UNet2DConfig(model_channels=16, context_dim=32, norm_groups=8),
    unet_text=UNetTextConfig(latent_dim=32, model_channels=16, context_dim=32, norm_groups=8),
    vae=VAEConfig(ch=16, resolution=64, norm_groups=8),
    optimus=OptimusConfig(vocab_size=STANDIN_GPT2_BASE + 3, n_embd=32, n_layer=12, n_head=4, n_positions=128,
                          latent_size=32, pad_token_id=STANDIN_GPT2_BASE, bos_token_id=STANDIN_GPT2_BASE + 1,
                          eos_token_id=STANDIN_GPT2_BASE + 2, bert_vocab_size=128, bert_hidden=32, bert_layers=12,
                          bert_heads=4, bert_intermediate=64, bert_max_positions=64),
)
CONVERT_CONFIGS = {"full": FULL, "width-scaled": WIDTH_SCALED}

# spec §8 (and §1.1-1.9): parameter counts per component part of the official checkpoint
SPEC_COUNTS: Dict[str, Dict[str, int]] = {
    "clip": {"text_model": 123_060_480, "text_projection": 589_824, "vision_model": 303_179_776,
             "visual_projection": 786_432, "logit_scale": 1},
    "unet_frontal": {"time_embed": 2_050_560, "core": 857_470_404, "connectors": 243_947_200, "env": 52_352_800},
    "unet_lateral": {"time_embed": 2_050_560, "core": 857_470_404, "connectors": 243_947_200, "env": 52_352_800},
    "unet_text": {"time_embed": 2_050_560, "core": 1_706_797_888, "connectors": 243_947_200, "env": 95_589_760,
                  "total": 2_048_385_408},
    "vae": {"decoder": 49_490_179, "post_quant_conv": 20},
    "gpt2": {"total": 132_109_824},
    "vae_encoder": {"encoder": 34_163_592, "quant_conv": 72},
    "bert": {"total": 109_489_920},
}
# parameters the drop rules remove (spec §1.5, §1.7, §1.2)
SPEC_DROPPED = {"unet_frontal": 616_963_283, "unet_lateral": 616_963_283, "autokl": 18_297_600}

# ---------------------------------------------------------------------------------------------------------------
# components and the key plan

INFERENCE_COMPONENTS = ("clip", "unet_frontal", "unet_lateral", "unet_text", "vae", "gpt2")
TRAINING_ONLY = ("vae_encoder", "bert")      # shape-checked when present, never converted (spec §1.10)
PREFIX = {
    "clip": "clip.model.",
    "unet_frontal": "model.diffusion_model.unet_frontal.",
    "unet_lateral": "model.diffusion_model.unet_lateral.",
    "unet_text": "model.diffusion_model.unet_text.",
    "vae": "autokl.",
    "vae_encoder": "autokl.",
    "gpt2": "optimus.decoder.",
    "bert": "optimus.encoder.",
}
OPTIONAL_PREFIXES = ("optimus.encoder.", "autokl.encoder.", "autokl.quant_conv.")


class VaeDecoderOnly(nn.Module):
    """The inference half of `autokl`: `decoder.*` and `post_quant_conv.*` (AutoencoderKL.decode)."""

    def __init__(self, cfg: VAEConfig, device=None):
        super().__init__()
        self.decoder = VaeDecoderNet(cfg, device)
        self.post_quant_conv = nn.Conv2d(cfg.embed_dim, cfg.z_channels, 1, device=device)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.post_quant_conv(z))


class VaeEncoderOnly(nn.Module):
    """The training half of `autokl`: `encoder.*` and `quant_conv.*` (not converted)."""

    def __init__(self, cfg: VAEConfig, device=None):
        super().__init__()
        self.encoder = VaeEncoderNet(cfg, device)
        self.quant_conv = nn.Conv2d(2 * cfg.z_channels, 2 * cfg.embed_dim, 1, device=device)


def build_component(name: str, cfg: ModelConfig, device) -> nn.Module:
    if name == "clip":
        return Clip(cfg.clip_text, cfg.clip_vision, device=device)
    if name in ("unet_frontal", "unet_lateral"):
        return UNet2D(cfg.unet_image, device=device)
    if name == "unet_text":
        return UNetText(cfg.unet_text, device=device)
    if name == "vae":
        return VaeDecoderOnly(cfg.vae, device=device)
    if name == "vae_encoder":
        return VaeEncoderOnly(cfg.vae, device=device)
    if name == "gpt2":
        return OptimusGPT2Decoder(cfg.optimus, device=device)
    if name == "bert":
        return OptimusBertEncoder(cfg.optimus, device=device)
    raise KeyError(name)


def key_plan(cfg: ModelConfig) -> "collections.OrderedDict[str, Tuple[str, Tuple[int, ...]]]":
    """Every checkpoint key the converter reads: full key -> (component, shape). Built on the meta device."""
    plan: "collections.OrderedDict[str, Tuple[str, Tuple[int, ...]]]" = collections.OrderedDict()
    for comp in INFERENCE_COMPONENTS + TRAINING_ONLY:
        m = build_component(comp, cfg, torch.device("meta"))
        for k, v in m.state_dict().items():
            plan[PREFIX[comp] + k] = (comp, tuple(v.shape))
    return plan


def classify_key(key: str, plan: Dict[str, Tuple[str, tuple]]) -> Tuple[str, str]:
    """('convert', component) | ('training-only', component) | ('schedule', why) | ('dropped', rule) |
    ('unexpected', '') for one checkpoint key."""
    if key in plan:
        comp = plan[key][0]
        return ("convert" if comp in INFERENCE_COMPONENTS else "training-only"), comp
    if key in SCHEDULE_BUFFERS:
        return "schedule", "DDPM schedule buffer: compared with the manifest's schedule, not converted"
    r = denoiser_drop_reason(key)
    if r:
        return "dropped", r
    if is_dropped_vae_key(key):
        return "dropped", "VAE decoder video frame-shift layer: runs only when num_frames > 1 (spec §1.7)"
    if is_dropped_clip_key(key):
        return "dropped", "CLIP position_ids buffer or vision temporal layer: unused for still images (spec §1.2)"
    return "unexpected", ""


def load_reference_keys(path: Path = REF_KEYS) -> Dict[str, Tuple[int, ...]]:
    with gzip.open(path, "rt") as f:
        return {k: tuple(s) for k, s, _ in json.load(f)}


def coverage(ref: Dict[str, Tuple[int, ...]], cfg: ModelConfig = FULL) -> dict:
    """How the converter accounts for each key of the official reference list: counts per class, and the
    problems (reference keys unexpected or of another shape; plan keys of non-CLIP components not in the list)."""
    plan = key_plan(cfg)
    counts: Dict[str, int] = collections.Counter()
    params: Dict[str, int] = collections.Counter()
    problems: List[str] = []
    for k, shape in ref.items():
        cls, what = classify_key(k, plan)
        counts[cls] += 1
        owner = k.split(".")[2] if k.startswith("model.diffusion_model.") else k.split(".")[0]
        params[f"{cls}:{what if cls in ('convert', 'training-only') else owner}"] += int(np.prod(shape))
        if cls == "unexpected":
            problems.append(f"reference key {k!r} is neither converted nor covered by a drop rule")
        elif cls in ("convert", "training-only") and tuple(plan[k][1]) != tuple(shape):
            problems.append(f"reference key {k!r}: reference shape {list(shape)}, converter expects {list(plan[k][1])}")
    for k, (comp, _) in plan.items():
        if comp != "clip" and k not in ref:        # the reference list has no CLIP keys (spec §8)
            problems.append(f"converter key {k!r} ({comp}) is not in the reference list")
    return {"counts": dict(counts), "params": dict(params), "problems": problems}


# ---------------------------------------------------------------------------------------------------------------
# lazy checkpoint reading (torch zip format): index from data.pkl, tensor bytes per key on demand

_STORAGE_DTYPES = {
    "FloatStorage": torch.float32, "HalfStorage": torch.float16, "BFloat16Storage": torch.bfloat16,
    "DoubleStorage": torch.float64, "LongStorage": torch.int64, "IntStorage": torch.int32,
    "ShortStorage": torch.int16, "CharStorage": torch.int8, "ByteStorage": torch.uint8, "BoolStorage": torch.bool,
}


class _StorageType:
    def __init__(self, name: str):
        self.name, self.dtype = name, _STORAGE_DTYPES[name]


@dataclass
class _LazyStorage:
    key: str
    dtype: torch.dtype
    numel: int


@dataclass
class LazyTensor:
    storage: _LazyStorage
    offset: int
    size: Tuple[int, ...]
    stride: Tuple[int, ...]

    @property
    def shape(self) -> torch.Size:
        return torch.Size(self.size)

    @property
    def dtype(self) -> torch.dtype:
        return self.storage.dtype

    def numel(self) -> int:
        return int(np.prod(self.size)) if self.size else 1


def _rebuild_lazy(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None, metadata=None):
    return LazyTensor(storage, int(storage_offset), tuple(int(s) for s in size), tuple(int(s) for s in stride))


def _rebuild_param(data, requires_grad=False, backward_hooks=None, *state):
    return data


class _IndexUnpickler(pickle.Unpickler):
    """Unpickles data.pkl without reading any tensor bytes and without importing arbitrary code: only
    OrderedDict, tensor/parameter rebuilds and storage types are allowed unless `trust` is set."""

    SAFE = {("collections", "OrderedDict"): collections.OrderedDict, ("torch", "Size"): torch.Size,
            ("torch._utils", "_rebuild_tensor_v2"): _rebuild_lazy,
            ("torch._utils", "_rebuild_parameter"): _rebuild_param,
            ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_param,
            ("builtins", "set"): set, ("builtins", "frozenset"): frozenset, ("builtins", "slice"): slice}

    def __init__(self, f, source: str, trust: bool):
        super().__init__(f)
        self.source, self.trust = source, trust

    def find_class(self, module, name):
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(name)
        if (module, name) in self.SAFE:
            return self.SAFE[(module, name)]
        if self.trust:
            return super().find_class(module, name)
        raise CheckpointError(f"checkpoint {self.source} pickles {module}.{name}, which a plain state dict never "
                              f"does; refusing to import it (pass --trust-pickle if you trust the file)")

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and pid and pid[0] == "storage"):
            raise CheckpointError(f"checkpoint {self.source}: unknown persistent id {pid!r}")
        _, stype, key, _location, numel = pid
        dtype = stype.dtype if isinstance(stype, _StorageType) else getattr(stype, "dtype", None)
        if dtype is None:
            raise CheckpointError(f"checkpoint {self.source}: unsupported storage type {stype!r}")
        return _LazyStorage(str(key), dtype, int(numel))


class LazyCheckpoint:
    """A torch zip checkpoint whose tensors are read one key at a time (peak memory = the component being
    converted, not the 27 GB file). `tensors` maps each state-dict key to a LazyTensor with `.shape`."""

    def __init__(self, path: Path, trust_pickle: bool = False):
        self.path = Path(path)
        if not self.path.exists():
            raise CheckpointError(f"checkpoint not found: {self.path}")
        size = self.path.stat().st_size
        if size == 0:
            raise CheckpointError(f"checkpoint {self.path} is empty (0 bytes)")
        try:
            self.zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError, EOFError) as e:
            with open(self.path, "rb") as f:
                head = f.read(4)
            what = ("truncated or damaged (its zip directory is missing)" if head[:2] == b"PK"
                    else "not a torch zip checkpoint (legacy format? re-save it with torch >= 1.6, or pass "
                         "--eager-load to read it whole, which needs about its size in memory)")
            raise CheckpointError(f"checkpoint {self.path} ({size} bytes) is {what}: {type(e).__name__}: {e}") from e
        pkl = [n for n in self.zip.namelist() if n.endswith("data.pkl") and n.count("/") == 1]
        if not pkl:
            raise CheckpointError(f"checkpoint {self.path} has no data.pkl record; not a torch checkpoint")
        self.prefix = pkl[0][: -len("data.pkl")]
        bo = self.prefix + "byteorder"
        if bo in self.zip.namelist() and self.zip.read(bo).decode().strip() != "little":
            raise CheckpointError(f"checkpoint {self.path} was written big-endian; not supported")
        try:
            obj = _IndexUnpickler(io.BytesIO(self.zip.read(pkl[0])), str(self.path), trust_pickle).load()
        except CheckpointError:
            raise
        except Exception as e:  # noqa: BLE001 - any failure here means a damaged index
            raise CheckpointError(f"checkpoint {self.path}: cannot read its index data.pkl "
                                  f"({type(e).__name__}: {e}); the file is damaged") from e
        if isinstance(obj, dict) and isinstance(obj.get("state_dict"), dict):
            obj = obj["state_dict"]
        if not isinstance(obj, dict):
            raise CheckpointError(f"checkpoint {self.path} does not hold a state dict (got {type(obj).__name__})")
        bad = [k for k, v in obj.items() if not isinstance(k, str) or not isinstance(v, LazyTensor)]
        if bad:
            raise CheckpointError(f"checkpoint {self.path}: entry {bad[0]!r} is not a tensor; expected a state dict")
        self.tensors: Dict[str, LazyTensor] = dict(obj)
        self._cache: Dict[str, torch.Tensor] = {}

    def verify(self) -> None:
        """Every storage record exists with the size its tensors need (a cut or damaged file fails here, before
        any conversion work)."""
        names = {i.filename: i for i in self.zip.infolist()}
        for key, t in self.tensors.items():
            st = t.storage
            info = names.get(f"{self.prefix}data/{st.key}")
            need = st.numel * torch.empty((), dtype=st.dtype).element_size()
            if info is None:
                raise CheckpointError(f"checkpoint {self.path}: the data of {key!r} (record data/{st.key}) is "
                                      f"missing; the file is truncated or damaged")
            if info.file_size != need:
                raise CheckpointError(f"checkpoint {self.path}: record data/{st.key} of {key!r} has "
                                      f"{info.file_size} bytes, {need} expected; the file is truncated or damaged")
            end = t.offset + sum((s - 1) * d for s, d in zip(t.size, t.stride)) + 1 if t.numel() else 0
            if end > st.numel:
                raise CheckpointError(f"checkpoint {self.path}: tensor {key!r} reaches past its storage")

    def keys(self):
        return self.tensors.keys()

    def _storage(self, st: _LazyStorage, key: str) -> torch.Tensor:
        if st.key in self._cache:
            return self._cache[st.key]
        name = f"{self.prefix}data/{st.key}"
        try:
            info = self.zip.getinfo(name)
            buf = bytearray(info.file_size)
            with self.zip.open(info) as f:
                n = f.readinto(memoryview(buf))
                while n < len(buf):
                    got = f.readinto(memoryview(buf)[n:])
                    if not got:
                        break
                    n += got
            if n != len(buf):
                raise EOFError(f"read {n} of {len(buf)} bytes")
        except (zipfile.BadZipFile, EOFError, OSError, KeyError) as e:
            raise CheckpointError(f"checkpoint {self.path}: cannot read the data of {key!r} (record data/{st.key}): "
                                  f"{type(e).__name__}: {e}; the file is truncated or damaged") from e
        t = torch.frombuffer(buf, dtype=st.dtype) if len(buf) else torch.empty(0, dtype=st.dtype)
        self._cache[st.key] = t
        return t

    def load(self, key: str) -> torch.Tensor:
        lt = self.tensors[key]
        flat = self._storage(lt.storage, key)
        return flat.as_strided(lt.size, lt.stride, lt.offset)

    def release(self) -> None:
        self._cache.clear()

    def close(self) -> None:
        self.release()
        self.zip.close()


class EagerCheckpoint:
    """--eager-load: torch.load of the whole file (legacy, non-zip checkpoints). Needs about the file's size in RAM."""

    def __init__(self, path: Path):
        from .checkpoint import read_state_dict
        self.path = Path(path)
        self.tensors = read_state_dict(self.path)

    def verify(self) -> None:
        pass

    def keys(self):
        return self.tensors.keys()

    def load(self, key: str) -> torch.Tensor:
        return self.tensors[key]

    def release(self) -> None:
        pass

    def close(self) -> None:
        self.tensors = {}


# ---------------------------------------------------------------------------------------------------------------
# synthetic checkpoint in the official layout (random weights) + stand-in tokenizer files

def _schedule_buffers(cfg: ModelConfig) -> Dict[str, torch.Tensor]:
    """The DDPM buffers sd.py registers (spec §1.0), from the same schedule (float64 maths, stored float32)."""
    s = make_schedule(cfg.schedule)
    b = s.betas.double()
    ac = torch.from_numpy(s.alphas_cumprod_f64)
    acp = torch.cat([torch.ones(1, dtype=torch.float64), ac[:-1]])
    pv = b * (1 - acp) / (1 - ac)
    out = {"betas": b, "alphas_cumprod": ac, "alphas_cumprod_prev": acp, "sqrt_alphas_cumprod": ac.sqrt(),
           "sqrt_one_minus_alphas_cumprod": (1 - ac).sqrt(), "log_one_minus_alphas_cumprod": (1 - ac).log(),
           "sqrt_recip_alphas_cumprod": (1 / ac).sqrt(), "sqrt_recipm1_alphas_cumprod": (1 / ac - 1).sqrt(),
           "posterior_variance": pv, "posterior_log_variance_clipped": pv.clamp(min=1e-20).log(),
           "posterior_mean_coef1": b * acp.sqrt() / (1 - ac), "posterior_mean_coef2": (1 - acp) * (1 - b).sqrt() / (1 - ac)}
    return {k: v.float() for k, v in out.items()}


def _key_seed(seed: int, key: str) -> int:
    return (seed * 1_000_003 + int(hashlib.sha256(key.encode()).hexdigest()[:12], 16)) % (2 ** 63)


def synthetic_tensor(key: str, shape: Sequence[int], seed: int = 0, dtype=torch.float32) -> torch.Tensor:
    """Deterministic random weights with sensible scales (so every graph has non-trivial outputs):
    matrices/kernels N(0, 1/fan_in), norm weights 1 + N(0, 0.1^2), biases and other vectors N(0, 0.05^2)."""
    shape = tuple(int(s) for s in shape)
    if key.endswith("position_ids"):
        return torch.arange(int(np.prod(shape)), dtype=torch.int64).reshape(shape)
    if key.startswith("optimus.decoder.") and key.endswith(".attn.bias"):
        n = shape[-1]
        return torch.tril(torch.ones(n, n)).reshape(shape).to(dtype)
    if key.endswith("logit_scale"):
        return torch.full(shape, math.log(1 / 0.07), dtype=dtype)
    g = torch.Generator().manual_seed(_key_seed(seed, key))
    x = torch.randn(shape, generator=g, dtype=torch.float32)
    if len(shape) >= 2:
        conv1d = key.startswith("optimus.decoder.") and key.rsplit(".", 2)[-2] in ("c_attn", "c_proj", "c_fc")
        fan_in = shape[0] if conv1d else int(np.prod(shape[1:]))
        x = x / math.sqrt(max(fan_in, 1))
    elif key.endswith("weight"):
        x = 1.0 + 0.1 * x
    else:
        x = 0.05 * x
    return x.to(dtype)


class _SynStorage:
    def __init__(self, key: str, numel: int, dtype: torch.dtype):
        self.key, self.numel, self.dtype = key, numel, dtype


class _SynTensor:
    def __init__(self, storage: _SynStorage, size: Sequence[int]):
        self.storage, self.size = storage, tuple(int(s) for s in size)

    def __reduce__(self):
        stride, acc = [], 1
        for d in reversed(self.size):
            stride.insert(0, acc)
            acc *= d
        return (torch._utils._rebuild_tensor_v2,
                (self.storage, 0, torch.Size(self.size), tuple(stride), False, collections.OrderedDict()))


class _SynPickler(pickle.Pickler):
    _TYPES = {v: k for k, v in _STORAGE_DTYPES.items()}

    def persistent_id(self, obj):
        if isinstance(obj, _SynStorage):
            return ("storage", getattr(torch, self._TYPES[obj.dtype]), obj.key, "cpu", obj.numel)
        return None


def synthetic_entries(cfg: ModelConfig, ref: Optional[Dict[str, Tuple[int, ...]]] = None
                      ) -> List[Tuple[str, Tuple[int, ...], torch.dtype, Optional[str]]]:
    """(key, shape, dtype, alias_of) of an official-layout checkpoint for `cfg`: every planned key (inference and
    training-only), GPT-2's lm_head sharing wte's storage, the reference list's dropped temporal/video keys (their
    reference shapes at full size, shrunk otherwise), CLIP's position_ids buffers and one stand-in tensor per
    vision temporal block (the real names are not in the reference list; the rule is `vision_model.*temporal`),
    and the DDPM schedule buffers."""
    plan = key_plan(cfg)
    full = cfg is FULL
    out: List[Tuple[str, Tuple[int, ...], torch.dtype, Optional[str]]] = []
    for k, (_, shape) in plan.items():
        alias = "optimus.decoder.transformer.wte.weight" if k == "optimus.decoder.lm_head.weight" else None
        out.append((k, shape, torch.float32, alias))
    if ref is not None:
        for k, shape in ref.items():
            if k not in plan and k not in SCHEDULE_BUFFERS:
                out.append((k, tuple(shape) if full else tuple(min(int(d), 4) for d in shape), torch.float32, None))
    ct, cv = cfg.clip_text, cfg.clip_vision
    out.append(("clip.model.text_model.embeddings.position_ids", (1, ct.max_position_embeddings), torch.int64, None))
    out.append(("clip.model.vision_model.embeddings.position_ids",
                (1, (cv.image_size // cv.patch_size) ** 2 + 1), torch.int64, None))
    per_layer = 12_917_946 if full else 8          # spec §1.2: unused temporal params per vision layer
    for i in range(cv.num_layers):
        out.append((f"clip.model.vision_model.encoder.layers.{i}.temporal_attn.synthetic_stand_in", (per_layer,),
                    torch.float32, None))
    for k in _schedule_buffers(cfg):
        out.append((k, (cfg.schedule.num_train_timesteps,), torch.float32, None))
    return out


def write_synthetic_checkpoint(path: Path, cfg: ModelConfig, ref: Optional[Dict[str, Tuple[int, ...]]] = None,
                               seed: int = 0, drop: Iterable[str] = (), extra: Optional[Dict[str, tuple]] = None,
                               reshape: Optional[Dict[str, tuple]] = None,
                               values: Optional[Dict[str, torch.Tensor]] = None) -> dict:
    """Streams a torch-loadable zip checkpoint (one tensor in memory at a time, so the full-size 27 GB file can
    be written on a small machine). `drop`/`extra`/`reshape`/`values` make broken variants for the refusal
    tests (`values` replaces a key's data)."""
    drop, extra, reshape, values = set(drop), dict(extra or {}), dict(reshape or {}), dict(values or {})
    entries = [(k, reshape.get(k, s), dt, a) for k, s, dt, a in synthetic_entries(cfg, ref) if k not in drop]
    entries += [(k, tuple(s), torch.float32, None) for k, s in extra.items()]
    sched = _schedule_buffers(cfg)
    storages: Dict[str, _SynStorage] = {}
    index = collections.OrderedDict()
    for i, (k, shape, dt, alias) in enumerate(entries):
        if alias is not None and alias in storages and alias not in drop:
            st = storages[alias]
        else:
            st = _SynStorage(str(i), int(np.prod(shape)) if shape else 1, dt)
        storages[k] = st
        index[k] = _SynTensor(st, shape)
    buf = io.BytesIO()
    _SynPickler(buf, protocol=2).dump(index)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    written, nbytes = set(), 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED, allowZip64=True) as z:
        z.writestr("archive/data.pkl", buf.getvalue())
        z.writestr("archive/byteorder", "little")
        for k, shape, dt, alias in entries:
            st = storages[k]
            if st.key in written:
                continue
            if k in values:
                t = values[k].to(dt).reshape(shape)
            elif k in sched and tuple(shape) == tuple(sched[k].shape):
                t = sched[k].reshape(shape)
            else:
                t = synthetic_tensor(k, shape, seed, dt)
            data = t.contiguous().numpy().tobytes()
            with z.open(f"archive/data/{st.key}", "w", force_zip64=True) as f:
                f.write(data)
            written.add(st.key)
            nbytes += len(data)
            del t, data
        z.writestr("archive/version", "3\n")
    return {"path": str(path), "keys": len(entries), "tensorBytes": nbytes}


# -- tokenizers ---------------------------------------------------------------------------------------------------

def bytes_to_unicode() -> Dict[int, str]:
    """GPT-2/CLIP byte-level alphabet: printable latin-1 bytes map to themselves, the rest to U+0100 onwards."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    out, n = {}, 0
    for b in range(256):
        if b in keep:
            out[b] = chr(b)
        else:
            out[b] = chr(256 + n)
            n += 1
    return out


_STANDIN_WORDS = ("the heart size is normal lungs are clear there is no pleural effusion or pneumothorax mild "
                  "cardiomegaly with small left basal atelectasis stable mediastinal contour no focal consolidation "
                  "right upper lobe opacity unchanged since prior examination degenerative changes of the spine").split()


def _standin_merges(words: Sequence[str], alphabet: Dict[int, str], suffix: str, prefix: str, count: int):
    merges, vocab_new = [], []
    seen = set()
    for w in words:
        syms = [alphabet[b] for b in (prefix + w).encode("utf-8")]
        if suffix:
            syms[-1] = syms[-1] + suffix
        cur = syms[0]
        for s in syms[1:]:
            pair = (cur, s)
            cur = cur + s
            if pair not in seen:
                seen.add(pair)
                merges.append(pair)
                vocab_new.append(cur)
            if len(merges) == count:
                return merges, vocab_new
    raise ValueError(f"stand-in corpus too small for {count} merges")


def write_standin_tokenizers(out_dir: Path) -> Tuple[Path, Path]:
    """Tiny vocab.json/merges.txt pairs in the Hugging Face formats of openai/clip-vit-large-patch14 (byte-level
    BPE with '</w>' word ends, specials last) and GPT-2 (byte-level BPE, 'Ġ' marks a leading space,
    <|endoftext|> last). Sizes match WIDTH_SCALED. Returns (clip_dir, gpt2_dir)."""
    alpha = bytes_to_unicode()
    chars = [alpha[b] for b in range(256)]
    clip_dir, gpt2_dir = Path(out_dir) / "clip", Path(out_dir) / "gpt2"
    clip_dir.mkdir(parents=True, exist_ok=True)
    gpt2_dir.mkdir(parents=True, exist_ok=True)
    n_clip = STANDIN_CLIP_VOCAB - 512 - 2
    merges, new = _standin_merges(_STANDIN_WORDS, alpha, "</w>", "", n_clip)
    vocab = chars + [c + "</w>" for c in chars] + new + ["<|startoftext|>", "<|endoftext|>"]
    assert len(vocab) == len(set(vocab)) == STANDIN_CLIP_VOCAB
    (clip_dir / "vocab.json").write_text(json.dumps({t: i for i, t in enumerate(vocab)}, ensure_ascii=False))
    (clip_dir / "merges.txt").write_text("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges))
    n_gpt2 = STANDIN_GPT2_BASE - 256 - 1
    merges, new = _standin_merges(_STANDIN_WORDS, alpha, "", " ", n_gpt2)
    vocab = chars + new + ["<|endoftext|>"]
    assert len(vocab) == len(set(vocab)) == STANDIN_GPT2_BASE
    (gpt2_dir / "vocab.json").write_text(json.dumps({t: i for i, t in enumerate(vocab)}, ensure_ascii=False))
    (gpt2_dir / "merges.txt").write_text("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges))
    return clip_dir, gpt2_dir


def _tokenizer_files(d: Path, names: Sequence[Tuple[str, str]]) -> Tuple[Path, Path]:
    d = Path(d)
    for v, m in names:
        if (d / v).exists() and (d / m).exists():
            return d / v, d / m
    raise SystemExit(f"tokenizer folder {d} lacks {' / '.join(f'{v} + {m}' for v, m in names)}")


def _read_bpe(vocab_path: Path, merges_path: Path):
    vocab = json.loads(Path(vocab_path).read_text(encoding="utf-8"))
    merges = []
    for line in Path(merges_path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#version"):
            continue
        a, b = line.split(" ")
        merges.append((a, b))
    return vocab, merges


def build_clip_tokenizer(folder: Path, cfg: ClipTextConfig):
    """tokenizer.json equivalent to Hugging Face CLIPTokenizerFast for openai/clip-vit-large-patch14: NFC,
    whitespace runs -> one space, lower-case; CLIP's split regex; byte-level BPE with '</w>' word ends;
    <|startoftext|>/<|endoftext|> special. (The slow tokenizer's ftfy repair is not reproduced.)"""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
    vocab, merges = _read_bpe(*_tokenizer_files(folder, [("vocab.json", "merges.txt")]))
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges, unk_token="<|endoftext|>", end_of_word_suffix="</w>",
                               continuing_subword_prefix="", fuse_unk=False))
    tok.normalizer = normalizers.Sequence([normalizers.NFC(), normalizers.Replace(Regex(r"\s+"), " "),
                                           normalizers.Lowercase()])
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]"
                                   r"|[^\s\p{L}\p{N}]+"), behavior="removed", invert=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens([AddedToken("<|startoftext|>", special=True, normalized=False),
                            AddedToken("<|endoftext|>", special=True, normalized=False)])
    size = tok.get_vocab_size(with_added_tokens=True)
    bos, eos = tok.token_to_id("<|startoftext|>"), tok.token_to_id("<|endoftext|>")
    if (size, bos, eos) != (cfg.vocab_size, cfg.bos_token_id, cfg.eos_token_id):
        raise SystemExit(f"CLIP tokenizer in {folder}: {size} tokens, <|startoftext|>={bos}, <|endoftext|>={eos}; the "
                         f"model needs {cfg.vocab_size}, {cfg.bos_token_id}, {cfg.eos_token_id} "
                         f"(the files of openai/clip-vit-large-patch14)")
    return tok


def build_gpt2_tokenizer(folder: Path, cfg: OptimusConfig):
    """GPT-2 byte-level BPE (a space is prepended, spec §2.4) + <PAD>, <BOS>, <EOS> appended (official ids
    50257-50259)."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers
    vocab, merges = _read_bpe(*_tokenizer_files(folder, [("gpt2-vocab.json", "gpt2-merges.txt"),
                                                         ("vocab.json", "merges.txt")]))
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges, fuse_unk=False))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=True)
    tok.decoder = decoders.ByteLevel()
    if "<|endoftext|>" in vocab:
        tok.add_special_tokens([AddedToken("<|endoftext|>", special=True, normalized=False)])
    base = tok.get_vocab_size(with_added_tokens=True)
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in ("<PAD>", "<BOS>", "<EOS>")])
    ids = [tok.token_to_id(t) for t in ("<PAD>", "<BOS>", "<EOS>")]
    want = [cfg.pad_token_id, cfg.bos_token_id, cfg.eos_token_id]
    if ids != want or tok.get_vocab_size(with_added_tokens=True) != cfg.vocab_size:
        raise SystemExit(f"GPT-2 tokenizer in {folder}: {base} base tokens, <PAD>/<BOS>/<EOS> = {ids}; the model "
                         f"needs {want} and {cfg.vocab_size} tokens (the gpt2 vocab of the official repo)")
    return tok


# ---------------------------------------------------------------------------------------------------------------
# graphs of a component

FAMILY = {"clip_text": "clip", "clip_vision": "clip", "vae_decoder": "vae", "gpt2_init": "gpt2", "gpt2_step": "gpt2"}
for _v in ("frontal", "lateral"):
    for _g in (f"unet_{_v}", f"unet_{_v}_joint", f"env_{_v}"):
        FAMILY[_g] = "unet_image"
for _g in ("unet_text", "unet_text_joint", "env_text"):
    FAMILY[_g] = "unet_text"

# variant profiles: family -> format (see the module docstring)
PROFILES: Dict[str, Dict[str, str]] = {
    "q4f16": {"clip": "fp16", "vae": "fp16", "unet_image": "fp16", "unet_text": "q4f16", "gpt2": "q4f16"},
    "q4": {"clip": "fp32", "vae": "fp32", "unet_image": "q8", "unet_text": "q4", "gpt2": "q4"},
    "fp32": {f: "fp32" for f in ("clip", "vae", "unet_image", "unet_text", "gpt2")},
}
GRAPH_ORDER = ["clip_text", "clip_vision", "unet_frontal", "unet_frontal_joint", "env_frontal", "unet_lateral",
               "unet_lateral_joint", "env_lateral", "unet_text", "unet_text_joint", "env_text", "vae_decoder",
               "gpt2_init", "gpt2_step"]
# graphs per studio task (spec §5), for the memory requirement
TASKS = {
    "T>F": ["clip_text", "unet_frontal", "vae_decoder"],
    "F>L": ["clip_vision", "unet_lateral", "vae_decoder"],
    "F>T": ["clip_vision", "unet_text", "gpt2_init", "gpt2_step"],
    "F+T>L": ["clip_text", "clip_vision", "unet_lateral", "vae_decoder"],
    "F>T+L": ["clip_vision", "unet_text_joint", "env_text", "unet_lateral_joint", "env_lateral", "gpt2_init",
              "gpt2_step", "vae_decoder"],
    "L>T+F": ["clip_vision", "unet_text_joint", "env_text", "unet_frontal_joint", "env_frontal", "gpt2_init",
              "gpt2_step", "vae_decoder"],
    "T>F+L": ["clip_text", "unet_frontal_joint", "env_frontal", "unet_lateral_joint", "env_lateral", "vae_decoder"],
}


def component_graphs(comp: str, module: nn.Module, cfg: ModelConfig, seed: int = 0, batch: int = 1) -> List[GraphSpec]:
    """The contract graphs of one component with fixed test inputs (N = 2*batch for denoisers, B = batch
    otherwise)."""
    g = torch.Generator().manual_seed(seed)
    B, N = batch, 2 * batch
    rn = lambda *s: torch.randn(*s, generator=g)
    specs: List[GraphSpec] = []
    E, H = cfg.clip_text.projection_dim, cfg.unet_image.hcon_dim
    if comp == "clip":
        c = cfg.clip_text
        ids = torch.full((B, c.max_position_embeddings), c.eos_token_id, dtype=torch.long)
        ids[:, 0] = c.bos_token_id
        ids[:, 1:6] = torch.randint(2, c.vocab_size - 2, (B, 5), generator=g)
        specs.append(GraphSpec("clip_text", "encoder", "report", ClipTextGraph(module), (ids,), *AE_IO["clip_text"]))
        v = cfg.clip_vision
        specs.append(GraphSpec("clip_vision", "encoder", "image", ClipVisionGraph(module),
                               (rn(B, 3, v.image_size, v.image_size),), *AE_IO["clip_vision"]))
    elif comp.startswith("unet_"):
        view = comp[len("unet_"):]
        hw, C, D = cfg.vae.latent_size, cfg.unet_image.in_channels, cfg.unet_text.latent_dim
        x = rn(N, D) if view == "text" else rn(N, C, hw, hw)
        t = torch.tensor([981.0, 17.0, 500.0, 0.0] * batch)[:N]
        ctx = torch.nn.functional.normalize(rn(N, 1, E), dim=-1)
        hcon = torch.nn.functional.normalize(rn(N, 1, H), dim=-1)
        for mode, name, role in (("forward", f"unet_{view}", "denoiser"), ("forward_joint", f"unet_{view}_joint", "denoiser"),
                                 ("env", f"env_{view}", "env")):
            ins = {"forward": (x, t, ctx), "forward_joint": (x, t, ctx, hcon), "env": (x, t)}[mode]
            names_in, names_out = UNET_IO[mode]
            specs.append(GraphSpec(name, role, MODALITY_OF[view], UNetGraph(module, mode), ins, names_in, names_out,
                                   {n: {0: "N"} for n in names_in + names_out}))
    elif comp == "vae":
        hw = cfg.vae.latent_size
        specs.append(GraphSpec("vae_decoder", "decoder", "image", VaeDecoderGraph(module, cfg.vae.scale_factor),
                               (rn(B, cfg.vae.embed_dim, hw, hw),), *AE_IO["vae_decoder"]))
    elif comp == "gpt2":
        oc = cfg.optimus
        dh, P = oc.n_embd // oc.n_head, 3
        specs.append(GraphSpec("gpt2_init", "decoder", "report", Gpt2InitGraph(module, oc.scale_factor),
                               (rn(B, oc.latent_size),), *AE_IO["gpt2_init"]))
        specs.append(GraphSpec("gpt2_step", "decoder", "report", Gpt2StepGraph(module),
                               (torch.tensor([[oc.bos_token_id, 5]] * B), torch.tensor([[P, P + 1]] * B),
                                rn(B, oc.n_embd), rn(oc.n_layer, B, oc.n_head, P, dh),
                                rn(oc.n_layer, B, oc.n_head, P, dh)),
                               *AE_IO["gpt2_step"]))
    else:
        raise KeyError(comp)
    return specs


def param_parts(comp: str, module: nn.Module) -> Dict[str, int]:
    cnt = lambda m: sum(p.numel() for p in m.parameters())
    if comp == "clip":
        return {"text_model": cnt(module.text_model), "text_projection": cnt(module.text_projection),
                "vision_model": cnt(module.vision_model), "visual_projection": cnt(module.visual_projection),
                "logit_scale": module.logit_scale.numel()}
    if comp.startswith("unet_"):
        d = module.param_counts()
        return d if comp == "unet_text" else {k: v for k, v in d.items() if k != "total"}
    if comp == "vae":
        return {"decoder": cnt(module.decoder), "post_quant_conv": cnt(module.post_quant_conv)}
    if comp == "vae_encoder":
        return {"encoder": cnt(module.encoder), "quant_conv": cnt(module.quant_conv)}
    return {"total": cnt(module)}


# ---------------------------------------------------------------------------------------------------------------
# onnx helpers

def _session(path: Path, threads: int) -> ort.InferenceSession:
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.log_severity_level = 3
    so.add_session_config_entry("session.disable_prepacking", "1")   # no second copy of the weights
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])


def errors(outs: Sequence[np.ndarray], refs: Sequence[torch.Tensor]) -> Dict[str, float]:
    """maxAbs, maxRel = max|d| / max|ref|, rmsRel = ||d|| / ||ref||, the worst over the outputs."""
    res = {"maxAbs": 0.0, "maxRel": 0.0, "rmsRel": 0.0}
    for o, r in zip(outs, refs):
        r = r.detach().float().numpy()
        o = np.asarray(o, dtype=np.float32)
        if o.shape != r.shape:
            raise RuntimeError(f"output shape {o.shape} != PyTorch {r.shape}")
        if not np.isfinite(o).all():
            return {"maxAbs": float("inf"), "maxRel": float("inf"), "rmsRel": float("inf")}
        d = o - r
        res["maxAbs"] = max(res["maxAbs"], float(np.abs(d).max()))
        res["maxRel"] = max(res["maxRel"], float(np.abs(d).max() / max(np.abs(r).max(), 1e-12)))
        res["rmsRel"] = max(res["rmsRel"], float(np.linalg.norm(d) / max(np.linalg.norm(r), 1e-12)))
    return res


def run_graph(path: Path, spec: GraphSpec, threads: int, *more: GraphSpec) -> List[np.ndarray]:
    """Outputs of the graph at `path` on spec's inputs (a list of output lists when `more` specs are given)."""
    sess = _session(path, threads)
    runs = [sess.run(None, {n: v.numpy() for n, v in zip(s.in_names, s.inputs)}) for s in (spec,) + more]
    del sess
    return runs if more else runs[0]


def _onnx_export(module, args, path: str, in_names, out_names, dyn) -> None:
    """torch.onnx.export (TorchScript, opset 17, constant folding). torch 1.13's exporter runs ONNX shape
    inference after every emitted node, which is most of its time on the 5-8 k node UNet graphs; its internal
    `_export` can skip it. The graphs are the same either way (parity at two batch sizes is checked on every
    export); if the internal signature ever differs, the public function is used."""
    kw = dict(input_names=in_names, output_names=out_names, dynamic_axes=dyn, opset_version=17,
              do_constant_folding=True)
    try:
        from torch.onnx import utils as onnx_utils
        fast = "onnx_shape_inference" in onnx_utils._export.__code__.co_varnames  # type: ignore[attr-defined]
    except (ImportError, AttributeError):
        fast = False
    if fast and os.environ.get("MEDCODI_EXPORT_SHAPE_INFERENCE") != "1":
        onnx_utils._export(module, args, path, onnx_shape_inference=False, **kw)
    else:
        torch.onnx.export(module, args, path, **kw)


def export_fp32(spec: GraphSpec, work: Path, path: Path, max_file_bytes: int) -> Tuple[List[Path], int]:
    """torch.onnx.export at opset 17 into its own folder, then the graph rewritten to `path` in the shipped layout
    (external data split under `max_file_bytes`). Returns (files, largest initializer bytes). torch writes one
    external file per tensor for graphs over 2 GB; their tensors are copied over one at a time, never loaded
    together (a full-size text UNet graph is 7.8 GB, and the module it came from is still in memory)."""
    d = work / f"{spec.name}.export"
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    try:
        with torch.no_grad():
            _onnx_export(spec.module, spec.inputs, str(d / "model.onnx"), spec.in_names, spec.out_names, spec.dyn)
        model = onnx.load(str(d / "model.onnx"), load_external_data=False)
        exact_trig(model)  # cos/sin as arithmetic: WebGPU's are 2e-4 off (graph_passes.py)
        if any(n.op_type == "Einsum" for n in model.graph.node):
            raise RuntimeError(f"{spec.name}: Einsum in the exported graph")
        largest = Q.largest_initializer_bytes(model)
        files = Q.save_model(model, path, max_file_bytes, external_base=d)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    return files, largest


def _rss_gb() -> float:
    """Peak resident memory of this process so far, GiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2


def rss_now_gb() -> Optional[float]:
    """Resident memory now, GiB (Linux; None elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024 ** 3


def release_memory() -> None:
    """Frees what Python no longer references and hands glibc's freed heap back to the OS. Without the trim, the
    memory of a freed multi-GB graph or session stays resident (glibc keeps freed chunks below its grown mmap
    threshold in its arenas), and the next component's peak stacks on top of it."""
    gc.collect()
    try:
        import ctypes
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _mem() -> str:
    now = rss_now_gb()
    return f"RSS {now:.1f} GB, peak {_rss_gb():.1f} GB" if now is not None else f"peak RSS {_rss_gb():.1f} GB"


# ---------------------------------------------------------------------------------------------------------------
# the conversion

@dataclass
class ConvertOptions:
    checkpoint: Path
    clip_tokenizer: Path
    gpt2_tokenizer: Path
    out: Path
    manifest: Path
    config: str = "full"
    model_id: str = "medcodi-m"
    version: str = "1.0.0"
    display_name: str = "MedCoDi-M (official weights)"
    description: str = ("MedCoDi-M (Molino et al.) converted from the authors' checkpoint: any-to-any generation of "
                        "frontal and lateral chest X-rays and radiology reports. Research use only; not a medical "
                        "device.")
    base_url: Optional[str] = None
    variants: Tuple[str, ...] = ("q4f16", "q4")
    keep_fp32: bool = False
    synthetic: bool = False
    max_file_bytes: int = Q.MAX_FILE_BYTES
    max_session_bytes: int = Q.MAX_SESSION_BYTES
    block_size: int = 32
    threads: int = max(1, min(8, os.cpu_count() or 1))
    trust_pickle: bool = False
    eager_load: bool = False
    skip_checkpoint_hash: bool = False
    seed: int = 0
    log: Callable[[str], None] = print


@dataclass
class GraphResult:
    spec_name: str
    role: str
    modality: str
    inputs: list
    outputs: list
    files: Dict[str, List[Path]] = field(default_factory=dict)        # format -> files (onnx first)
    errors: Dict[str, Dict[str, float]] = field(default_factory=dict)  # format -> error metrics vs PyTorch
    largest: Dict[str, int] = field(default_factory=dict)              # format -> largest initializer bytes
    quant: Dict[str, dict] = field(default_factory=dict)


def _formats_needed(opts: ConvertOptions, family: str) -> List[str]:
    fmts = ["fp32"]
    for p in opts.variants:
        f = PROFILES[p][family]
        if f not in fmts:
            fmts.append(f)
    return fmts


def _derive(fmt: str, fp32_path: Path, block: int) -> Tuple[onnx.ModelProto, Optional[dict]]:
    m = Q.load_model(fp32_path)
    stats = None
    if fmt in ("fp16", "q4f16"):
        m = Q.to_fp16(m)
    if fmt in ("q4", "q4f16", "q8"):
        stats = Q.quantize_matmuls(m, bits=8 if fmt == "q8" else 4, block_size=block).as_dict()
    return m, stats


def _load_component(comp: str, ckpt, cfg: ModelConfig) -> nn.Module:
    """Builds `comp` on the meta device, materialises it without initialisation and copies its checkpoint slice
    in key by key (peak: the module plus one tensor). Every key and shape was checked before; checked again."""
    prefix = PREFIX[comp]
    module = build_component(comp, cfg, torch.device("meta")).to_empty(device="cpu")
    if comp == "gpt2":                     # to_empty unties shared parameters: tie lm_head to wte again
        module.lm_head.weight = module.transformer.wte.weight
    with torch.no_grad():
        for k, dst in module.state_dict(keep_vars=True).items():
            src = ckpt.load(prefix + k)
            if tuple(src.shape) != tuple(dst.shape):
                raise CheckpointError(f"{prefix + k}: shape {list(src.shape)}, expected {list(dst.shape)}")
            dst.copy_(src)
            ckpt.release()
    return module.eval()


def _reference_outputs(spec: GraphSpec) -> tuple:
    r = spec.module(*spec.inputs)
    return tuple(r) if isinstance(r, (tuple, list)) else (r,)


def convert_component(comp: str, ckpt, cfg: ModelConfig, opts: ConvertOptions, work: Path) -> Tuple[dict, List[GraphResult], dict]:
    """Build, strictly load, count, export and verify one component; returns (counts, graph results, extra).
    Phase 1 keeps the PyTorch module: references, fp32 export and parity; phase 2 (variants) runs without it."""
    log = opts.log
    t0 = time.time()
    module = _load_component(comp, ckpt, cfg)
    module_alive = weakref.ref(module)
    counts = param_parts(comp, module)
    log(f"    {comp}: {sum(p.numel() for p in module.parameters()):,} parameters loaded in {time.time() - t0:.0f} s ({_mem()})")
    extra: dict = {}
    specs = component_graphs(comp, module, cfg, opts.seed)
    specs2 = component_graphs(comp, module, cfg, opts.seed + 1, batch=2)   # dynamic batch check
    with torch.no_grad():
        # comprehensions, not loops: a loop variable would keep the last graph wrapper, and with it the module, alive
        refs = [_reference_outputs(s) for s in specs]
        refs2 = [_reference_outputs(s) for s in specs2]
        if comp == "clip":
            ct, cv = cfg.clip_text, cfg.clip_vision
            empty = torch.full((1, ct.max_position_embeddings), ct.eos_token_id, dtype=torch.long)
            empty[0, 0] = ct.bos_token_id
            mean = torch.tensor(cv.image_mean).reshape(1, 3, 1, 1)
            std = torch.tensor(cv.image_std).reshape(1, 3, 1, 1)
            zeros = ((torch.zeros(1, 3, cv.image_size, cv.image_size) - mean) / std)
            extra["unconditional"] = {"text": module.encode_text(empty)[0, 0], "image": module.encode_image(zeros)[0, 0]}
            unc_feeds = {"clip_text": (empty,), "clip_vision": (zeros,)}
    if comp.startswith("unet_"):
        extra["linearized"] = Q.linearize_for_quantization(module)
    # One GroupNorm epsilon per graph (export.unify_group_norm_eps: onnxruntime-web's InstanceNormalization shader
    # cache ignores epsilon); an exact rewrite, checked by the fp32 parity against the unmodified module.
    unify = getattr(export_module, "unify_group_norm_eps", None)
    if unify is not None:
        extra["groupNormEpsUnified"] = unify(module)
    results: List[GraphResult] = []
    feeds: List[GraphSpec] = []
    parity_feeds: List[List[GraphSpec]] = []
    # Every graph is exported while the module is in memory; the parity sessions run after it is freed, so a
    # multi-GB module and a multi-GB onnxruntime session never share the memory.
    for spec, spec2 in zip(specs, specs2):
        res = GraphResult(spec.name, spec.role, spec.modality, [], [])
        t_graph = time.time()
        path = work / f"{spec.name}.onnx"
        res.files["fp32"], res.largest["fp32"] = export_fp32(spec, work, path, opts.max_file_bytes)
        release_memory()
        log(f"    {spec.name}: fp32 graph exported and saved in {time.time() - t_graph:.0f} s ({_mem()})")
        res.inputs, res.outputs = onnx_io(path)
        # inputs only (no module) for the parity runs and phase 2
        feed = GraphSpec(spec.name, spec.role, spec.modality, nn.Identity(), spec.inputs, spec.in_names,
                         spec.out_names, spec.dyn)
        feed2 = GraphSpec(spec.name, spec.role, spec.modality, nn.Identity(), spec2.inputs, spec.in_names,
                          spec.out_names, spec.dyn)
        more = []
        if comp == "clip":
            more = [GraphSpec("u", "", "", nn.Identity(), unc_feeds[spec.name], spec.in_names, spec.out_names, spec.dyn)]
        results.append(res)
        feeds.append(feed)
        parity_feeds.append([feed, feed2, *more])
    # (the loop variables too: the last graph wrappers hold the module, which then stayed in memory, 8 GB for the
    # text UNet, through every later step of the component)
    del module, specs, specs2, spec, spec2
    release_memory()
    freed = "module freed" if module_alive() is None else "module still referenced (its memory stays in use)"
    log(f"    {comp}: {freed} ({_mem()})")
    for res, (feed, feed2, *more), ref, ref2 in zip(results, parity_feeds, refs, refs2):
        path = res.files["fp32"][0]
        t_graph = time.time()
        outs = run_graph(path, feed, opts.threads, feed2, *more)
        release_memory()
        log(f"    {res.spec_name}: fp32 onnxruntime parity run in {time.time() - t_graph:.0f} s ({_mem()})")
        e1, e2 = errors(outs[0], ref), errors(outs[1], ref2)
        res.errors["fp32"] = {k: max(e1[k], e2[k]) for k in e1}
        if res.errors["fp32"]["maxRel"] > FP32_REL_TOL:
            raise RuntimeError(f"{res.spec_name}: fp32 onnxruntime differs from PyTorch by {res.errors['fp32']['maxRel']:.2e} "
                               f"(relative) > {FP32_REL_TOL}")
        if more:
            kind = "text" if res.spec_name == "clip_text" else "image"
            extra[f"unconditional_check_{kind}"] = errors([outs[2][0][0, 0]], [extra["unconditional"][kind]])
    del refs2, parity_feeds
    release_memory()
    for res, feed, ref in zip(results, feeds, refs):
        path = res.files["fp32"][0]
        for fmt in _formats_needed(opts, FAMILY[res.spec_name])[1:]:
            t_variant = time.time()
            m, stats = _derive(fmt, path, opts.block_size)
            vpath = work / f"{res.spec_name}.{fmt}.onnx"
            res.largest[fmt] = Q.largest_initializer_bytes(m)
            res.files[fmt] = Q.save_model(m, vpath, opts.max_file_bytes)
            del m
            release_memory()
            log(f"    {res.spec_name}: {fmt} derived and saved in {time.time() - t_variant:.0f} s ({_mem()})")
            if stats:
                res.quant[fmt] = stats
            res.errors[fmt] = errors(run_graph(vpath, feed, opts.threads), ref)
            release_memory()
        size = {f: sum(p.stat().st_size for p in fs) for f, fs in res.files.items()}
        log(f"  {res.spec_name:19s} " + "  ".join(
            f"{f} {size[f] / 1e6:8.2f} MB rel {e['maxRel']:.1e}/{e['rmsRel']:.1e}" for f, e in res.errors.items()))
    extra["seconds"] = time.time() - t0
    return counts, results, extra


def _print_counts(comp: str, counts: Dict[str, int], cfg: ModelConfig, log) -> None:
    spec = SPEC_COUNTS.get(comp, {}) if cfg is FULL else {}
    for part, n in counts.items():
        want = spec.get(part)
        mark = "" if want is None else ("  = spec §8" if want == n else f"  != spec §8 {want:,}")
        log(f"    {comp:13s} {part:18s} {n:>15,d}{mark}")
    bad = {p: (n, spec[p]) for p, n in counts.items() if p in spec and spec[p] != n}
    if bad:
        raise SystemExit(f"{comp}: parameter counts differ from spec §8: {bad}")


def _checkpoint_counts(ckpt, plan) -> Dict[str, int]:
    """Parameters per class straight from the checkpoint's shapes (dropped keys grouped by owner)."""
    out: Dict[str, int] = collections.Counter()
    for k in ckpt.keys():
        cls, what = classify_key(k, plan)
        owner = k.split(".")[2] if k.startswith("model.diffusion_model.") else k.split(".")[0]
        out[f"{cls}:{what if cls in ('convert', 'training-only') else owner}"] += ckpt.tensors[k].numel() \
            if hasattr(ckpt.tensors[k], "numel") else 0
    return dict(out)


def check_schedule(ckpt, cfg: ModelConfig, tol: float = 1e-6) -> Dict[str, float]:
    """Compares the checkpoint's DDPM buffers with the schedule the manifest declares (spec §1.0, §3.1)."""
    want = _schedule_buffers(cfg)
    out = {}
    for name in ("betas", "alphas_cumprod"):
        if name in ckpt.keys():
            have = ckpt.load(name).float().reshape(-1)
            if have.shape != want[name].shape:
                raise CheckpointError(f"checkpoint buffer {name!r} has {have.numel()} entries, "
                                      f"{want[name].numel()} expected")
            d = float((have - want[name]).abs().max())
            out[name] = d
            if d > tol:
                raise CheckpointError(f"checkpoint buffer {name!r} differs from the {cfg.schedule.beta_schedule} "
                                      f"schedule (max |diff| {d:.2e}); the manifest's schedule would be wrong")
    ckpt.release()
    return out


def list_variants(results: Dict[str, GraphResult], variants: Sequence[str], max_session_bytes: int,
                  log=print) -> Dict[str, Dict[str, str]]:
    """profile -> {graph: format} for the profiles whose every session (a graph's files together) stays under
    `max_session_bytes`. fp32 is left out with a note when too big (the full text UNet is 6.8 GB); any other
    profile over the limit stops the conversion."""
    listed: Dict[str, Dict[str, str]] = {}
    for p in variants:
        fmts = {g: PROFILES[p][FAMILY[g]] for g in GRAPH_ORDER}
        too_big = [g for g, f in fmts.items()
                   if sum(x.stat().st_size for x in results[g].files[f]) >= max_session_bytes]
        if too_big:
            if p == "fp32":
                log(f"  fp32 not listed in the manifest: {', '.join(too_big)} would exceed the "
                    f"{max_session_bytes / 1e9:.1f} GB session limit")
                continue
            raise SystemExit(f"variant {p}: {', '.join(too_big)} exceed the {max_session_bytes}-byte session limit")
        listed[p] = fmts
    if not listed:
        raise SystemExit("no variant fits the limits")
    return listed


def convert(opts: ConvertOptions) -> dict:
    """The whole conversion (see the module docstring). Returns the manifest entry."""
    log = opts.log
    t_start = time.time()
    cfg = CONVERT_CONFIGS[opts.config]
    for p in opts.variants:
        if p not in PROFILES:
            raise SystemExit(f"unknown variant profile {p!r}; choose from {sorted(PROFILES)}")
    variants = tuple(opts.variants) + (("fp32",) if opts.keep_fp32 and "fp32" not in opts.variants else ())
    opts = replace(opts, variants=variants)
    torch.set_num_threads(opts.threads)

    # 0. tokenizers first: a wrong vocab should fail before hours of work
    clip_tok = build_clip_tokenizer(opts.clip_tokenizer, cfg.clip_text)
    gpt2_tok = build_gpt2_tokenizer(opts.gpt2_tokenizer, cfg.optimus)

    # 1. checkpoint index, keys, shapes, integrity, schedule
    log(f"reading the index of {opts.checkpoint}")
    ckpt = EagerCheckpoint(opts.checkpoint) if opts.eager_load else LazyCheckpoint(opts.checkpoint, opts.trust_pickle)
    plan = key_plan(cfg)
    expected = {k: torch.Size(s) for k, (_, s) in plan.items()}
    check_state_dict(ckpt.tensors, expected, str(opts.checkpoint), OPTIONAL_PREFIXES)
    ckpt.verify()
    classes = collections.Counter(classify_key(k, plan)[0] for k in ckpt.keys())
    log(f"  {len(ckpt.tensors)} keys: " + ", ".join(f"{v} {k}" for k, v in sorted(classes.items())))
    ck_counts = _checkpoint_counts(ckpt, plan)
    for owner, n in SPEC_DROPPED.items():
        got = ck_counts.get(f"dropped:{owner}")
        if cfg is FULL and got is not None and got != n:
            log(f"  note: dropped {owner} parameters {got:,} (spec §1.10: {n:,})")
    sched = check_schedule(ckpt, cfg)
    if sched:
        log("  DDPM buffers match the schedule (max |diff| " + ", ".join(f"{k} {v:.1e}" for k, v in sched.items()) + ")")
    ck_hash = None if opts.skip_checkpoint_hash else sha256_file(opts.checkpoint)

    out = Path(opts.out)
    work = out.parent / (out.name + ".converting")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)

    # 2. component by component
    log("parameters per component (spec §8):")
    for comp in TRAINING_ONLY:
        m = build_component(comp, cfg, torch.device("meta"))
        present = any(PREFIX[comp] + k in ckpt.tensors for k in m.state_dict())
        _print_counts(comp, param_parts(comp, m), cfg, lambda s: log(s + ("" if present else "  (absent)")))
    all_counts: Dict[str, Dict[str, int]] = {}
    results: Dict[str, GraphResult] = {}
    extras: Dict[str, dict] = {}
    for comp in INFERENCE_COMPONENTS:
        counts, res, extra = convert_component(comp, ckpt, cfg, opts, work)
        _print_counts(comp, counts, cfg, log)
        log(f"    {comp} done in {extra['seconds']:.1f} s, peak RSS so far {_rss_gb():.2f} GB")
        all_counts[comp] = counts
        extras[comp] = extra
        for r in res:
            results[r.spec_name] = r
    ckpt.close()

    # 3. variants: which files each profile lists; limits
    listed = list_variants(results, variants, opts.max_session_bytes, log)

    # 4. the model folder
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    keep = {f for p in listed.values() for g, fmt in p.items() for f in results[g].files[fmt]}
    for f in work.iterdir():
        if f in keep:
            shutil.move(str(f), out / f.name)
    shutil.rmtree(work, ignore_errors=True)
    unc = extras["clip"]["unconditional"]
    (out / "unconditional.json").write_text(json.dumps({"text": unc["text"].tolist(), "image": unc["image"].tolist()}))
    clip_tok.save(str(out / "tokenizer-clip.json"))
    gpt2_tok.save(str(out / "tokenizer-gpt2.json"))

    moved = lambda p: out / p.name
    entries = {}

    def files_of(g: str, fmt: str) -> List[dict]:
        key = (g, fmt)
        if key not in entries:
            entries[key] = [file_entry(moved(p), out) for p in results[g].files[fmt]]
        return entries[key]

    components = []
    for g in GRAPH_ORDER:
        r = results[g]
        components.append({"name": g, "role": r.role, "modality": r.modality, "inputs": r.inputs, "outputs": r.outputs,
                           # dtype names the profile (the studio decides "needs shader-f16" from it, per variant
                           # id, reading the first component); format is this file's own precision
                           "variants": [{"id": p, "dtype": p, "format": fmts[g], "files": files_of(g, fmts[g])}
                                        for p, fmts in listed.items()]})
    per_variant = {}
    for p, fmts in listed.items():
        graph_bytes = {g: sum(f["bytes"] for f in files_of(g, fmts[g])) for g in GRAPH_ORDER}
        task_bytes = {t: sum(graph_bytes[g] for g in gs) for t, gs in TASKS.items()}
        per_variant[p] = {
            "features": ["shader-f16"] if any("f16" in f for f in fmts.values()) else [],
            "maxBufferSize": max(results[g].largest[fmts[g]] for g in GRAPH_ORDER),
            "memoryMB": int(math.ceil(max(task_bytes.values()) * 1.25 / 2 ** 20)) + 512,
            "largestSessionBytes": max(graph_bytes.values()),
            "largestFileBytes": max(f["bytes"] for g in GRAPH_ORDER for f in files_of(g, fmts[g])),
            "downloadBytes": sum(graph_bytes.values()),
            "largestTask": max(task_bytes, key=task_bytes.get),
        }
    first = per_variant[next(iter(listed))]
    all_f16 = all(v["features"] for v in per_variant.values())
    entry = {
        # `synthetic` (contract): everything the model makes is synthetic — true of any generative model here.
        # Random proof weights are recorded in provenance.syntheticWeights and in the name.
        "id": opts.model_id, "version": opts.version, "config": cfg.name, "synthetic": True,
        "displayName": opts.display_name if not opts.synthetic or opts.display_name != ConvertOptions.display_name
        else "MedCoDi-M converter proof (random weights)",
        "description": opts.description if not opts.synthetic or opts.description != ConvertOptions.description
        else "Random weights in the official MedCoDi-M layout, converted to prove the converter. It generates noise.",
        "baseUrl": opts.base_url if opts.base_url is not None else f"models/{opts.model_id}/",
        **manifest_model_fields(cfg),
        "components": components,
        "tokenizers": [{"name": "clip", "kind": "clip-bpe", "file": file_entry(out / "tokenizer-clip.json", out)},
                       {"name": "gpt2", "kind": "gpt2-bpe", "file": file_entry(out / "tokenizer-gpt2.json", out)}],
        "assets": [{"name": "unconditional", "file": file_entry(out / "unconditional.json", out)}],
        # Model-level values are those of the least demanding listed variant (the studio's device check is a
        # necessary condition); `variants` has each profile's own numbers.
        "requirements": {
            "memoryMB": min(v["memoryMB"] for v in per_variant.values()),
            "webgpu": {"features": ["shader-f16"] if all_f16 else [],
                       "maxBufferSize": min(v["maxBufferSize"] for v in per_variant.values())},
            "variants": per_variant,
        },
        "provenance": {
            "convertedFrom": Path(opts.checkpoint).name, "checkpointBytes": Path(opts.checkpoint).stat().st_size,
            "checkpointSha256": ck_hash, "converter": "toolchain/medcodi/convert.py",
            "syntheticWeights": bool(opts.synthetic),
            "weights": ("random synthetic weights in the official layout (converter proof), not a trained model"
                        if opts.synthetic else
                        "MedCoDi-M.pt by the MedCoDi-M authors (cosbidev/MedCoDi-M), trained on MIMIC-CXR "
                        "(PhysioNet credentialed-access DUA); see docs/converting-official-weights.md"),
            "paramCounts": all_counts,
            "checkpointParams": ck_counts,
            "scheduleMaxAbsDiff": sched,
            "parity": {g: results[g].errors for g in GRAPH_ORDER},
            "quantization": {g: results[g].quant for g in GRAPH_ORDER if results[g].quant},
            "unconditionalParity": {k: extras["clip"][f"unconditional_check_{k}"] for k in ("text", "image")},
            "linearized": {c: extras[c].get("linearized") for c in INFERENCE_COMPONENTS if extras[c].get("linearized")},
            "groupNormEpsUnified": {c: extras[c].get("groupNormEpsUnified") for c in INFERENCE_COMPONENTS
                                    if extras[c].get("groupNormEpsUnified")},
            "convertedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "seconds": round(time.time() - t_start, 1),
            "peakRssGB": round(_rss_gb(), 2),
            "limits": {"maxFileBytes": opts.max_file_bytes, "maxSessionBytes": opts.max_session_bytes},
        },
    }
    from .step_graph import add_to_model
    add_to_model(entry, out)   # weightless guided sampler update (every variant shares it): latents stay on the GPU
    manifest = {"schemaVersion": 1, "models": []}
    mpath = Path(opts.manifest)
    if mpath.exists():
        manifest = json.loads(mpath.read_text())
    manifest["models"] = [m for m in manifest["models"] if m["id"] != opts.model_id] + [entry]
    mpath.parent.mkdir(parents=True, exist_ok=True)
    mpath.write_text(json.dumps(manifest, indent=2) + "\n")
    total = sum(p.stat().st_size for p in out.iterdir())
    log(f"wrote {len(components)} graphs x {len(listed)} variants ({', '.join(listed)}), {total / 1e9:.3f} GB in {out}; "
        f"manifest {mpath}; {time.time() - t_start:.0f} s, peak RSS {_rss_gb():.2f} GB")
    return entry


# ---------------------------------------------------------------------------------------------------------------
# CLI

def main(argv: Optional[Sequence[str]] = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", type=Path, help="the official MedCoDi-M.pt")
    ap.add_argument("--clip-tokenizer", type=Path,
                    help="folder with vocab.json + merges.txt of openai/clip-vit-large-patch14")
    ap.add_argument("--gpt2-tokenizer", type=Path,
                    help="folder with gpt2-vocab.json + gpt2-merges.txt (official repo) or vocab.json + merges.txt")
    ap.add_argument("--out", type=Path, help="model folder to write (replaced)")
    ap.add_argument("--manifest", type=Path, help="models-manifest.json to add the entry to (created if missing)")
    ap.add_argument("--id", default="medcodi-m")
    ap.add_argument("--version", default="1.0.0")
    ap.add_argument("--display-name", default=None)
    ap.add_argument("--base-url", default=None, help="baseUrl in the manifest (default models/<id>/)")
    ap.add_argument("--variants", default="q4f16,q4", help="comma-separated profiles: q4f16, q4, fp32")
    ap.add_argument("--keep-fp32", action="store_true", help="also list fp32 where every session fits")
    ap.add_argument("--config", default="full", choices=sorted(CONVERT_CONFIGS))
    ap.add_argument("--threads", type=int, default=max(1, min(8, os.cpu_count() or 1)))
    ap.add_argument("--max-file-bytes", type=int, default=Q.MAX_FILE_BYTES)
    ap.add_argument("--max-session-bytes", type=int, default=Q.MAX_SESSION_BYTES)
    ap.add_argument("--trust-pickle", action="store_true", help="allow arbitrary globals in the checkpoint's pickle")
    ap.add_argument("--eager-load", action="store_true", help="torch.load the whole file (legacy non-zip format)")
    ap.add_argument("--skip-checkpoint-hash", action="store_true")
    ap.add_argument("--synthetic", action="store_true",
                    help="the checkpoint holds random proof weights (--write-synthetic): say so in the entry")
    ap.add_argument("--write-synthetic", type=Path, metavar="PT",
                    help="write a synthetic checkpoint in the official layout (random weights) and stand-in "
                         "tokenizer files next to it, then exit")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    cfg = CONVERT_CONFIGS[a.config]
    if a.write_synthetic:
        ref = load_reference_keys() if REF_KEYS.exists() else None
        t0 = time.time()
        info = write_synthetic_checkpoint(a.write_synthetic, cfg, ref, seed=a.seed)
        clip_dir, gpt2_dir = write_standin_tokenizers(a.write_synthetic.parent / "standin-tokenizers")
        print(f"wrote {info['keys']} keys, {info['tensorBytes'] / 1e9:.2f} GB of tensors to {a.write_synthetic} in "
              f"{time.time() - t0:.0f} s (peak RSS {_rss_gb():.2f} GB); stand-in tokenizers: {clip_dir}, {gpt2_dir}"
              + ("" if cfg is not FULL else " (the full config needs the real CLIP/GPT-2 vocab files)"))
        return
    missing = [n for n in ("checkpoint", "clip_tokenizer", "gpt2_tokenizer", "out", "manifest") if getattr(a, n) is None]
    if missing:
        ap.error("missing " + ", ".join("--" + m.replace("_", "-") for m in missing))
    opts = ConvertOptions(checkpoint=a.checkpoint, clip_tokenizer=a.clip_tokenizer, gpt2_tokenizer=a.gpt2_tokenizer,
                          out=a.out, manifest=a.manifest, config=a.config, model_id=a.id, version=a.version,
                          base_url=a.base_url, variants=tuple(v for v in a.variants.split(",") if v),
                          keep_fp32=a.keep_fp32, synthetic=a.synthetic, max_file_bytes=a.max_file_bytes,
                          max_session_bytes=a.max_session_bytes, threads=a.threads, trust_pickle=a.trust_pickle,
                          eager_load=a.eager_load, skip_checkpoint_hash=a.skip_checkpoint_hash, seed=a.seed)
    if a.display_name:
        opts = replace(opts, display_name=a.display_name)
    try:
        convert(opts)
    except CheckpointError as e:
        raise SystemExit(f"conversion stopped: {e}") from None


if __name__ == "__main__":
    main()
