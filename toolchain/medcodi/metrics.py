"""Report metrics as the MedCoDi-M authors computed them (evaluation-and-vtt.md §1.2): corpus BLEU-4 on lower-cased
word tokens with NLTK's smoothing method1, ROUGE-L F with beta 1.2 (pycocoevalcap), and micro label F1."""
from __future__ import annotations

import math
import re
from collections import Counter
from typing import Dict, List, Sequence

_TOKEN = re.compile(r"[a-z0-9]+|[^\sa-z0-9]")


def tokenize(text: str) -> List[str]:
    return _TOKEN.findall(text.lower())


def _ngrams(tokens: Sequence[str], n: int) -> Counter:
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def corpus_bleu(references: Sequence[str], hypotheses: Sequence[str], max_n: int = 4) -> float:
    """One reference per hypothesis; uniform weights; method1 smoothing (epsilon 0.1 for zero counts)."""
    num = [0] * max_n
    den = [0] * max_n
    ref_len = hyp_len = 0
    for ref, hyp in zip(references, hypotheses):
        r, h = tokenize(ref), tokenize(hyp)
        ref_len += len(r)
        hyp_len += len(h)
        for n in range(1, max_n + 1):
            hn, rn = _ngrams(h, n), _ngrams(r, n)
            num[n - 1] += sum(min(c, rn[g]) for g, c in hn.items())
            den[n - 1] += max(len(h) - n + 1, 0)
    if hyp_len == 0:
        return 0.0
    logp = 0.0
    for n in range(max_n):
        p = (num[n] if num[n] > 0 else 0.1) / max(den[n], 1)
        logp += math.log(p) / max_n
    bp = 1.0 if hyp_len > ref_len else math.exp(1 - ref_len / hyp_len)
    return bp * math.exp(logp)


def _lcs(a: Sequence[str], b: Sequence[str]) -> int:
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def rouge_l(references: Sequence[str], hypotheses: Sequence[str], beta: float = 1.2) -> float:
    scores = []
    for ref, hyp in zip(references, hypotheses):
        r, h = tokenize(ref), tokenize(hyp)
        if not r or not h:
            scores.append(0.0)
            continue
        lcs = _lcs(r, h)
        prec, rec = lcs / len(h), lcs / len(r)
        scores.append(0.0 if lcs == 0 else ((1 + beta ** 2) * prec * rec) / (rec + beta ** 2 * prec))
    return sum(scores) / max(len(scores), 1)


def micro_f1(truth: Sequence[Dict[str, int]], pred: Sequence[Dict[str, int]], labels: Sequence[str]) -> float:
    tp = fp = fn = 0
    for t, p in zip(truth, pred):
        for lab in labels:
            tv, pv = int(t.get(lab, 0)), int(p.get(lab, 0))
            tp += tv and pv
            fp += (not tv) and pv
            fn += tv and (not pv)
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)
