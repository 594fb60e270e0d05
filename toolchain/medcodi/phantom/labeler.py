"""Rule-based report labeler (NegEx-style, CheXpert aggregation). The rules are data: labeler_rules.json next to
this file; its "algorithm" field specifies the procedure step by step so the studio's TypeScript port gives
identical results. Phrases are plain lower-case token sequences (no regexes).

    label_report(text) -> {label: 1 | 0 | -1 | None}
        1 positive, 0 explicitly negated (or covered by a "normal" statement), -1 uncertain, None not mentioned.
    labels_to_binary(result) -> {label: 0/1}: uncertain (-1) counts as POSITIVE (1); 0 and None -> 0.
"""
from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from typing import Dict, List, Optional, Tuple

RULES_PATH = os.path.join(os.path.dirname(__file__), "labeler_rules.json")

_ROLE_LISTS = ("pre_negation", "post_negation", "pre_uncertainty", "post_uncertainty", "terminators", "pseudo")


class Rules:
    def __init__(self, data: dict):
        self.data = data
        self.labels: List[str] = list(data["labels"])
        self.tok_re = re.compile(data["token_pattern"])
        self.split_re = re.compile(data["sentence_split_pattern"])
        self.wpre = int(data["window"]["pre"])
        self.wpost = int(data["window"]["post"])
        table: Dict[Tuple[str, ...], List[tuple]] = {}

        def add(phrase: str, role: tuple):
            toks = tuple(self.tokenize(phrase.lower()))
            if not toks:
                raise ValueError(f"empty phrase {phrase!r}")
            table.setdefault(toks, [])
            if role not in table[toks]:
                table[toks].append(role)

        for label, phrases in data["mentions"].items():
            if label not in self.labels:
                raise KeyError(label)
            for p in phrases:
                add(p, ("mention", label))
        for k, rule in enumerate(data["normal"]):
            for p in rule["phrases"]:
                add(p, ("normal", k))
        for name in _ROLE_LISTS:
            for p in data[name]:
                add(p, (name,))
        self.table = table
        self.maxlen = max(len(k) for k in table)

    def tokenize(self, s: str) -> List[str]:
        return self.tok_re.findall(s)


@lru_cache(maxsize=4)
def _load(path: str) -> Rules:
    with open(path, "r", encoding="utf-8") as f:
        return Rules(json.load(f))


def load_rules(path: Optional[str] = None) -> Rules:
    return _load(os.path.abspath(path or RULES_PATH))


def _is_word(tok: str) -> bool:
    c = tok[0]
    return ("a" <= c <= "z") or ("0" <= c <= "9")


def _spans(rules: Rules, toks: List[str]):
    spans = []
    i, n = 0, len(toks)
    while i < n:
        found = None
        for L in range(min(rules.maxlen, n - i), 0, -1):
            roles = rules.table.get(tuple(toks[i:i + L]))
            if roles is not None:
                found = (i, i + L, roles)
                break
        if found:
            spans.append(found)
            i = found[1]
        else:
            i += 1
    return spans


def _label_sentence(rules: Rules, toks: List[str]) -> List[Tuple[str, int]]:
    obs: List[Tuple[str, int]] = []
    spans = _spans(rules, toks)
    words_before = [0]
    for t in toks:
        words_before.append(words_before[-1] + (1 if _is_word(t) else 0))
    nwords = lambda a, b: words_before[b] - words_before[a] if b > a else 0   # word tokens in toks[a:b]
    for si, (s, e, roles) in enumerate(spans):
        for role in roles:
            if role[0] == "normal":
                for label, v in rules.data["normal"][role[1]]["set"].items():
                    obs.append((label, int(v)))
        mentions = [r[1] for r in roles if r[0] == "mention"]
        if not mentions:
            continue
        neg = unc = False
        for sj in range(si - 1, -1, -1):                       # pre-scope
            ps, pe, proles = spans[sj]
            kinds = {r[0] for r in proles}
            if "terminators" in kinds or nwords(pe, s) > rules.wpre:
                break
            neg |= "pre_negation" in kinds
            unc |= "pre_uncertainty" in kinds
        for sj in range(si + 1, len(spans)):                   # post-scope
            ps, pe, proles = spans[sj]
            kinds = {r[0] for r in proles}
            if "terminators" in kinds or nwords(e, ps) > rules.wpost:
                break
            neg |= "post_negation" in kinds
            unc |= "post_uncertainty" in kinds
        v = -1 if unc else (0 if neg else 1)
        for label in mentions:
            obs.append((label, v))
    return obs


def label_report(text: str, rules: Optional[Rules] = None) -> Dict[str, Optional[int]]:
    rules = rules or load_rules()
    vals: Dict[str, set] = {l: set() for l in rules.labels}
    for sent in rules.split_re.split(text.lower()):
        toks = rules.tokenize(sent)
        if not toks:
            continue
        for label, v in _label_sentence(rules, toks):
            vals[label].add(v)
    out: Dict[str, Optional[int]] = {}
    for l in rules.labels:
        s = vals[l]
        out[l] = 1 if 1 in s else (-1 if -1 in s else (0 if 0 in s else None))
    return out


def labels_to_binary(result: Dict[str, Optional[int]]) -> Dict[str, int]:
    """Uncertain (-1) counts as positive; negated (0) and unmentioned (None) as negative."""
    return {l: int(v in (1, -1)) for l, v in result.items()}
