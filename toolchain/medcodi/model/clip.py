"""CLIP text and vision towers (spec §1.1-1.2) with Hugging Face `CLIPModel` state-dict names.

Pre-LN transformer, quick_gelu, attention written with matmul. The text causal mask is built without a batch
dimension so ONNX graphs keep a dynamic batch. The vision tower has no temporal layers (unused for still images).
Every constructor takes `device=` so the full-size model can be built on the meta device.
"""
from __future__ import annotations

import math
import re
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..config import ClipTextConfig, ClipVisionConfig

# Reference CLIP keys we do not produce: HF `position_ids` buffers (persistent in transformers 4.24) and the
# vision tower's temporal layers (spec §1.2; exact names are not in our key list, so any key under
# vision_model.* that contains "temporal" is treated as one).
_CLIP_DROP = re.compile(r"(^|\.)(text_model|vision_model)\.embeddings\.position_ids$|(^|\.)vision_model\..*temporal")


def is_dropped_clip_key(key: str) -> bool:
    """True for reference `clip.model.` keys intentionally absent here (position_ids buffers, temporal layers)."""
    return bool(_CLIP_DROP.search(key))


def quick_gelu(x: torch.Tensor) -> torch.Tensor:
    return x * torch.sigmoid(1.702 * x)


class ClipAttention(nn.Module):
    def __init__(self, hidden: int, heads: int, device=None):
        super().__init__()
        assert hidden % heads == 0
        self.heads = heads
        self.head_dim = hidden // heads
        self.scale = self.head_dim ** -0.5
        self.q_proj = nn.Linear(hidden, hidden, device=device)
        self.k_proj = nn.Linear(hidden, hidden, device=device)
        self.v_proj = nn.Linear(hidden, hidden, device=device)
        self.out_proj = nn.Linear(hidden, hidden, device=device)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        b, l, _ = x.shape
        return x.reshape(b, l, self.heads, self.head_dim).transpose(1, 2)   # [B, H, L, dh]

    def forward(self, x: torch.Tensor, mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        """mask: additive float mask broadcastable to [B, H, L, L] (0 keep, -inf drop) or None."""
        b, l, c = x.shape
        q = self._split(self.q_proj(x) * self.scale)
        k = self._split(self.k_proj(x))
        v = self._split(self.v_proj(x))
        w = torch.matmul(q, k.transpose(-1, -2))
        if mask is not None:
            w = w + mask
        w = torch.softmax(w, dim=-1)
        o = torch.matmul(w, v).transpose(1, 2).reshape(b, l, c)
        return self.out_proj(o)


class ClipMLP(nn.Module):
    def __init__(self, hidden: int, inner: int, device=None):
        super().__init__()
        self.fc1 = nn.Linear(hidden, inner, device=device)
        self.fc2 = nn.Linear(inner, hidden, device=device)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(quick_gelu(self.fc1(x)))


class ClipEncoderLayer(nn.Module):
    def __init__(self, hidden: int, heads: int, inner: int, eps: float, device=None):
        super().__init__()
        self.self_attn = ClipAttention(hidden, heads, device)
        self.layer_norm1 = nn.LayerNorm(hidden, eps=eps, device=device)
        self.mlp = ClipMLP(hidden, inner, device)
        self.layer_norm2 = nn.LayerNorm(hidden, eps=eps, device=device)

    def forward(self, x: torch.Tensor, mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        x = x + self.self_attn(self.layer_norm1(x), mask)
        return x + self.mlp(self.layer_norm2(x))


class ClipEncoder(nn.Module):
    def __init__(self, hidden: int, heads: int, inner: int, n_layers: int, eps: float, device=None):
        super().__init__()
        self.layers = nn.ModuleList([ClipEncoderLayer(hidden, heads, inner, eps, device) for _ in range(n_layers)])

    def forward(self, x: torch.Tensor, mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        for layer in self.layers:
            x = layer(x, mask)
        return x


class ClipTextEmbeddings(nn.Module):
    def __init__(self, cfg: ClipTextConfig, device=None):
        super().__init__()
        self.token_embedding = nn.Embedding(cfg.vocab_size, cfg.hidden_size, device=device)
        self.position_embedding = nn.Embedding(cfg.max_position_embeddings, cfg.hidden_size, device=device)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        l = input_ids.shape[1]
        return self.token_embedding(input_ids) + self.position_embedding.weight[:l].unsqueeze(0)


def causal_mask(l: int, device=None, dtype=torch.float32) -> torch.Tensor:
    """Batch-free additive causal mask [1, 1, L, L]: 0 on/below the diagonal, -inf above."""
    i = torch.arange(l, device=device)
    future = i.unsqueeze(0) > i.unsqueeze(1)   # [Lq, Lk]: key index > query index
    zero = torch.zeros((), dtype=dtype, device=device)
    ninf = torch.full((), float("-inf"), dtype=dtype, device=device)
    return torch.where(future, ninf, zero).unsqueeze(0).unsqueeze(0)


class ClipText(nn.Module):
    """HF `CLIPTextTransformer`: embeddings -> causal pre-LN encoder -> final_layer_norm."""

    def __init__(self, cfg: ClipTextConfig, device=None):
        super().__init__()
        self.cfg = cfg
        self.embeddings = ClipTextEmbeddings(cfg, device)
        self.encoder = ClipEncoder(cfg.hidden_size, cfg.num_heads, cfg.intermediate_size, cfg.num_layers,
                                   cfg.layer_norm_eps, device)
        self.final_layer_norm = nn.LayerNorm(cfg.hidden_size, eps=cfg.layer_norm_eps, device=device)

    def hidden_states(self, input_ids: torch.Tensor) -> torch.Tensor:
        """input_ids int64 [B,L] -> last hidden state after final LN [B,L,H]."""
        x = self.embeddings(input_ids)
        x = self.encoder(x, causal_mask(input_ids.shape[1], device=x.device, dtype=x.dtype))
        return self.final_layer_norm(x)

    def eos_index(self, input_ids: torch.Tensor) -> torch.Tensor:
        """Position of the first `eos_token_id` per row ([B] int64; 0 if absent). ONNX: Equal+Cast+ArgMax."""
        return torch.argmax((input_ids == self.cfg.eos_token_id).to(torch.float32), dim=-1)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        """Pooled output [B,1,H]: hidden state at the first EOS."""
        h = self.hidden_states(input_ids)
        idx = self.eos_index(input_ids).reshape(-1, 1, 1).expand(-1, 1, h.shape[-1])
        return torch.gather(h, 1, idx)


class ClipVisionEmbeddings(nn.Module):
    def __init__(self, cfg: ClipVisionConfig, device=None):
        super().__init__()
        self.num_patches = (cfg.image_size // cfg.patch_size) ** 2
        self.class_embedding = nn.Parameter(torch.empty(cfg.hidden_size, device=device))
        self.patch_embedding = nn.Conv2d(cfg.num_channels, cfg.hidden_size, cfg.patch_size, stride=cfg.patch_size,
                                         bias=False, device=device)
        self.position_embedding = nn.Embedding(self.num_patches + 1, cfg.hidden_size, device=device)

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        p = self.patch_embedding(pixel_values)                 # [B, H, g, g]
        b, c = p.shape[0], p.shape[1]
        p = p.reshape(b, c, -1).transpose(1, 2)                # [B, N, H]
        cls = self.class_embedding.reshape(1, 1, c).expand(b, 1, c)
        return torch.cat([cls, p], dim=1) + self.position_embedding.weight.unsqueeze(0)


class ClipVision(nn.Module):
    """HF `CLIPVisionTransformer`: patch embed -> pre_layrnorm -> encoder -> post_layernorm(CLS)."""

    def __init__(self, cfg: ClipVisionConfig, device=None):
        super().__init__()
        self.cfg = cfg
        self.embeddings = ClipVisionEmbeddings(cfg, device)
        self.pre_layrnorm = nn.LayerNorm(cfg.hidden_size, eps=cfg.layer_norm_eps, device=device)
        self.encoder = ClipEncoder(cfg.hidden_size, cfg.num_heads, cfg.intermediate_size, cfg.num_layers,
                                   cfg.layer_norm_eps, device)
        self.post_layernorm = nn.LayerNorm(cfg.hidden_size, eps=cfg.layer_norm_eps, device=device)

    def hidden_states(self, pixel_values: torch.Tensor) -> torch.Tensor:
        """[B,3,S,S] -> encoder output [B,1+N,H] (before post_layernorm)."""
        return self.encoder(self.pre_layrnorm(self.embeddings(pixel_values)))

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        """Pooled output [B,1,H] = post_layernorm(CLS)."""
        return self.post_layernorm(self.hidden_states(pixel_values)[:, :1])


def _l2(x: torch.Tensor) -> torch.Tensor:
    return x / torch.sqrt(torch.sum(x * x, dim=-1, keepdim=True))


class Clip(nn.Module):
    """HF `CLIPModel` layout: text_model, vision_model, text_projection, visual_projection, logit_scale."""

    def __init__(self, cfg_text: ClipTextConfig, cfg_vision: ClipVisionConfig, device=None):
        super().__init__()
        assert cfg_text.projection_dim == cfg_vision.projection_dim
        self.text_model = ClipText(cfg_text, device)
        self.vision_model = ClipVision(cfg_vision, device)
        self.text_projection = nn.Linear(cfg_text.hidden_size, cfg_text.projection_dim, bias=False, device=device)
        self.visual_projection = nn.Linear(cfg_vision.hidden_size, cfg_vision.projection_dim, bias=False,
                                           device=device)
        self.logit_scale = nn.Parameter(torch.full((), math.log(1 / 0.07), device=device))
        if str(device) != "meta":
            self.reset_parameters()

    def reset_parameters(self):
        """CLIP-style init (std 0.02 linears/token embeddings, 0.01 positions, LN 1/0)."""
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Embedding):
                nn.init.normal_(m.weight, std=0.02)
            elif isinstance(m, nn.LayerNorm):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        for emb in (self.text_model.embeddings.position_embedding, self.vision_model.embeddings.position_embedding):
            nn.init.normal_(emb.weight, std=0.01)
        ve = self.vision_model.embeddings
        nn.init.normal_(ve.class_embedding, std=ve.class_embedding.shape[0] ** -0.5)
        nn.init.normal_(ve.patch_embedding.weight, std=0.02)
        with torch.no_grad():
            self.logit_scale.fill_(math.log(1 / 0.07))

    def encode_text(self, input_ids: torch.Tensor) -> torch.Tensor:
        """input_ids int64 [B,L] -> L2-normalised text embedding [B,1,E]."""
        return _l2(self.text_projection(self.text_model(input_ids)))

    def encode_image(self, pixel_values: torch.Tensor) -> torch.Tensor:
        """pixel_values [B,3,Sv,Sv] (CLIP-normalised) -> L2-normalised image embedding [B,1,E]."""
        return _l2(self.visual_projection(self.vision_model(pixel_values)))

    def forward(self, input_ids: torch.Tensor, pixel_values: torch.Tensor):
        """Returns (text_embed [B,1,E], image_embed [B,1,E], logit_scale scalar (clamped to ln 100))."""
        return self.encode_text(input_ids), self.encode_image(pixel_values), self.logit_scale.clamp(max=math.log(100))
