"""consensus_index (medcodi.evaluate --report-candidates) picks as the studio's src/domain/report-consensus.ts does:
the same cases as report-consensus.test.ts."""
from medcodi.evaluate import consensus_index

LABELS = ["cardiomegaly", "effusion", "pneumothorax"]


def v(c, e, p):
    return {"cardiomegaly": c, "effusion": e, "pneumothorax": p}


def test_keeps_the_candidate_closest_to_the_others():
    assert consensus_index([v(0, 0, 1), v(1, 0, 0), v(1, 1, 0), v(1, 1, 0), v(1, 1, 1)], LABELS) == 2


def test_ties_go_to_the_earliest_candidate():
    assert consensus_index([v(1, 0, 0), v(0, 1, 0)], LABELS) == 0
    assert consensus_index([v(1, 0, 0), v(0, 1, 0), v(0, 1, 0)], LABELS) == 1


def test_a_lone_candidate_is_kept():
    assert consensus_index([v(1, 1, 1)], LABELS) == 0
