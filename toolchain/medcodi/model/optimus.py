"""Optimus report VAE (spec §1.8-1.9): BERT encoder (training only) and GPT-2 decoder with latent injection.

State-dict keys match the reference under `optimus.encoder.` / `optimus.decoder.`, including the GPT-2 per-layer
`attn.bias` causal-mask buffer [1,1,n_positions,n_positions] (kept only so the checkpoint loads strictly; it is
never read: masks are computed from shapes, so no constant mask reaches an ONNX graph). GPT-2 linears use the
Conv1D layout (weight [in, out]). Every constructor takes `device=` for meta-device construction.

Decoder semantics: the latent z (already divided by the scale factor) gives
  emb_bias = linear_emb(z)                       added to every token embedding (wte + wpe + emb_bias)
  mem_l    = chunk l of linear(z), split into heads   one-slot past key AND value of layer l (key position 0)
Token positions start at 1. Attention mask: query at absolute position p sees keys 0..p (memory slot included).
"""
from __future__ import annotations

import math
from typing import Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..config import OptimusConfig

MASK_VALUE = -1e4   # reference fill for masked GPT-2 logits (w*b - 1e4*(1-b)); fp16-safe


def gelu_tanh(x: torch.Tensor) -> torch.Tensor:
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * (x * x * x))))


# ----------------------------------------------------------------------------------------------------------------
# BERT encoder (keys under optimus.encoder.)
# ----------------------------------------------------------------------------------------------------------------

class _Sub(nn.Module):
    """Plain container so that key paths match (e.g. attention.self.query)."""


class BertEmbeddings(nn.Module):
    def __init__(self, cfg: OptimusConfig, dropout: float, device=None):
        super().__init__()
        self.word_embeddings = nn.Embedding(cfg.bert_vocab_size, cfg.bert_hidden, device=device)
        self.position_embeddings = nn.Embedding(cfg.bert_max_positions, cfg.bert_hidden, device=device)
        self.token_type_embeddings = nn.Embedding(cfg.bert_type_vocab, cfg.bert_hidden, device=device)
        self.LayerNorm = nn.LayerNorm(cfg.bert_hidden, eps=cfg.bert_layer_norm_eps, device=device)
        self.dropout = nn.Dropout(dropout)

    def forward(self, input_ids: torch.Tensor, token_type_ids: Optional[torch.Tensor] = None) -> torch.Tensor:
        l = input_ids.shape[1]
        x = self.word_embeddings(input_ids) + self.position_embeddings.weight[:l].unsqueeze(0)
        if token_type_ids is None:
            x = x + self.token_type_embeddings.weight[0]
        else:
            x = x + self.token_type_embeddings(token_type_ids)
        return self.dropout(self.LayerNorm(x))


class BertSelfAttention(nn.Module):
    def __init__(self, hidden: int, heads: int, dropout: float, device=None):
        super().__init__()
        self.heads, self.head_dim = heads, hidden // heads
        self.query = nn.Linear(hidden, hidden, device=device)
        self.key = nn.Linear(hidden, hidden, device=device)
        self.value = nn.Linear(hidden, hidden, device=device)
        self.dropout = nn.Dropout(dropout)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        b, l, _ = x.shape
        return x.reshape(b, l, self.heads, self.head_dim).transpose(1, 2)

    def forward(self, x: torch.Tensor, add_mask: Optional[torch.Tensor]) -> torch.Tensor:
        b, l, c = x.shape
        q, k, v = self._split(self.query(x)), self._split(self.key(x)), self._split(self.value(x))
        w = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        if add_mask is not None:
            w = w + add_mask
        w = self.dropout(torch.softmax(w, dim=-1))
        return torch.matmul(w, v).transpose(1, 2).reshape(b, l, c)


class BertSelfOutput(nn.Module):
    def __init__(self, hidden: int, eps: float, dropout: float, device=None):
        super().__init__()
        self.dense = nn.Linear(hidden, hidden, device=device)
        self.LayerNorm = nn.LayerNorm(hidden, eps=eps, device=device)
        self.dropout = nn.Dropout(dropout)

    def forward(self, h: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dropout(self.dense(h)) + x)


