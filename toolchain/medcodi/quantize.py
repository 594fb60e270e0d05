"""ONNX post-processing for the converter (issue 6, docs/converting-official-weights.md).

- `linearize_for_quantization(module)`: exact PyTorch-level rewrites done *before* export so that the text UNet's
  1x1 convolutions on 1x1 maps (FCBlock in/out/skip) and every SpatialTransformer's 1x1 `proj_in`/`proj_out`
  become MatMul/Gemm nodes, which weight-only quantisation can handle (spec §6.3 step 6). Parameters are shared,
  not copied; the state dict is unchanged.
- `to_fp16(model)`: float16 weights and activations with fp32 I/O, keeping normalisations, softmax, the timestep
  embedding (cos/sin of t up to 999 is meaningless in fp16) and the output L2-normalisation tails in fp32.
- `quantize_matmuls(model, bits)`: block-wise symmetric weight-only quantisation of every MatMul/Gemm whose weight
  is a constant 2-D initializer into `com.microsoft.MatMulNBits` (4 or 8 bits, block 32, zero point 2^(bits-1)
  implied, per-block scale chosen among a few clipping ratios to minimise the squared error). Initializers that
  other nodes also read (GPT-2's tied `wte`, used by Gather and by the logits Gemm) stay in float.
- `save_model(model, path, max_file_bytes)`: writes the graph and, when the model would not fit in one file under
  the limit, its tensors as external data split over `<name>.data`, `<name>.data.1`, ... each under the limit.

Everything here is written from the ONNX / onnxruntime contrib-op specifications; it needs onnx >= 1.12 and
onnxruntime >= 1.17 (MatMulNBits with bits 4 and 8 on the CPU EP).
"""
from __future__ import annotations

import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

MS_DOMAIN = "com.microsoft"
# Chrome refuses ArrayBuffers >= 2 GiB and protobuf cannot serialise >= 2 GiB: keep every file below 2e9 bytes.
MAX_FILE_BYTES = 2_000_000_000
# onnxruntime-web is wasm32: one session must stay below 4 GB.
MAX_SESSION_BYTES = 4_000_000_000
EXTERNAL_ALIGN = 4096
# Op types kept in fp32 inside fp16 graphs (spec §6.3 step 6), on top of onnxruntime's default block list.
FP16_BLOCK_OPS = ("InstanceNormalization", "LayerNormalization", "GroupNormalization", "Softmax")
_WEIGHT_OPS = {"MatMul", "Gemm", "Conv", "MatMulNBits", "Gather"}


# ---------------------------------------------------------------------------------------------------------------
# PyTorch-level rewrites (exact)

class Conv1x1AsLinear(nn.Module):
    """A 1x1 Conv2d applied to a [N, a, 1, 1] tensor, computed as a Linear on [N, a]. The [out, in] weight is a
    view of the conv's [out, in, 1, 1] weight (no copy, and nothing for the exporter to constant-fold into a
    second copy), exported as Gemm(transB=1)."""

    def __init__(self, conv: nn.Conv2d):
        super().__init__()
        assert conv.kernel_size == (1, 1) and conv.groups == 1 and conv.stride == (1, 1)
        w = conv.weight
        self.out_features = int(w.shape[0])
        self.weight = nn.Parameter(w.detach().view(w.shape[0], w.shape[1]), requires_grad=False)
        self.bias = None if conv.bias is None else nn.Parameter(conv.bias.detach(), requires_grad=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x.flatten(1), self.weight, self.bias).reshape(-1, self.out_features, 1, 1)


