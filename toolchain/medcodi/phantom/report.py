"""Radiology-style report text for a phantom case: "FINDINGS: ... IMPRESSION: ...".

Every positive finding is stated in FINDINGS with its side / size / lobe, summarised in IMPRESSION; a seeded random
subset of absent findings gets an explicit negative. Templates are chosen by the report RNG only, so they vary per
seed. All phrasing is covered by labeler_rules.json (tests check that the labeler recovers the labels exactly).
Reports stay under MAX_WORDS words (optional sentences are dropped first).
"""
from __future__ import annotations

from typing import Dict, List

import numpy as np

MAX_WORDS = 70

LOBE_NAME = {"RUL": "right upper lobe", "RML": "right middle lobe", "RLL": "right lower lobe",
             "LUL": "left upper lobe", "LLL": "left lower lobe", "lingula": "lingula"}
SEV_ADV = {"mild": "mildly", "moderate": "moderately", "severe": "markedly"}
TIP_PHRASE = {"SVC": "in the SVC", "cavoatrial junction": "at the cavoatrial junction", "right atrium": "in the right atrium"}

NORMAL_FINDINGS = [
    ["The lungs are clear.", "Lungs are clear bilaterally.", "The lungs are well expanded and clear."],
    ["No focal consolidation, pleural effusion or pneumothorax.", "No pleural effusion or pneumothorax.",
     "There is no pleural effusion or pneumothorax.", "No focal consolidation, effusion or pneumothorax."],
    ["Cardiomediastinal silhouette is within normal limits.", "Heart size is normal.",
     "The heart and mediastinum are normal.", "Normal heart size."],
]
NORMAL_IMPRESSION = ["No acute cardiopulmonary process.", "No acute cardiopulmonary abnormality.",
                     "Normal chest radiograph.", "No acute cardiopulmonary disease."]

NEGATIVE = {
    "cardiomegaly": ["Heart size is normal.", "The heart is normal in size.", "Normal heart size.",
                     "Cardiomediastinal silhouette is within normal limits."],
    "pleural_effusion": ["No pleural effusion.", "There is no pleural effusion.", "No evidence of pleural effusion."],
    "pneumothorax": ["No pneumothorax.", "There is no pneumothorax.", "No evidence of pneumothorax."],
    "consolidation": ["No focal consolidation.", "No consolidation."],
    "nodule_or_mass": ["No pulmonary nodule or mass.", "No suspicious pulmonary nodules."],
    "pulmonary_edema": ["No pulmonary edema.", "No vascular congestion or edema."],
}


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _pick(rng: np.random.Generator, options: List[str]) -> str:
    return options[int(rng.integers(len(options)))]


def _positive(label: str, p: Dict, rng) -> (str, str):
    """(findings sentence, impression phrase) for one present finding."""
    if label == "cardiomegaly":
        sev = p["severity"]
        s = _pick(rng, ["The heart is enlarged.", f"The heart is {SEV_ADV[sev]} enlarged.", "Cardiomegaly is present.",
                        f"There is {sev} cardiomegaly.", "The cardiac silhouette is enlarged."])
        return s, _pick(rng, ["cardiomegaly", f"{sev} cardiomegaly"])
    if label == "pleural_effusion":
        side, size = p["side"], p["size"]
        if side == "bilateral":
            s = _pick(rng, [f"There are {size} bilateral pleural effusions.", f"{_cap(size)} bilateral pleural effusions.",
                            f"Bilateral {size} pleural effusions are present."])
            return s, f"{size} bilateral pleural effusions"
        opts = [f"There is a {size} {side} pleural effusion.", f"{_cap(size)} {side} pleural effusion.",
                f"A {size} {side} pleural effusion is present."]
        if size == "small":
            opts.append(f"Blunting of the {side} costophrenic angle, consistent with a small pleural effusion.")
        else:
            opts.append(f"{_cap(size)} {side} pleural effusion with a meniscus.")
        return _pick(rng, opts), f"{size} {side} pleural effusion"
    if label == "pneumothorax":
        side, size = p["side"], p["size"]
        s = _pick(rng, [f"There is a {size} {side} pneumothorax.", f"{_cap(size)} {side} apical pneumothorax with a visible pleural line.",
                        f"A {size} {side} pneumothorax is present.", f"{_cap(side)} pneumothorax, {size} in size."])
        return s, f"{size} {side} pneumothorax"
    if label == "consolidation":
        lobe = LOBE_NAME[p["lobe"]]
        s = _pick(rng, [f"There is consolidation in the {lobe}.", f"Focal consolidation in the {lobe}.",
                        f"{_cap(lobe)} airspace consolidation.", f"Dense airspace opacity in the {lobe}, consistent with consolidation."])
        return s, f"{lobe} consolidation"
    if label == "nodule_or_mass":
        lobe = LOBE_NAME[p["lobe"]]
        d = f"{p['diameter_cm']:.1f}"
        if p["kind"] == "nodule":
            s = _pick(rng, [f"There is a {d} cm nodule in the {lobe}.", f"A {d} cm {lobe} nodule is noted.",
                            f"{d} cm pulmonary nodule in the {lobe}."])
            return s, f"{d} cm {lobe} nodule"
        s = _pick(rng, [f"There is a {d} cm mass in the {lobe}.", f"A {d} cm {lobe} mass is present.",
                        f"Large {d} cm mass in the {lobe}."])
        return s, f"{d} cm {lobe} mass"
    if label == "pulmonary_edema":
        sev = p["severity"]
        s = _pick(rng, [f"There is {sev} pulmonary edema.", f"Perihilar haziness and interstitial lines, consistent with {sev} pulmonary edema.",
                        f"{_cap(sev)} interstitial pulmonary edema.", f"Findings consistent with {sev} pulmonary edema."])
        return s, f"{sev} pulmonary edema"
    if label == "endotracheal_tube":
        d = int(p["tip_above_carina_cm"])
        s = _pick(rng, [f"Endotracheal tube terminates {d} cm above the carina.", f"An endotracheal tube is in place, tip {d} cm above the carina.",
                        f"ET tube tip is {d} cm above the carina."])
        return s, "endotracheal tube in place"
    if label == "central_line":
        acc, tip = p["access"], TIP_PHRASE[p["tip"]]
        s = _pick(rng, [f"{_cap(acc)} central venous catheter terminates {tip}.", f"A {acc} central line ends {tip}.",
                        f"{_cap(acc)} central line with tip {tip}."])
        return s, f"{acc} central line {tip}"
    raise KeyError(label)