class BertLayer(nn.Module):
    def __init__(self, cfg: OptimusConfig, dropout: float, device=None):
        super().__init__()
        hd, eps = cfg.bert_hidden, cfg.bert_layer_norm_eps
        self.attention = _Sub()
        self.attention.self = BertSelfAttention(hd, cfg.bert_heads, dropout, device)
        self.attention.output = BertSelfOutput(hd, eps, dropout, device)
        self.intermediate = _Sub()
        self.intermediate.dense = nn.Linear(hd, cfg.bert_intermediate, device=device)
        self.output = _Sub()
        self.output.dense = nn.Linear(cfg.bert_intermediate, hd, device=device)
        self.output.LayerNorm = nn.LayerNorm(hd, eps=eps, device=device)
        self.output.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, add_mask: Optional[torch.Tensor]) -> torch.Tensor:
        x = self.attention.output(self.attention.self(x, add_mask), x)
        h = F.gelu(self.intermediate.dense(x))   # exact (erf) GELU, BERT "gelu"
        return self.output.LayerNorm(self.output.dropout(self.output.dense(h)) + x)


class OptimusBertEncoder(nn.Module):
    """BERT + tanh pooler + `linear` (H -> 2*latent, no bias). forward -> (mu, logvar), each [B, latent]."""

    def __init__(self, cfg: OptimusConfig, dropout: float = 0.1, device=None):
        super().__init__()
        self.cfg = cfg
        self.embeddings = BertEmbeddings(cfg, dropout, device)
        self.encoder = _Sub()
        self.encoder.layer = nn.ModuleList([BertLayer(cfg, dropout, device) for _ in range(cfg.bert_layers)])
        self.pooler = _Sub()
        self.pooler.dense = nn.Linear(cfg.bert_hidden, cfg.bert_hidden, device=device)
        self.linear = nn.Linear(cfg.bert_hidden, 2 * cfg.latent_size, bias=False, device=device)
        if str(device) != "meta":
            _init_transformer(self)

    def forward(self, input_ids: torch.Tensor, attention_mask: Optional[torch.Tensor] = None,
                token_type_ids: Optional[torch.Tensor] = None) -> Tuple[torch.Tensor, torch.Tensor]:
        """input_ids int64 [B,L], attention_mask [B,L] (1 keep / 0 pad; default: ids > 0) -> (mu, logvar)."""
        if attention_mask is None:
            attention_mask = (input_ids > 0)
        add_mask = (1.0 - attention_mask.to(torch.float32))[:, None, None, :] * -10000.0
        x = self.embeddings(input_ids, token_type_ids)
        for layer in self.encoder.layer:
            x = layer(x, add_mask)
        pooled = torch.tanh(self.pooler.dense(x[:, 0]))
        mu, logvar = self.linear(pooled).chunk(2, dim=-1)
        return mu, logvar


# ----------------------------------------------------------------------------------------------------------------
# GPT-2 decoder (keys under optimus.decoder.)
# ----------------------------------------------------------------------------------------------------------------

class Conv1D(nn.Module):
    """GPT-2 linear with weight stored [in, out]: y = x @ W + b."""

    def __init__(self, n_in: int, n_out: int, device=None):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n_in, n_out, device=device))
        self.bias = nn.Parameter(torch.zeros(n_out, device=device))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.matmul(x, self.weight) + self.bias


class GPT2Attention(nn.Module):
    def __init__(self, cfg: OptimusConfig, dropout: float, device=None):
        super().__init__()
        n = cfg.n_embd
        self.n_embd, self.heads, self.head_dim = n, cfg.n_head, n // cfg.n_head
        # Checkpoint-compatibility buffer (never read; masks are computed from shapes).
        self.register_buffer("bias", torch.ones(cfg.n_positions, cfg.n_positions, device=device).tril()
                             .reshape(1, 1, cfg.n_positions, cfg.n_positions))
        self.c_attn = Conv1D(n, 3 * n, device)
        self.c_proj = Conv1D(n, n, device)
        self.attn_dropout = nn.Dropout(dropout)
        self.resid_dropout = nn.Dropout(dropout)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        b, t, _ = x.shape
        return x.reshape(b, t, self.heads, self.head_dim).transpose(1, 2)   # [B, Hd, T, dh]

    def forward(self, x: torch.Tensor, past_k: torch.Tensor, past_v: torch.Tensor, allowed: torch.Tensor):
        """x [B,T,C]; past_k/v [B,Hd,P,dh]; allowed bool [T, P+T] -> (out [B,T,C], k_all, v_all [B,Hd,P+T,dh])."""
        b, t, c = x.shape
        q, k, v = [self._split(y) for y in self.c_attn(x).split(self.n_embd, dim=-1)]
        k = torch.cat([past_k, k], dim=2)
        v = torch.cat([past_v, v], dim=2)
        w = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(self.head_dim))
        w = torch.where(allowed, w, torch.full((), MASK_VALUE, dtype=w.dtype, device=w.device))
        w = self.attn_dropout(torch.softmax(w, dim=-1))
        o = torch.matmul(w, v).transpose(1, 2).reshape(b, t, c)
        return self.resid_dropout(self.c_proj(o)), k, v


