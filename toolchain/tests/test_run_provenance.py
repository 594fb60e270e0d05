"""Wall-clock accounting of training invocations (issue §3: all training together at most 3 hours)."""
import json
import time

import torch

from medcodi.config import get_config
from medcodi.train import Run


def make_run(root):
    return Run(root, get_config("nano"), seed=1, n_cases=8, device=torch.device("cpu"))


def test_a_killed_invocation_still_counts_towards_the_wall_clock(tmp_path):
    first = make_run(tmp_path)
    first.start_invocation()
    time.sleep(0.3)
    first.save_prov()  # a phase checkpoint; then the process dies without finish_invocation
    killed = json.loads((tmp_path / "provenance.json").read_text())["open_invocation"]["wall_seconds"]
    assert killed >= 0.3

    second = make_run(tmp_path)
    second.start_invocation()
    time.sleep(0.2)
    second.finish_invocation()
    prov = json.loads((tmp_path / "provenance.json").read_text())
    assert "open_invocation" not in prov
    assert prov["wall_seconds_per_invocation"][0] == killed
    assert prov["interrupted_invocations"][0]["wall_seconds"] == killed
    assert prov["wall_seconds_per_invocation"][1] >= 0.2
    assert prov["wall_seconds_total"] == round(sum(prov["wall_seconds_per_invocation"]), 1)


def test_grafted_runs_add_their_inherited_time(tmp_path):
    run = make_run(tmp_path)
    run.prov["inherited_wall_seconds"] = 100.0
    run.start_invocation()
    run.finish_invocation()
    prov = json.loads((tmp_path / "provenance.json").read_text())
    assert prov["wall_seconds_total"] == round(100.0 + prov["wall_seconds_per_invocation"][0], 1)
    assert len(prov["wall_seconds_per_invocation"]) == 1