def make_report(labels: Dict[str, int], details: Dict, rng: np.random.Generator, variation: Dict) -> str:
    from .generator import LABELS
    present = [l for l in LABELS if labels[l]]
    pathologies = [l for l in present if l not in ("endotracheal_tube", "central_line")]
    devices = [l for l in present if l in ("endotracheal_tube", "central_line")]

    # optional technique remarks (no label content)
    tech = []
    if variation["inspiration"] == "shallow" and rng.random() < 0.5:
        tech.append("Low lung volumes.")
    if abs(variation["rotation_deg"]) > 5 and rng.random() < 0.4:
        tech.append("The patient is slightly rotated.")

    if not pathologies:
        core = [_pick(rng, grp) for grp in NORMAL_FINDINGS]
        if variation["inspiration"] == "shallow" and "well expanded" in core[0]:
            core[0] = "The lungs are clear."      # never contradict the (seeded) inspiration
        order = rng.permutation(len(core))
        core = [core[i] for i in order]
        dev = [_positive(l, details[l], rng) for l in devices]
        findings = tech + core + [d[0] for d in dev]
        imp = _pick(rng, NORMAL_IMPRESSION)
        if dev and rng.random() < 0.5:
            imp = _cap(" and ".join(d[1] for d in dev)) + ". " + imp
        return _assemble(findings, [], imp, rng)

    pos = [_positive(l, details[l], rng) for l in pathologies]
    dev = [_positive(l, details[l], rng) for l in devices]
    absent = [l for l in NEGATIVE if not labels[l]]
    neg: List[str] = []
    pool = list(absent)
    rng.shuffle(pool)
    n_neg = int(rng.integers(1, min(3, len(pool)) + 1)) if pool else 0
    chosen = pool[:n_neg]
    if "pleural_effusion" in chosen and "pneumothorax" in chosen and rng.random() < 0.6:
        chosen = [c for c in chosen if c not in ("pleural_effusion", "pneumothorax")]
        neg.append(_pick(rng, ["No pleural effusion or pneumothorax.", "No evidence of pleural effusion or pneumothorax."]))
    neg += [_pick(rng, NEGATIVE[c]) for c in chosen]
    if not labels["consolidation"] and not labels["pulmonary_edema"] and rng.random() < 0.5:
        neg.append("The lungs are otherwise clear.")
    findings_pos = [p[0] for p in pos]
    imp_phr = [p[1] for p in pos]
    if len(imp_phr) == 1:
        imp = _cap(imp_phr[0]) + "."
    else:
        joiner = _pick(rng, [" with ", " and ", ". "])
        if joiner == ". ":
            imp = ". ".join(_cap(x) for x in imp_phr) + "."
        else:
            imp = _cap(imp_phr[0]) + joiner + " and ".join(imp_phr[1:]) + "."
    devs = [d[0] for d in dev]
    return _assemble(tech + findings_pos, neg + devs, imp, rng, optional_first=neg)


def _assemble(core: List[str], tail: List[str], imp: str, rng, optional_first: List[str] = ()) -> str:
    sentences = core + tail
    text = "FINDINGS: " + " ".join(sentences) + " IMPRESSION: " + imp
    # keep under MAX_WORDS: drop optional negatives (then technique remarks) until it fits
    optional = list(optional_first) + [s for s in core if s in ("Low lung volumes.", "The patient is slightly rotated.")]
    while len(text.split()) > MAX_WORDS and optional:
        s = optional.pop(0)
        if s in sentences:
            sentences.remove(s)
        text = "FINDINGS: " + " ".join(sentences) + " IMPRESSION: " + imp
    return text