class GPT2MLP(nn.Module):
    def __init__(self, n: int, dropout: float, device=None):
        super().__init__()
        self.c_fc = Conv1D(n, 4 * n, device)
        self.c_proj = Conv1D(4 * n, n, device)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(self.c_proj(gelu_tanh(self.c_fc(x))))


class GPT2Block(nn.Module):
    def __init__(self, cfg: OptimusConfig, dropout: float, device=None):
        super().__init__()
        self.ln_1 = nn.LayerNorm(cfg.n_embd, eps=cfg.layer_norm_eps, device=device)
        self.attn = GPT2Attention(cfg, dropout, device)
        self.ln_2 = nn.LayerNorm(cfg.n_embd, eps=cfg.layer_norm_eps, device=device)
        self.mlp = GPT2MLP(cfg.n_embd, dropout, device)

    def forward(self, x, past_k, past_v, allowed):
        a, k, v = self.attn(self.ln_1(x), past_k, past_v, allowed)
        x = x + a
        return x + self.mlp(self.ln_2(x)), k, v


class GPT2Transformer(nn.Module):
    def __init__(self, cfg: OptimusConfig, dropout: float, device=None):
        super().__init__()
        self.wte = nn.Embedding(cfg.vocab_size, cfg.n_embd, device=device)
        self.wpe = nn.Embedding(cfg.n_positions, cfg.n_embd, device=device)
        self.drop = nn.Dropout(dropout)
        self.h = nn.ModuleList([GPT2Block(cfg, dropout, device) for _ in range(cfg.n_layer)])
        self.ln_f = nn.LayerNorm(cfg.n_embd, eps=cfg.layer_norm_eps, device=device)
        self.linear = nn.Linear(cfg.latent_size, cfg.n_layer * cfg.n_embd, bias=False, device=device)
        self.linear_emb = nn.Linear(cfg.latent_size, cfg.n_embd, bias=False, device=device)


