"""Rule-based report labeler: tricky negation / uncertainty, rules-as-data sanity, and round trip on phantom reports."""
import json
import re

import pytest

from medcodi.phantom import LABELS, generate_case, generate_cases
from medcodi.phantom.labeler import RULES_PATH, label_report, labels_to_binary, load_rules


def lab(text):
    r = label_report(text)
    assert set(r) == set(LABELS)
    return r


@pytest.mark.parametrize("text,expected", [
    ("No pneumothorax.", {"pneumothorax": 0}),
    ("No evidence of pleural effusion or pneumothorax.", {"pleural_effusion": 0, "pneumothorax": 0}),
    ("Possible small right effusion.", {"pleural_effusion": -1}),
    ("Pneumothorax cannot be excluded.", {"pneumothorax": -1}),
    ("Heart size is normal.", {"cardiomegaly": 0}),
    ("The heart is enlarged.", {"cardiomegaly": 1}),
    ("No focal consolidation; however, there is a small left pleural effusion.", {"consolidation": 0, "pleural_effusion": 1}),
    ("Endotracheal tube has been removed.", {"endotracheal_tube": 0}),
    ("Interval resolution of edema.", {"pulmonary_edema": 0}),
    ("The heart is not enlarged.", {"cardiomegaly": 0}),
    ("There is no pneumothorax, but there is a small left pleural effusion.", {"pneumothorax": 0, "pleural_effusion": 1}),
    ("No change in the right pleural effusion.", {"pleural_effusion": 1}),
    ("Pleural effusions are absent.", {"pleural_effusion": 0}),
    ("Small pericardial effusion.", {}),
    ("Right lower lobe opacity may represent consolidation.", {"consolidation": -1}),
    ("Consolidation is likely.", {"consolidation": -1}),
    ("Questionable 1.5 cm nodule in the right upper lobe.", {"nodule_or_mass": -1}),
    ("No focal consolidation, pleural effusion or pneumothorax.", {"consolidation": 0, "pleural_effusion": 0, "pneumothorax": 0}),
    ("The lungs are clear. No acute cardiopulmonary process.",
     {"cardiomegaly": 0, "pleural_effusion": 0, "pneumothorax": 0, "consolidation": 0, "nodule_or_mass": 0, "pulmonary_edema": 0}),
    ("Left subclavian central line terminates in the SVC. ET tube tip is 3 cm above the carina.",
     {"central_line": 1, "endotracheal_tube": 1}),
    ("Moderate cardiomegaly. No pulmonary edema.", {"cardiomegaly": 1, "pulmonary_edema": 0}),
    ("No pneumothorax. Small right apical pneumothorax.", {"pneumothorax": 1}),          # positive beats negative
    ("No pleural effusion. Possible pleural effusion.", {"pleural_effusion": -1}),       # uncertain beats negative
    ("FINDINGS: The heart is enlarged. IMPRESSION: Cardiomegaly.", {"cardiomegaly": 1}),
])
def test_tricky_sentences(text, expected):
    r = lab(text)
    want = {l: expected.get(l) for l in LABELS}
    assert r == want, (text, r)


def test_nothing_mentioned_is_all_none():
    r = lab("FINDINGS: Technically adequate frontal and lateral views of the chest. Degenerative changes of the spine. "
            "IMPRESSION: See above.")
    assert all(v is None for v in r.values()), r
    assert all(v is None for v in lab("").values())


def test_labels_to_binary_uncertain_counts_as_positive():
    r = lab("Possible small right effusion. No pneumothorax. The heart is enlarged.")
    b = labels_to_binary(r)
    assert b["pleural_effusion"] == 1 and b["pneumothorax"] == 0 and b["cardiomegaly"] == 1 and b["consolidation"] == 0
    assert set(b) == set(LABELS)


def test_rules_are_plain_data():
    data = json.load(open(RULES_PATH))
    assert data["labels"] == LABELS
    assert isinstance(data["algorithm"], list) and len(data["algorithm"]) >= 5
    assert set(data["mentions"]) == set(LABELS)
    tok = re.compile(data["token_pattern"])
    lists = [p for ps in data["mentions"].values() for p in ps] + [p for r in data["normal"] for p in r["phrases"]]
    for k in ("pre_negation", "post_negation", "pre_uncertainty", "post_uncertainty", "terminators", "pseudo"):
        lists += data[k]
    for p in lists:
        assert p == p.lower() and p.strip() == p and tok.findall(p), p
    for r in data["normal"]:
        assert set(r["set"]) <= set(LABELS) and all(v == 0 for v in r["set"].values())
    rules = load_rules()
    assert rules.wpre >= 6 and rules.wpost >= 3


def test_round_trip_on_generated_reports():
    """The labeler recovers the generator's labels exactly from its own reports (>= 300 random cases)."""
    cases = generate_cases(320, seed=77, size=8)
    cases += generate_cases(90, seed=78, size=8, balanced=True)
    bad = []
    for c in cases:
        b = labels_to_binary(label_report(c.report))
        if b != c.labels:
            bad.append((c.report, c.labels, label_report(c.report)))
    assert not bad, bad[:3]
    # and absent labels are never read as uncertain/positive: explicit values agree too
    for c in cases[:100]:
        r = label_report(c.report)
        for l in LABELS:
            if c.labels[l]:
                assert r[l] == 1
            else:
                assert r[l] in (0, None)
