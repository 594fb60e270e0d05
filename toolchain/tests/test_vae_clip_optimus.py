"""VAE, CLIP and Optimus: reference key/shape parity and spec §8 counts (FULL, meta device), nano forward +
ONNX export parity (opset 17, onnxruntime) and GPT-2 cache consistency."""
from __future__ import annotations

import gzip
import json
import os

import numpy as np
import pytest
import torch

from medcodi.config import FULL, NANO
from medcodi.model.clip import Clip, is_dropped_clip_key
from medcodi.model.graphs_ae import (ClipTextGraph, ClipVisionGraph, Gpt2InitGraph, Gpt2StepGraph, VaeDecoderGraph,
                                     VaeEncoderGraph, GRAPH_IO, example_inputs, export_graph)
from medcodi.model.optimus import OptimusBertEncoder, OptimusGPT2Decoder
from medcodi.model.vae import AutoencoderKL, is_dropped_vae_key

torch.set_num_threads(1)

from medcodi.convert import REF_KEYS


def nparams(m: torch.nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())


@pytest.fixture(scope="module")
def ref():
    assert REF_KEYS.exists(), f"reference key list missing: {REF_KEYS} (it is committed with the toolchain)"
    with gzip.open(REF_KEYS, "rt") as f:
        return {k: tuple(s) for k, s, _ in json.load(f)}


def _compare(ref, prefix, module, drop=lambda k: False):
    produced = {prefix + k: tuple(v.shape) for k, v in module.state_dict().items()}
    wrong = {k: (s, ref.get(k)) for k, s in produced.items() if ref.get(k) != s}
    assert not wrong, f"keys missing from / differing with the reference: {list(wrong.items())[:10]}"
    not_produced = [k for k in ref if k.startswith(prefix) and k not in produced]
    undocumented = [k for k in not_produced if not drop(k)]
    assert not undocumented, f"reference keys neither produced nor dropped: {undocumented[:10]}"
    return not_produced


# ------------------------------------------------------------------------------------------------------------------
# FULL: keys, shapes, counts (meta device: no weight memory)
# ------------------------------------------------------------------------------------------------------------------

def test_full_vae_keys_and_counts(ref):
    vae = AutoencoderKL(FULL.vae, device="meta")
    dropped = _compare(ref, "autokl.", vae, is_dropped_vae_key)
    assert len(dropped) == 40 and all("frameshiftblock" in k for k in dropped)
    assert sum(int(np.prod(ref[k])) for k in dropped) == 18_297_600
    assert nparams(vae.encoder) == 34_163_592
    assert nparams(vae.quant_conv) == 72
    assert nparams(vae.decoder) == 49_490_179
    assert nparams(vae.post_quant_conv) == 20


def test_full_optimus_keys_and_counts(ref):
    enc = OptimusBertEncoder(FULL.optimus, device="meta")
    dec = OptimusGPT2Decoder(FULL.optimus, device="meta")
    assert _compare(ref, "optimus.encoder.", enc) == []
    assert _compare(ref, "optimus.decoder.", dec) == []
    assert nparams(enc) == 109_489_920
    assert nparams(dec) == 132_109_824          # lm_head tied to wte, counted once
    assert dec.lm_head.weight is dec.transformer.wte.weight


def test_full_clip_counts():
    clip = Clip(FULL.clip_text, FULL.clip_vision, device="meta")
    assert nparams(clip.text_model) == 123_060_480
    assert nparams(clip.text_projection) == 589_824
    assert nparams(clip.vision_model) == 303_179_776
    assert nparams(clip.visual_projection) == 786_432
    assert clip.logit_scale.numel() == 1
    keys = set(clip.state_dict())
    for k in ["text_model.embeddings.token_embedding.weight", "text_model.embeddings.position_embedding.weight",
              "text_model.encoder.layers.11.self_attn.q_proj.weight", "text_model.encoder.layers.0.mlp.fc2.bias",
              "text_model.encoder.layers.0.layer_norm2.weight", "text_model.final_layer_norm.bias",
              "vision_model.embeddings.class_embedding", "vision_model.embeddings.patch_embedding.weight",
              "vision_model.embeddings.position_embedding.weight", "vision_model.pre_layrnorm.weight",
              "vision_model.encoder.layers.23.self_attn.out_proj.bias", "vision_model.post_layernorm.weight",
              "text_projection.weight", "visual_projection.weight", "logit_scale"]:
        assert k in keys, k
    assert "vision_model.embeddings.patch_embedding.bias" not in keys
    assert "text_projection.bias" not in keys
    assert is_dropped_clip_key("clip.model.text_model.embeddings.position_ids")
    assert not is_dropped_clip_key("clip.model.text_model.embeddings.position_embedding.weight")


