"""Writes labeler-cases.json: report texts with the labels the Python phantom labeler gives them, so labeler.test.ts
can check that the TypeScript port agrees exactly. Regenerate after changing labeler_rules.json or labeler.py:

    cd toolchain && .venv/bin/python ../src/domain/__fixtures__/make_labeler_fixtures.py
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "toolchain"))

from medcodi.phantom import generate_cases  # noqa: E402
from medcodi.phantom.labeler import label_report  # noqa: E402

HANDWRITTEN = [
    "",
    "No acute cardiopulmonary process.",
    "The heart is enlarged. No pleural effusion or pneumothorax.",
    "Possible small left pleural effusion.",
    "Pneumothorax cannot be excluded.",
    "No pneumothorax, but there is a small right pleural effusion.",
    "Heart size is normal; possible consolidation in the right lower lobe?",
    "Consolidation versus atelectasis at the left base.",
    "No evidence of focal consolidation, pleural effusion, pneumothorax or pulmonary edema to suggest acute disease today.",
    "No change in the 1.5 cm nodule in the right upper lobe.",
    "Endotracheal tube has been removed. Right IJ line terminates in the SVC.",
    "Pericardial effusion is not a pleural effusion.",
    "Lungs are clear bilaterally!  Cardiomegaly.\nMild pulmonary edema is likely.",
    "FINDINGS: ET tube tip is 4 cm above the carina. IMPRESSION: Endotracheal tube in place.",
    "Cardiomegaly: resolved. Effusion: none.",
    "Blunting of the left costophrenic angle, consistent with a small pleural effusion.",
    "There is no mass; however a nodule is suspected in the lingula.",
    "PICC line and CVC removed, no pneumothorax seen although the effusion has resolved.",
    "Suspicious for pneumonia in the right middle lobe vs aspiration.",
    "No one two three four five six seven eight nine ten pneumothorax.",
    "No one two three four five six seven eight pneumothorax.",
    "Pneumothorax one two three four five not seen. Effusion one two three four not seen.",
    "Unicode dash – and ümlauts: no effusion.",
]


def main():
    texts = list(HANDWRITTEN)
    for case in generate_cases(60, seed=11, size=32, balanced=True):
        texts.append(case.report)
    out = [{"text": t, "labels": label_report(t)} for t in texts]
    path = os.path.join(HERE, "labeler-cases.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {len(out)} cases to {path}")


if __name__ == "__main__":
    main()
