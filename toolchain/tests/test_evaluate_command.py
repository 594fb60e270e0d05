"""medcodi.evaluate records the run it really evaluated, and --merge-into keeps the manifest's sha256 true."""
import hashlib
import json
from pathlib import Path

from medcodi.evaluate import evaluate_command, refresh_manifest_entry


def test_command_names_the_evaluated_run_and_the_non_default_options():
    assert evaluate_command(Path("runs/graft2"), 200, [50, 20], 1, 7.5, ["t2i", "i2t", "i2i", "joint"]) == \
        "python -m medcodi.evaluate --run runs/graft2 --n 200 --steps 50 20"
    assert evaluate_command(Path("runs/x"), 50, [50], 5, 3.0, ["i2i"]) == \
        "python -m medcodi.evaluate --run runs/x --n 50 --steps 50 --report-candidates 5 --guidance 3 --groups i2i"


def test_merge_refreshes_the_manifest_entry_of_the_rewritten_file(tmp_path):
    model_dir = tmp_path / "public" / "models" / "m"
    model_dir.mkdir(parents=True)
    evaluation = model_dir / "evaluation.json"
    evaluation.write_text('{"rows": []}')
    other = model_dir / "unconditional.json"
    other.write_text("{}")
    manifest_path = tmp_path / "models-manifest.json"
    manifest = {"schemaVersion": 1, "models": [{"id": "m", "baseUrl": "models/m/", "assets": [
        {"name": "evaluation", "file": {"path": "evaluation.json", "bytes": 1, "sha256": "0" * 64}},
        {"name": "unconditional", "file": {"path": "unconditional.json", "bytes": 7, "sha256": "1" * 64}}]}]}
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")

    assert refresh_manifest_entry(manifest_path, evaluation) == 1
    assets = json.loads(manifest_path.read_text())["models"][0]["assets"]
    data = evaluation.read_bytes()
    assert assets[0]["file"] == {"path": "evaluation.json", "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    assert assets[1]["file"] == {"path": "unconditional.json", "bytes": 7, "sha256": "1" * 64}   # untouched
    assert refresh_manifest_entry(manifest_path, evaluation) == 0                               # already true
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text("{}")
    assert refresh_manifest_entry(manifest_path, elsewhere) == 0


def test_shipped_evaluation_names_the_run_the_readme_reproduces():
    repo = Path(__file__).resolve().parents[2]
    shipped = json.loads((repo / "public/models/medcodi-nano/evaluation.json").read_text())
    assert shipped["command"] == "python -m medcodi.evaluate --run runs/graft2 --n 200 --steps 50 20"
    assert shipped["command"] in (repo / "toolchain/README.md").read_text()