# ------------------------------------------------------------------------------------------------------------------
# NANO: forward, ONNX parity
# ------------------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def nano():
    torch.manual_seed(0)
    clip = Clip(NANO.clip_text, NANO.clip_vision).eval()
    vae = AutoencoderKL(NANO.vae).eval()
    enc = OptimusBertEncoder(NANO.optimus).eval()
    dec = OptimusGPT2Decoder(NANO.optimus).eval()
    print("\nnano params: clip_text %d (+proj %d), clip_vision %d (+proj %d), vae encoder %d (+quant %d), "
          "vae decoder %d (+post_quant %d), bert %d, gpt2 %d" % (
              nparams(clip.text_model), nparams(clip.text_projection), nparams(clip.vision_model),
              nparams(clip.visual_projection), nparams(vae.encoder), nparams(vae.quant_conv),
              nparams(vae.decoder), nparams(vae.post_quant_conv), nparams(enc), nparams(dec)))
    return dict(clip=clip, vae=vae, enc=enc, dec=dec)


def test_nano_forward_shapes(nano):
    clip, vae, enc, dec = nano["clip"], nano["vae"], nano["enc"], nano["dec"]
    (ids,) = example_inputs("clip_text", NANO)
    t = clip.encode_text(ids)
    assert t.shape == (2, 1, NANO.clip_text.projection_dim)
    assert torch.allclose(t.norm(dim=-1), torch.ones(2, 1), atol=1e-5)
    # pooling at the first EOS: tokens after it do not matter
    ids2 = ids.clone()
    ids2[:, 6:] = 7
    ids2[:, 5] = NANO.clip_text.eos_token_id
    assert torch.allclose(clip.encode_text(ids2), t, atol=1e-6)
    (px,) = example_inputs("clip_vision", NANO)
    assert clip.encode_image(px).shape == (2, 1, NANO.clip_vision.projection_dim)
    (img,) = example_inputs("vae_encoder", NANO)
    mean, logvar = vae.encode(img)
    s = NANO.vae.latent_size
    assert mean.shape == logvar.shape == (2, NANO.vae.embed_dim, s, s)
    assert vae.decode(mean).shape == (2, 3, NANO.image_size, NANO.image_size)
    o = NANO.optimus
    bids = torch.randint(2, o.bert_vocab_size, (2, 9))
    mu, lv = enc(bids, torch.ones_like(bids))
    assert mu.shape == lv.shape == (2, o.latent_size)
    logits = dec(torch.randint(0, o.vocab_size, (2, 7)), mu)
    assert logits.shape == (2, 7, o.vocab_size)


def test_gpt2_cache_consistency(nano):
    dec = nano["dec"]
    o = NANO.optimus
    torch.manual_seed(1)
    b, tlen = 2, 6
    ids = torch.randint(0, o.vocab_size, (b, tlen))
    ids[:, 0] = o.bos_token_id
    z = torch.randn(b, o.latent_size)
    with torch.no_grad():
        ref = dec(ids, z)
        emb, pk, pv = dec.init_cache(z)
        dh = o.n_embd // o.n_head
        assert emb.shape == (b, o.n_embd) and pk.shape == pv.shape == (o.n_layer, b, o.n_head, 1, dh)
        pos = torch.arange(1, tlen + 1).unsqueeze(0).expand(b, tlen)
        prefill, k_all, v_all = dec.step(ids, pos, emb, pk, pv)
        assert k_all.shape == (o.n_layer, b, o.n_head, tlen + 1, dh)
        torch.testing.assert_close(prefill, ref, atol=1e-5, rtol=1e-5)
        k, v, outs = pk, pv, []
        for i in range(tlen):
            lg, k, v = dec.step(ids[:, i:i + 1], pos[:, i:i + 1], emb, k, v)
            outs.append(lg)
        torch.testing.assert_close(torch.cat(outs, 1), ref, atol=1e-5, rtol=1e-5)
        torch.testing.assert_close(k, k_all, atol=1e-5, rtol=1e-5)
        # split prefill: 2 tokens, then the remaining 4 in one step
        _, k2, v2 = dec.step(ids[:, :2], pos[:, :2], emb, pk, pv)
        lg, _, _ = dec.step(ids[:, 2:], pos[:, 2:], emb, k2, v2)
        torch.testing.assert_close(lg, ref[:, 2:], atol=1e-5, rtol=1e-5)
        # causality: changing a later token leaves earlier logits unchanged
        ids3 = ids.clone()
        ids3[:, -1] = (ids3[:, -1] + 1) % o.vocab_size
        torch.testing.assert_close(dec(ids3, z)[:, :-1], ref[:, :-1])
        gen = dec.generate(z, max_length=8, generator=torch.Generator().manual_seed(0))
        assert gen.shape[0] == b and gen.shape[1] <= 8 and bool((gen[:, 0] == o.bos_token_id).all())


def _ort(path):
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])