def _st_forward_tokens(self, x: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
    """SpatialTransformer.forward with proj_in / proj_out applied as Linear on the token axis (identical maths)."""
    t = self.norm(x).flatten(2).transpose(1, 2)                                   # [N, HW, C]
    wi, wo = self.proj_in.weight, self.proj_out.weight
    t = F.linear(t, wi.reshape(wi.shape[0], wi.shape[1]), self.proj_in.bias)
    for blk in self.transformer_blocks:
        t = blk(t, context)
    t = F.linear(t, wo.reshape(wo.shape[0], wo.shape[1]), self.proj_out.bias)
    return t.transpose(1, 2).reshape(x.shape) + x


def linearize_for_quantization(module: nn.Module) -> Dict[str, int]:
    """Rewrites, in place, FCBlock_MultiDim 1x1 convs as Linear and SpatialTransformer proj_in/proj_out as token
    Linears. Returns how many of each were rewritten. Outputs are unchanged up to float rounding."""
    from .model.blocks import FCBlock_MultiDim, SpatialTransformer
    n_fc = n_st = 0
    for m in list(module.modules()):
        if isinstance(m, SpatialTransformer) and not getattr(m, "_tokens_linear", False):
            m.forward = types.MethodType(_st_forward_tokens, m)
            m._tokens_linear = True
            n_st += 1
        elif isinstance(m, FCBlock_MultiDim):
            if isinstance(m.in_layers[2], nn.Conv2d):
                m.in_layers[2] = Conv1x1AsLinear(m.in_layers[2])
                n_fc += 1
            if isinstance(m.out_layers[3], nn.Conv2d):
                m.out_layers[3] = Conv1x1AsLinear(m.out_layers[3])
                n_fc += 1
            if isinstance(m.skip_connection, nn.Conv2d):
                m.skip_connection = Conv1x1AsLinear(m.skip_connection)
                n_fc += 1
    return {"fc_convs": n_fc, "spatial_transformers": n_st}


# ---------------------------------------------------------------------------------------------------------------
# graph helpers

def _consumers(graph: onnx.GraphProto) -> Dict[str, List[Tuple[onnx.NodeProto, int]]]:
    out: Dict[str, List[Tuple[onnx.NodeProto, int]]] = {}
    for n in graph.node:
        for i, name in enumerate(n.input):
            out.setdefault(name, []).append((n, i))
    return out


def _producers(graph: onnx.GraphProto) -> Dict[str, onnx.NodeProto]:
    return {o: n for n in graph.node for o in n.output}


def _ensure_node_names(graph: onnx.GraphProto) -> None:
    seen: Set[str] = set()
    for i, n in enumerate(graph.node):
        if not n.name or n.name in seen:
            n.name = f"{n.op_type}_{i}"
        seen.add(n.name)


def head_nodes(graph: onnx.GraphProto, input_name: str) -> Set[str]:
    """Names of the nodes reachable from graph input `input_name` before the first weight op (e.g. the timestep
    embedding: Unsqueeze, Mul, Cos, Sin, Concat)."""
    cons = _consumers(graph)
    todo, seen = [input_name], set()
    out: Set[str] = set()
    while todo:
        t = todo.pop()
        for n, _ in cons.get(t, []):
            if n.op_type in _WEIGHT_OPS or n.name in out:
                continue
            out.add(n.name)
            todo.extend(n.output)
    return out


def tail_nodes(graph: onnx.GraphProto, output_names: Sequence[str]) -> Set[str]:
    """Names of the nodes between the last weight op and the named graph outputs (e.g. an L2 normalisation)."""
    prod = _producers(graph)
    inits = {i.name for i in graph.initializer}
    todo = list(output_names)
    out: Set[str] = set()
    while todo:
        t = todo.pop()
        n = prod.get(t)
        if n is None or n.op_type in _WEIGHT_OPS or n.name in out:
            continue
        out.add(n.name)
        todo.extend(i for i in n.input if i and i not in inits)
    return out


def _structure_only(model: onnx.ModelProto, keep_bytes: int = 1 << 16) -> onnx.ModelProto:
    """A copy without the large initializers (they become typed graph inputs): small enough for shape inference."""
    m = onnx.ModelProto()
    m.ir_version, m.producer_name = model.ir_version, model.producer_name
    m.opset_import.extend(model.opset_import)
    g = m.graph
    g.name = model.graph.name
    g.node.extend(model.graph.node)
    g.input.extend(model.graph.input)
    g.output.extend(model.graph.output)
    names = {i.name for i in model.graph.input}
    for t in model.graph.initializer:
        if t.name in names:
            continue
        if t.data_location == TensorProto.EXTERNAL or len(t.raw_data) > keep_bytes:
            g.input.append(helper.make_tensor_value_info(t.name, t.data_type, list(t.dims)))
        else:
            g.initializer.append(t)
    return m


def infer_value_info(model: onnx.ModelProto) -> None:
    """Fills model.graph.value_info by onnx shape inference, also for models over 2 GB (run on a weight-free copy)."""
    inferred = onnx.shape_inference.infer_shapes(_structure_only(model))
    known = {v.name for v in model.graph.value_info}
    inits = {t.name for t in model.graph.initializer}
    for v in inferred.graph.value_info:
        if v.name not in known and v.name not in inits:
            model.graph.value_info.append(v)


# ---------------------------------------------------------------------------------------------------------------
# fp16

def to_fp16(model: onnx.ModelProto, extra_block_nodes: Iterable[str] = ()) -> onnx.ModelProto:
    """fp16 weights/activations with fp32 graph I/O. Kept in fp32: FP16_BLOCK_OPS, onnxruntime's default list, the
    nodes between a `timestep` input and the first weight op, and the tails after the last weight op."""
    from onnxruntime.transformers.float16 import DEFAULT_OP_BLOCK_LIST, convert_float_to_float16
    _ensure_node_names(model.graph)
    infer_value_info(model)
    block_nodes = set(extra_block_nodes)
    for inp in model.graph.input:
        if inp.name == "timestep":
            block_nodes |= head_nodes(model.graph, inp.name)
    block_nodes |= tail_nodes(model.graph, [o.name for o in model.graph.output])
    # constants read only by fp32 nodes stay fp32 (e.g. the embedding frequencies multiplied by t up to 999)
    cons = _consumers(model.graph)
    for n in model.graph.node:
        if n.op_type == "Constant" and all(c.name in block_nodes for o in n.output for c, _ in cons.get(o, [])):
            block_nodes.add(n.name)
    model = convert_float_to_float16(model, keep_io_types=True, disable_shape_infer=True,
                                     op_block_list=list(DEFAULT_OP_BLOCK_LIST) + list(FP16_BLOCK_OPS),
                                     node_block_list=sorted(block_nodes))
    collapse_cast_roundtrips(model)
    return model


def collapse_cast_roundtrips(model: onnx.ModelProto) -> int:
    """The float16 converter casts every fp32 island's edges separately, so a chain of fp32 nodes gets an
    fp32 -> fp16 -> fp32 round trip between each pair (which, e.g., rounds t*f = 981*f to 0.5 before cos).
    Rewires every Cast(to=float) of a Cast(to=float16) of an fp32 tensor to the fp32 tensor itself and removes
    the Casts left without consumers. Returns the number of rewired edges."""
    g = model.graph
    prod = _producers(g)
    graph_outputs = {o.name for o in g.output}
    rewired = 0
    replace: Dict[str, str] = {}
    for n in g.node:
        if n.op_type != "Cast" or _attr(n, "to", None) != TensorProto.FLOAT:
            continue
        p = prod.get(n.input[0])
        if p is None or p.op_type != "Cast" or _attr(p, "to", None) != TensorProto.FLOAT16:
            continue
        src = p.input[0]
        sp = prod.get(src)
        src_is_fp32 = (sp is not None and sp.op_type == "Cast" and _attr(sp, "to", None) == TensorProto.FLOAT) or \
            src.endswith("_cast_to_fp16") or any(i.name == src and i.type.tensor_type.elem_type == TensorProto.FLOAT
                                                 for i in g.input)
        if src_is_fp32 and n.output[0] not in graph_outputs:
            replace[n.output[0]] = src
    for n in g.node:
        for i, name in enumerate(n.input):
            if name in replace:
                n.input[i] = replace[name]
                rewired += 1
    while True:
        used = {i for n in g.node for i in n.input} | graph_outputs
        dead = {n.name for n in g.node if n.op_type == "Cast" and all(o not in used for o in n.output)}
        if not dead:
            break
        keep = [n for n in g.node if n.name not in dead]
        del g.node[:]
        g.node.extend(keep)
    return rewired


# ---------------------------------------------------------------------------------------------------------------
# MatMulNBits

_CLIP_RATIOS = (1.0, 0.95, 0.9, 0.85, 0.8, 0.75)


def quantize_blockwise(wt: np.ndarray, bits: int = 4, block_size: int = 32,
                       ratios: Sequence[float] = _CLIP_RATIOS) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """wt [N, K] (one row per output feature, quantised along K) ->
    (packed uint8 [N, K/bs, bs*bits/8], scales float32 [N, K/bs], dequantised float32 [N, K]).

    Symmetric: q in [-2^(b-1), 2^(b-1)-1], stored as q + 2^(b-1) (the MatMulNBits default zero point); for 4 bits
    element 2j is the low nibble of byte j. Per block the scale is r*max|w|/(2^(b-1)-1) with the r of `ratios`
    that minimises the block's squared error. K is zero-padded to a multiple of the block size."""
    assert bits in (4, 8) and block_size % 2 == 0 and block_size >= 16
    wt = np.asarray(wt, dtype=np.float32)
    n, k = wt.shape
    nb = (k + block_size - 1) // block_size
    qmax, zp = 2 ** (bits - 1) - 1, 2 ** (bits - 1)
    packed = np.empty((n, nb, block_size * bits // 8), dtype=np.uint8)
    scales = np.empty((n, nb), dtype=np.float32)
    deq = np.empty((n, k), dtype=np.float32)
    rows = max(1, (1 << 24) // max(1, nb * block_size))          # ~64 MB of float32 work per chunk
    for r0 in range(0, n, rows):
        r1 = min(n, r0 + rows)
        w = np.zeros((r1 - r0, nb * block_size), dtype=np.float32)
        w[:, :k] = wt[r0:r1]
        w = w.reshape(r1 - r0, nb, block_size)
        amax = np.abs(w).max(-1)
        best_err = best_q = best_s = None
        for ratio in ratios:
            s = amax * (ratio / qmax)
            s = np.where(s == 0, 1.0, s).astype(np.float32)
            q = np.clip(np.rint(w / s[..., None]), -qmax - 1, qmax)
            err = ((q * s[..., None] - w) ** 2).sum(-1)
            if best_err is None:
                best_err, best_q, best_s = err, q, s
            else:
                better = err < best_err
                best_err = np.where(better, err, best_err)
                best_q = np.where(better[..., None], q, best_q)
                best_s = np.where(better, s, best_s)
        u = (best_q + zp).astype(np.uint8)
        packed[r0:r1] = (u[..., 0::2] | (u[..., 1::2] << 4)) if bits == 4 else u
        scales[r0:r1] = best_s
        deq[r0:r1] = (best_q * best_s[..., None]).reshape(r1 - r0, -1)[:, :k]
    return packed, scales, deq


@dataclass
class QuantStats:
    bits: int
    quantized_nodes: int = 0
    quantized_params: int = 0
    skipped_shared: List[str] = field(default_factory=list)
    skipped_small: int = 0
    max_weight_rel_error: float = 0.0     # max over matrices of ||W - deq(W)||_F / ||W||_F

    def as_dict(self) -> dict:
        return {"bits": self.bits, "nodes": self.quantized_nodes, "params": self.quantized_params,
                "skippedShared": self.skipped_shared, "skippedSmall": self.skipped_small,
                "maxWeightRelError": self.max_weight_rel_error}


def _attr(node: onnx.NodeProto, name: str, default):
    for a in node.attribute:
        if a.name == name:
            return helper.get_attribute_value(a)
    return default


def quantize_matmuls(model: onnx.ModelProto, bits: int = 4, block_size: int = 32, min_k: int = 16,
                     min_params: int = 0) -> QuantStats:
    """In place: MatMul(A, W[K,N]) and Gemm(A, W, C) (transA=0, alpha=beta=1) with a constant, unshared 2-D float
    weight become MatMulNBits (+ Add for a Gemm bias). Scales keep the weight's float type (fp32 or fp16)."""
    g = model.graph
    inits = {t.name: t for t in g.initializer}
    cons = _consumers(g)
    stats = QuantStats(bits)
    new_nodes: List[onnx.NodeProto] = []
    drop_inits: Set[str] = set()
    add_inits: List[onnx.TensorProto] = []
    for node in g.node:
        wname = node.input[1] if len(node.input) > 1 else ""
        w_t = inits.get(wname)
        ok = (node.op_type in ("MatMul", "Gemm") and node.domain in ("", "ai.onnx") and w_t is not None
              and len(w_t.dims) == 2 and w_t.data_type in (TensorProto.FLOAT, TensorProto.FLOAT16))
        if ok and node.op_type == "Gemm":
            ok = (_attr(node, "transA", 0) == 0 and abs(_attr(node, "alpha", 1.0) - 1.0) < 1e-12
                  and abs(_attr(node, "beta", 1.0) - 1.0) < 1e-12)
            if ok and len(node.input) > 2 and node.input[2]:
                c = inits.get(node.input[2])
                ok = c is not None and len(c.dims) == 1
        if not ok:
            new_nodes.append(node)
            continue
        if len(cons.get(wname, [])) != 1:
            if wname not in stats.skipped_shared:
                stats.skipped_shared.append(wname)
            new_nodes.append(node)
            continue
        w = numpy_helper.to_array(w_t)
        wt = w if (node.op_type == "Gemm" and _attr(node, "transB", 0) == 1) else w.T        # [N, K]
        n_out, k_in = wt.shape
        if k_in < min_k or w.size < min_params:
            stats.skipped_small += 1
            new_nodes.append(node)
            continue
        packed, scales, deq = quantize_blockwise(wt.astype(np.float32), bits, block_size)
        denom = float(np.linalg.norm(wt.astype(np.float32))) or 1.0
        stats.max_weight_rel_error = max(stats.max_weight_rel_error,
                                         float(np.linalg.norm(deq - wt.astype(np.float32))) / denom)
        sdtype = np.float16 if w_t.data_type == TensorProto.FLOAT16 else np.float32
        base = node.name or wname
        qname, sname = f"{wname}_q{bits}", f"{wname}_scales"
        add_inits += [numpy_helper.from_array(packed, qname),
                      numpy_helper.from_array(scales.reshape(-1).astype(sdtype), sname)]
        drop_inits.add(wname)
        w_t.ClearField("raw_data")        # the float weight is dropped below: free its bytes now, not at the end
        for fld in ("float_data", "int32_data"):
            w_t.ClearField(fld)
        has_bias = node.op_type == "Gemm" and len(node.input) > 2 and node.input[2]
        out = node.output[0] + "_nobias" if has_bias else node.output[0]
        new_nodes.append(helper.make_node("MatMulNBits", [node.input[0], qname, sname], [out],
                                          name=f"{base}_MatMulNBits", domain=MS_DOMAIN, K=int(k_in), N=int(n_out),
                                          bits=int(bits), block_size=int(block_size)))
        if has_bias:
            new_nodes.append(helper.make_node("Add", [out, node.input[2]], [node.output[0]], name=f"{base}_bias"))
        stats.quantized_nodes += 1
        stats.quantized_params += int(w.size)
    del g.node[:]
    g.node.extend(new_nodes)
    kept = [t for t in g.initializer if t.name not in drop_inits]
    del g.initializer[:]
    g.initializer.extend(kept + add_inits)
    # value_info of removed weights is stale
    vi = [v for v in g.value_info if v.name not in drop_inits]
    del g.value_info[:]
    g.value_info.extend(vi)
    if stats.quantized_nodes and not any(o.domain == MS_DOMAIN for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid(MS_DOMAIN, 1))
    return stats


def dequantize_matmulnbits(model: onnx.ModelProto) -> int:
    """In place, the inverse rewrite used to verify a quantised graph: every MatMulNBits (without zero points)
    becomes a MatMul on its dequantised [K, N] weight in the scales' float type, computed from the stored bytes
    by this module's reading of the format. A quantised graph and its twin must agree to float rounding."""
    g = model.graph
    inits = {t.name: t for t in g.initializer}
    new_nodes, drop, add = [], set(), []
    n_done = 0
    for node in g.node:
        if node.op_type != "MatMulNBits" or node.domain != MS_DOMAIN:
            new_nodes.append(node)
            continue
        if len(node.input) > 3 and any(node.input[3:]):
            raise ValueError(f"{node.name}: zero points / g_idx / bias inputs are not produced by this module")
        k, n = int(_attr(node, "K", 0)), int(_attr(node, "N", 0))
        bits, bs = int(_attr(node, "bits", 4)), int(_attr(node, "block_size", 32))
        packed = numpy_helper.to_array(inits[node.input[1]])
        s_arr = numpy_helper.to_array(inits[node.input[2]])
        nb = packed.shape[1]
        if bits == 4:
            q = np.empty((n, nb, bs), dtype=np.int32)
            q[..., 0::2] = packed & 0x0F
            q[..., 1::2] = packed >> 4
        else:
            q = packed.astype(np.int32)
        w = ((q - 2 ** (bits - 1)).astype(np.float32) * s_arr.astype(np.float32).reshape(n, nb, 1))
        w = w.reshape(n, nb * bs)[:, :k].T.astype(s_arr.dtype)                     # [K, N]
        name = node.input[1] + "_dequantized"
        add.append(numpy_helper.from_array(np.ascontiguousarray(w), name))
        drop.update(node.input[1:3])
        new_nodes.append(helper.make_node("MatMul", [node.input[0], name], list(node.output), name=node.name + "_twin"))
        n_done += 1
    del g.node[:]
    g.node.extend(new_nodes)
    kept = [t for t in g.initializer if t.name not in drop]
    del g.initializer[:]
    g.initializer.extend(kept + add)
    return n_done


# ---------------------------------------------------------------------------------------------------------------
# sizes and saving

def tensor_nbytes(t: onnx.TensorProto) -> int:
    if t.data_location == TensorProto.EXTERNAL:
        for e in t.external_data:
            if e.key == "length":
                return int(e.value)
    if t.raw_data:
        return len(t.raw_data)
    return _shape_nbytes(t)


def _shape_nbytes(t: onnx.TensorProto) -> int:
    """Bytes of the tensor's data by its dims and type (whatever it holds now)."""
    n = int(np.prod(t.dims)) if len(t.dims) else 1
    return n * _np_dtype(t.data_type).itemsize


def _np_dtype(data_type: int) -> np.dtype:
    """numpy dtype of an ONNX tensor type (onnx >= 1.13 has helper.tensor_dtype_to_np_dtype; 1.12, Debian's, only
    the mapping table)."""
    to_np = getattr(helper, "tensor_dtype_to_np_dtype", None)
    if to_np is not None:
        return np.dtype(to_np(data_type))
    from onnx import mapping
    return np.dtype(mapping.TENSOR_TYPE_TO_NP_TYPE[data_type])


def largest_initializer_bytes(model: onnx.ModelProto) -> int:
    return max((tensor_nbytes(t) for t in model.graph.initializer), default=0)


def total_initializer_bytes(model: onnx.ModelProto) -> int:
    return sum(tensor_nbytes(t) for t in model.graph.initializer)


def _raw(t: onnx.TensorProto, external_base: Optional[Path] = None) -> bytes:
    """The tensor's bytes; an external tensor's are read from its file under `external_base` (save_model has
    checked that one is given)."""
    if t.data_location == TensorProto.EXTERNAL:
        info = {e.key: e.value for e in t.external_data}
        with open(Path(external_base) / info["location"], "rb") as fh:
            fh.seek(int(info.get("offset", 0)))
            data = fh.read(int(info["length"])) if "length" in info else fh.read()
        want = _shape_nbytes(t)
        if len(data) != want:
            raise ValueError(f"tensor {t.name!r}: {info['location']} holds {len(data)} of its {want} bytes "
                             f"(the exported graph's files are incomplete)")
        return data
    if t.raw_data:
        return t.raw_data
    return numpy_helper.to_array(t).tobytes()


def save_model(model: onnx.ModelProto, path: Path, max_file_bytes: int = MAX_FILE_BYTES,
               min_external_bytes: int = 1024, external_base: Optional[Path] = None) -> List[Path]:
    """Writes `path`; if the graph with its tensors would reach `max_file_bytes`, tensors of at least
    `min_external_bytes` go to external data files `<path>.data`, `<path>.data.1`, ... (each < max_file_bytes,
    offsets aligned to 4 KiB). Returns the written files, the .onnx first. The model's tensors are moved out of
    the proto (it is left without their bytes). Raises ValueError if a single tensor cannot fit in one file.

    `external_base`: the folder of a model loaded with `load_external_data=False` (torch.onnx.export writes one
    file per tensor for graphs over 2 GB); its tensors are then copied from their files one at a time, so a
    multi-GB graph is re-split without ever being in memory."""
    path = Path(path)
    for old in path.parent.glob(path.name + ".data*"):
        old.unlink()
    inline = total_initializer_bytes(model) + sum(len(n.SerializeToString()) for n in model.graph.node)
    if inline < max_file_bytes - (1 << 20) and not any(
            t.data_location == TensorProto.EXTERNAL for t in model.graph.initializer):
        onnx.save_model(model, str(path))
        if path.stat().st_size >= max_file_bytes:
            raise ValueError(f"{path.name}: {path.stat().st_size} bytes >= the {max_file_bytes}-byte file limit")
        return [path]
    files: List[Path] = []
    fh = None
    offset = 0

    def open_next():
        nonlocal fh, offset
        if fh is not None:
            fh.close()
        name = path.name + (".data" if not files else f".data.{len(files)}")
        files.append(path.parent / name)
        fh = open(files[-1], "wb")
        offset = 0

    try:
        for t in model.graph.initializer:
            external = t.data_location == TensorProto.EXTERNAL
            if external and external_base is None:
                raise ValueError(f"{path.name}: tensor {t.name!r} still points to external data; load it first")
            data = _raw(t, external_base)
            if len(data) < min_external_bytes:
                if external:                       # small enough to live in the graph file
                    t.raw_data = data
                    t.data_location = TensorProto.DEFAULT
                    del t.external_data[:]
                continue
            if len(data) + EXTERNAL_ALIGN > max_file_bytes:
                raise ValueError(f"{path.name}: tensor {t.name!r} has {len(data)} bytes, more than one "
                                 f"{max_file_bytes}-byte file can hold")
            start = -(-offset // EXTERNAL_ALIGN) * EXTERNAL_ALIGN if fh is not None else 0
            if fh is None or start + len(data) > max_file_bytes:
                open_next()
                start = 0
            if start > offset:
                fh.write(b"\0" * (start - offset))
            fh.write(data)
            offset = start + len(data)
            t.ClearField("raw_data")
            for fld in ("float_data", "int32_data", "int64_data", "double_data", "uint64_data", "string_data"):
                t.ClearField(fld)
            t.data_location = TensorProto.EXTERNAL
            del t.external_data[:]
            for k, v in (("location", files[-1].name), ("offset", str(start)), ("length", str(len(data)))):
                e = t.external_data.add()
                e.key, e.value = k, v
    finally:
        if fh is not None:
            fh.close()
    onnx.save_model(model, str(path))
    for f in [path] + files:
        if f.stat().st_size >= max_file_bytes:
            raise ValueError(f"{f.name}: {f.stat().st_size} bytes >= the {max_file_bytes}-byte file limit")
    return [path] + files


def load_model(path: Path) -> onnx.ModelProto:
    """onnx.load with external data (any layout: per-tensor files from torch.onnx.export or our split files)."""
    return onnx.load(str(path), load_external_data=True)


__all__ = ["MAX_FILE_BYTES", "MAX_SESSION_BYTES", "Conv1x1AsLinear", "linearize_for_quantization", "to_fp16",
           "quantize_blockwise", "quantize_matmuls", "dequantize_matmulnbits", "QuantStats", "save_model", "load_model",
           "largest_initializer_bytes", "total_initializer_bytes", "tensor_nbytes", "infer_value_info",
           "head_nodes", "tail_nodes"]
