"""Tokenizers for the nano model, trained with the `tokenizers` library on phantom reports and saved as
tokenizer.json in the two formats the full model uses (spec §2.3-2.4):

- conditioning text: CLIP-style BPE (lower-case, word-end suffix `</w>`), `<|startoftext|>`/`<|endoftext|>`,
  padded with EOS to the context length;
- report decoder: GPT-2-style byte-level BPE with a leading space, plus `<PAD>`, `<BOS>`, `<EOS>` appended after
  the learned vocabulary (the official ids are 50257-50259; nano's are vocab-size + 0..2).
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, List, Sequence

from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

CLIP_BOS = "<|startoftext|>"
CLIP_EOS = "<|endoftext|>"
GPT2_SPECIALS = ("<PAD>", "<BOS>", "<EOS>")


def train_clip_tokenizer(texts: Iterable[str], vocab_size: int) -> Tokenizer:
    tok = Tokenizer(models.BPE(unk_token=None, end_of_word_suffix="</w>"))
    tok.normalizer = normalizers.Sequence([normalizers.NFC(), normalizers.Lowercase()])
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.decoder = decoders.BPEDecoder(suffix="</w>")
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=[CLIP_BOS, CLIP_EOS],
                                  end_of_word_suffix="</w>", show_progress=False)
    tok.train_from_iterator(list(texts), trainer)
    assert tok.token_to_id(CLIP_BOS) == 0 and tok.token_to_id(CLIP_EOS) == 1
    return tok


def train_gpt2_tokenizer(texts: Iterable[str], vocab_size: int) -> Tokenizer:
    tok = Tokenizer(models.BPE(unk_token=None))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=True)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  show_progress=False)
    tok.train_from_iterator([t.lower() for t in texts], trainer)
    learned = tok.get_vocab_size()
    tok.add_special_tokens(list(GPT2_SPECIALS))
    for i, name in enumerate(GPT2_SPECIALS):
        assert tok.token_to_id(name) == learned + i, (name, tok.token_to_id(name), learned)
    return tok


def encode_clip(tok: Tokenizer, texts: Sequence[str], context_length: int, bos_id: int, eos_id: int) -> List[List[int]]:
    """BOS + ids + EOS, truncated to the context (EOS kept last), padded with EOS (= pad, spec §2.3)."""
    out = []
    for text in texts:
        ids = tok.encode(text, add_special_tokens=False).ids[: context_length - 2]
        seq = [bos_id] + ids + [eos_id]
        seq += [eos_id] * (context_length - len(seq))
        out.append(seq)
    return out


def encode_gpt2(tok: Tokenizer, texts: Sequence[str], max_length: int, bos_id: int, eos_id: int, pad_id: int):
    """Reports are lower-cased (Optimus fine-tuning did the same, spec §2.6). Returns ids [B,T] and mask."""
    ids_out, mask_out = [], []
    for text in texts:
        ids = tok.encode(text.lower(), add_special_tokens=False).ids[: max_length - 2]
        seq = [bos_id] + ids + [eos_id]
        mask = [1] * len(seq) + [0] * (max_length - len(seq))
        seq += [pad_id] * (max_length - len(seq))
        ids_out.append(seq)
        mask_out.append(mask)
    return ids_out, mask_out


def decode_gpt2(tok: Tokenizer, ids: Sequence[int], special_ids: Sequence[int]) -> str:
    keep = [i for i in ids if i not in set(special_ids)]
    text = tok.decode(keep)
    for a, b in ((" .", "."), (" ,", ","), (" ?", "?"), (" !", "!"), (" 's", "'s"), (" n't", "n't")):
        text = text.replace(a, b)
    return " ".join(text.split())


def save(tok: Tokenizer, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tok.save(str(path))


def load(path: Path) -> Tokenizer:
    return Tokenizer.from_file(str(path))