def _check_export(tmp_path, name, module, args, alt_args=None):
    import onnx
    path = str(tmp_path / f"{name}.onnx")
    export_graph(module, name, args, path)
    model = onnx.load(path)
    ops = {n.op_type for n in model.graph.node}
    assert "Einsum" not in ops, name
    inputs, outputs, _ = GRAPH_IO[name]
    assert [i.name for i in model.graph.input] == inputs
    assert [o.name for o in model.graph.output] == outputs
    big = [i.name for i in model.graph.initializer if len(i.dims) == 4 and i.dims[0] == 1 and i.dims[1] == 1
           and i.dims[2] == i.dims[3] and i.dims[2] >= 64]
    assert not big, f"{name}: constant mask initializers {big}"
    sess = _ort(path)
    for a in [args] + ([alt_args] if alt_args is not None else []):
        with torch.no_grad():
            want = module(*a)
        want = want if isinstance(want, (tuple, list)) else (want,)
        got = sess.run(None, {n: t.numpy() for n, t in zip(inputs, a)})
        for n, w, g in zip(outputs, want, got):
            assert g.shape == tuple(w.shape), (name, n, g.shape, w.shape)
            np.testing.assert_allclose(g, w.numpy(), atol=1e-4, rtol=1e-4, err_msg=f"{name}:{n}")
    return ops


def test_onnx_clip(nano, tmp_path):
    clip = nano["clip"]
    _check_export(tmp_path, "clip_text", ClipTextGraph(clip), example_inputs("clip_text", NANO, batch=2),
                  example_inputs("clip_text", NANO, batch=3, seed=1))
    _check_export(tmp_path, "clip_vision", ClipVisionGraph(clip), example_inputs("clip_vision", NANO, batch=2),
                  example_inputs("clip_vision", NANO, batch=1, seed=1))


def test_onnx_vae(nano, tmp_path):
    vae = nano["vae"]
    ops = _check_export(tmp_path, "vae_decoder", VaeDecoderGraph(vae, 0.9), example_inputs("vae_decoder", NANO),
                        example_inputs("vae_decoder", NANO, batch=1, seed=1))
    assert "Resize" in ops
    _check_export(tmp_path, "vae_encoder", VaeEncoderGraph(vae, 0.9), example_inputs("vae_encoder", NANO),
                  example_inputs("vae_encoder", NANO, batch=1, seed=1))
    # in-graph scaling
    (lat,) = example_inputs("vae_decoder", NANO)
    with torch.no_grad():
        torch.testing.assert_close(VaeDecoderGraph(vae, 0.9)(lat), vae.decode(lat / 0.9), atol=1e-5, rtol=1e-5)


def test_onnx_gpt2(nano, tmp_path):
    dec = nano["dec"]
    _check_export(tmp_path, "gpt2_init", Gpt2InitGraph(dec, 1.2), example_inputs("gpt2_init", NANO),
                  example_inputs("gpt2_init", NANO, batch=1, seed=1))
    _check_export(tmp_path, "gpt2_step", Gpt2StepGraph(dec), example_inputs("gpt2_step", NANO, batch=2, seq=3, past=2),
                  example_inputs("gpt2_step", NANO, batch=1, seq=1, past=5, seed=1))
    o = NANO.optimus
    import onnx
    inits = onnx.load(str(tmp_path / "gpt2_step.onnx")).graph.initializer
    wte_like = [tuple(i.dims) for i in inits if int(np.prod(i.dims)) == o.vocab_size * o.n_embd]
    assert wte_like == [(o.vocab_size, o.n_embd)], f"tied wte duplicated in gpt2_step: {wte_like}"
    # ORT decode loop: init + prefill + one-token steps == PyTorch forward
    init, step = _ort(str(tmp_path / "gpt2_init.onnx")), _ort(str(tmp_path / "gpt2_step.onnx"))
    torch.manual_seed(2)
    z = torch.randn(2, o.latent_size)
    ids = torch.randint(0, o.vocab_size, (2, 5))
    with torch.no_grad():
        ref = dec(ids, z / 1.2).numpy()
    emb, k, v = init.run(None, {"latent": z.numpy()})
    pos = np.arange(1, 6, dtype=np.int64)[None].repeat(2, 0)
    lg, k, v = step.run(None, {"input_ids": ids[:, :2].numpy(), "position_ids": pos[:, :2], "emb_bias": emb,
                               "past_keys": k, "past_values": v})
    outs = [lg]
    for i in range(2, 5):
        lg, k, v = step.run(None, {"input_ids": ids[:, i:i + 1].numpy(), "position_ids": pos[:, i:i + 1],
                                   "emb_bias": emb, "past_keys": k, "past_values": v})
        outs.append(lg)
    np.testing.assert_allclose(np.concatenate(outs, 1), ref, atol=1e-4, rtol=1e-4)