class OptimusGPT2Decoder(nn.Module):
    """GPT-2 language model with the Optimus latent injection. lm_head is tied to transformer.wte."""

    def __init__(self, cfg: OptimusConfig, dropout: float = 0.1, device=None):
        super().__init__()
        self.cfg = cfg
        self.n_layer, self.n_head, self.head_dim = cfg.n_layer, cfg.n_head, cfg.n_embd // cfg.n_head
        self.transformer = GPT2Transformer(cfg, dropout, device)
        self.lm_head = nn.Linear(cfg.n_embd, cfg.vocab_size, bias=False, device=device)
        self.lm_head.weight = self.transformer.wte.weight
        if str(device) != "meta":
            _init_transformer(self)

    # -- latent -> cache --------------------------------------------------------------------------------------
    def init_cache(self, z: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """z [B, latent] (already divided by the scale factor) ->
        (emb_bias [B,C], past_keys [Lyr,B,Hd,1,dh], past_values [Lyr,B,Hd,1,dh]); keys == values."""
        t = self.transformer
        emb_bias = t.linear_emb(z)
        b = z.shape[0]
        mem = t.linear(z).reshape(b, self.n_layer, self.n_head, 1, self.head_dim).transpose(0, 1)
        return emb_bias, mem, mem

    def _logits(self, h: torch.Tensor) -> torch.Tensor:
        b, t, c = h.shape
        # 2-D F.linear *with a bias* exports as Gemm(transB=1) on the shared wte initializer; without a bias the
        # exporter emits MatMul(Transpose(W)) and constant folding duplicates the whole embedding matrix.
        w = self.lm_head.weight
        zero_bias = torch.zeros(w.shape[0], dtype=h.dtype, device=h.device)
        return F.linear(h.reshape(b * t, c), w, zero_bias).reshape(b, t, w.shape[0])

    def _run(self, input_ids, position_ids, emb_bias, past_keys, past_values, allowed):
        t = self.transformer
        x = t.wte(input_ids) + t.wpe(position_ids) + emb_bias.unsqueeze(1)
        x = t.drop(x)
        ks, vs = [], []
        for l, block in enumerate(t.h):
            x, k, v = block(x, past_keys[l], past_values[l], allowed)
            ks.append(k)
            vs.append(v)
        return self._logits(t.ln_f(x)), ks, vs

    # -- training / reference forward ------------------------------------------------------------------------
    def forward(self, input_ids: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """Teacher-forced logits [B,T,V] for input_ids int64 [B,T] (typically <BOS> + report) and latent z [B,D].

        Reference-style masking: a (T+1)x(T+1) lower-triangular mask over [memory ; tokens], rows of the tokens.
        """
        b, tlen = input_ids.shape
        emb_bias, pk, pv = self.init_cache(z)
        pos = torch.arange(1, tlen + 1, device=input_ids.device).unsqueeze(0).expand(b, tlen)
        allowed = torch.ones(tlen + 1, tlen + 1, device=input_ids.device).tril()[1:] > 0.5
        logits, _, _ = self._run(input_ids, pos, emb_bias, pk, pv, allowed)
        return logits

    # -- cached decoding (export-friendly) ---------------------------------------------------------------------
    def step(self, input_ids: torch.Tensor, position_ids: torch.Tensor, emb_bias: torch.Tensor,
             past_keys: torch.Tensor, past_values: torch.Tensor):
        """input_ids/position_ids int64 [B,T], emb_bias [B,C], past_keys/values [Lyr,B,Hd,P,dh] ->
        (logits [B,T,V], present_keys [Lyr,B,Hd,P+T,dh], present_values). Query i (absolute key index P+i)
        sees keys 0..P+i. The mask is computed from shapes (Range + comparison), no constant initializer."""
        p = past_keys.shape[3]
        tlen = input_ids.shape[1]
        q_idx = torch.arange(tlen, device=input_ids.device).unsqueeze(1) + p
        k_idx = torch.arange(p + tlen, device=input_ids.device).unsqueeze(0)
        allowed = k_idx <= q_idx                                   # [T, P+T]
        logits, ks, vs = self._run(input_ids, position_ids, emb_bias, past_keys, past_values, allowed)
        return logits, torch.stack(ks, 0), torch.stack(vs, 0)

    @torch.no_grad()
    def generate(self, z: torch.Tensor, max_length: Optional[int] = None, greedy: bool = False,
                 generator: Optional[torch.Generator] = None) -> torch.Tensor:
        """Reference decoding (spec §4.2) with the KV cache: start at <BOS>, sample (or argmax) until <EOS> or
        max_length (then the last token is forced to <EOS>). Returns ids [B, <=max_length] incl. <BOS>;
        rows that stopped early are padded with <PAD>."""
        cfg = self.cfg
        max_length = max_length or cfg.max_decode_length
        b = z.shape[0]
        dev = z.device
        emb_bias, pk, pv = self.init_cache(z)
        out = torch.full((b, 1), cfg.bos_token_id, dtype=torch.long, device=dev)
        done = torch.zeros(b, dtype=torch.bool, device=dev)
        cur = out
        for pos in range(1, max_length):
            position_ids = torch.full((b, 1), pos, dtype=torch.long, device=dev)
            logits, pk, pv = self.step(cur, position_ids, emb_bias, pk, pv)
            probs = torch.softmax(logits[:, -1].float(), dim=-1)
            if greedy:
                nxt = probs.argmax(-1)
            else:
                nxt = torch.multinomial(probs, 1, generator=generator).squeeze(1)
            if pos == max_length - 1:
                nxt = torch.full_like(nxt, cfg.eos_token_id)
            nxt = torch.where(done, torch.full_like(nxt, cfg.pad_token_id), nxt)
            out = torch.cat([out, nxt[:, None]], dim=1)
            done = done | (nxt == cfg.eos_token_id)
            cur = nxt[:, None]
            if bool(done.all()):
                break
        return out


def _init_transformer(module: nn.Module, std: float = 0.02) -> None:
    """HF-style init: normal(0, 0.02) weights, zero biases, LayerNorm 1/0."""
    for m in module.modules():
        if isinstance(m, (nn.Linear, Conv1D)):
            nn.init.normal_(m.weight, std=std)
            if getattr(m, "bias", None) is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, std=std)
        elif isinstance(m, nn.LayerNorm):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
