"""medcodi.evaluate --merge-into: a guidance sweep is added beside the reference rows, never over them."""
from medcodi.evaluate import merge_rows


def row(direction, steps, value, guidance=None, metric="agreement"):
    r = {"direction": direction, "steps": steps, "n": 200, "metric": metric, "value": value, "bar": 0.8,
         "passed": value >= 0.8, "note": ""}
    if guidance is not None:
        r["guidance"] = guidance
    return r


def test_sweep_rows_are_added_and_reference_rows_kept():
    evaluation = {"model": "m", "guidance": 7.5, "command": "c", "rows": [row("F>L", 50, 0.45), row("F>L", 20, 0.44)]}
    merged = merge_rows(evaluation, [row("F>L", 50, 0.54, 3.0), row("L>F", 50, 0.55, 3.0)])
    assert merged["command"] == "c" and merged["guidance"] == 7.5
    assert [(r["direction"], r["steps"], r["guidance"], r["value"]) for r in merged["rows"]] == [
        ("F>L", 50, 7.5, 0.45), ("F>L", 20, 7.5, 0.44), ("F>L", 50, 3.0, 0.54), ("L>F", 50, 3.0, 0.55)]
    assert evaluation["rows"][0].get("guidance") is None, "the input is not modified"


def test_a_rerun_replaces_its_own_row_in_place():
    evaluation = {"model": "m", "guidance": 7.5, "rows": [row("F>L", 50, 0.45), row("F>L", 50, 0.50, 3.0)]}
    merged = merge_rows(evaluation, [row("F>L", 50, 0.54, 3.0)])
    assert [(r["guidance"], r["value"]) for r in merged["rows"]] == [(7.5, 0.45), (3.0, 0.54)]
    merged = merge_rows(merged, [row("F>L", 50, 0.46, 7.5)])
    assert [(r["guidance"], r["value"]) for r in merged["rows"]] == [(7.5, 0.46), (3.0, 0.54)]
