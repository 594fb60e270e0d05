"""Tiny tokenizer.json fixtures for tokenizer.test.ts, built with the toolchain's own trainers
(toolchain/medcodi/text_tokenizers.py, loaded by file path so torch is not needed), plus the Python ids of the
test sentences.

Run: /work/main/toolchain/.venv/bin/python workers/tokenizers/__fixtures__/make_fixtures.py
"""
import importlib.util
import json
import pathlib

HERE = pathlib.Path(__file__).parent
SOURCE = HERE.parents[2] / "toolchain" / "medcodi" / "text_tokenizers.py"
spec = importlib.util.spec_from_file_location("text_tokenizers", SOURCE)
tt = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tt)

CORPUS = [
    "The heart size is normal. No focal consolidation, pleural effusion or pneumothorax.",
    "Mild cardiomegaly with small bilateral pleural effusions.",
    "There is a right lower lobe opacity concerning for pneumonia.",
    "Lungs are clear. The cardiomediastinal silhouette is within normal limits.",
    "Moderate left pleural effusion with adjacent atelectasis.",
    "No acute cardiopulmonary process.",
    "Endotracheal tube terminates 4 cm above the carina.",
    "Stable appearance of the chest compared to the prior study.",
    "Interval increase in pulmonary vascular congestion and interstitial edema.",
    "Patient's lungs are hyperinflated; there isn't any pneumothorax.",
] * 3

SENTENCES = [
    "The heart size is normal.",
    "No focal consolidation, pleural effusion or pneumothorax.",
    "MILD Cardiomegaly   with small bilateral effusions",
    "right lower lobe opacity concerning for pneumonia",
    "Endotracheal tube 4 cm above the carina.",
    "Patient's lungs aren't clear!",
    "",
    "unseen words: zebra quokka xylophone",
    "Stable chest; compared to prior study (2019).",
    "a " * 60 + "end",
]

clip = tt.train_clip_tokenizer(CORPUS, vocab_size=160)
gpt2 = tt.train_gpt2_tokenizer(CORPUS, vocab_size=300)
tt.save(clip, HERE / "tokenizer-clip.json")
tt.save(gpt2, HERE / "tokenizer-gpt2.json")

CONTEXT = 16
specials = [gpt2.token_to_id(s) for s in tt.GPT2_SPECIALS]
cases = []
for text in SENTENCES:
    gids = gpt2.encode(text.lower(), add_special_tokens=False).ids
    cases.append({
        "text": text,
        "clipIds": clip.encode(text, add_special_tokens=False).ids,
        "clipContext": tt.encode_clip(clip, [text], CONTEXT, 0, 1)[0],
        "gpt2Ids": gids,
        "gpt2Decoded": gpt2.decode(gids),
        "gpt2DecodedWithSpecials": tt.decode_gpt2(gpt2, [specials[1]] + gids + [specials[2], specials[0]], specials),
    })
(HERE / "tokenizer-cases.json").write_text(json.dumps({
    "generator": "make_fixtures.py", "contextLength": CONTEXT, "clipBos": 0, "clipEos": 1,
    "gpt2Specials": dict(zip(tt.GPT2_SPECIALS, specials)), "cases": cases}, indent=1))
for p in ("tokenizer-clip.json", "tokenizer-gpt2.json", "tokenizer-cases.json"):
    print(p, (HERE / p).stat().st_size)
