"""Chest phantom: determinism, API, and consistency of labels, report and both views."""
import numpy as np
import pytest

from medcodi.phantom import LABELS, Case, FindingSpec, generate_case, generate_cases

S = 64


def zrow(z, n=S):  # patient z (cm) -> image row (no shift)
    return int(np.clip((20.0 - z) / 40.0 * n, 0, n - 1))


def xcol(x, n=S):  # patient x (cm, + = patient left) -> frontal column
    return int(np.clip((x + 20.0) / 40.0 * n, 0, n - 1))


def ycol(y, n=S):  # patient y (cm, + = anterior) -> lateral column (anterior on the left)
    return int(np.clip((20.0 - y) / 40.0 * n, 0, n - 1))


def roi_f(img, x0, x1, z0, z1):
    return img[zrow(z1):zrow(z0) + 1, xcol(x0):xcol(x1) + 1]


def roi_l(img, y0, y1, z0, z1):
    return img[zrow(z1):zrow(z0) + 1, ycol(y1):ycol(y0) + 1]


def pair(seed, spec):
    return generate_case(seed, size=S, findings=spec), generate_case(seed, size=S, normal=True)


SEEDS = [11, 23, 47]


def test_labels_order_and_api():
    assert LABELS == ["cardiomegaly", "pleural_effusion", "pneumothorax", "consolidation", "nodule_or_mass",
                      "pulmonary_edema", "endotracheal_tube", "central_line"]
    c = generate_case(3)
    assert isinstance(c, Case) and c.seed == 3
    for im in (c.frontal, c.lateral):
        assert im.shape == (S, S) and im.dtype == np.float32
        assert im.min() >= 0.0 and im.max() <= 1.0 and im.std() > 0.1
    assert set(c.labels) == set(LABELS)
    v = c.label_vector()
    assert v.shape == (8,) and v.dtype == np.float32
    assert list(v) == [float(c.labels[l]) for l in LABELS]
    assert c.report.startswith("FINDINGS: ") and " IMPRESSION: " in c.report
    for k in ("habitus", "rotation_deg", "inspiration", "exposure", "devices"):
        assert k in c.details


def test_determinism_same_seed_identical_different_seed_differs():
    a, b = generate_case(1234), generate_case(1234)
    assert np.array_equal(a.frontal, b.frontal) and np.array_equal(a.lateral, b.lateral)
    assert a.report == b.report and a.labels == b.labels and a.details == b.details
    c = generate_case(1235)
    assert not np.array_equal(a.frontal, c.frontal)
    assert not np.array_equal(a.lateral, c.lateral)
    # forced findings are deterministic too, and do not disturb the global numpy RNG
    np.random.seed(0)
    before = np.random.random()
    np.random.seed(0)
    f1 = generate_case(9, findings={"pleural_effusion": {"side": "left", "size": "moderate"}})
    after = np.random.random()
    assert before == after
    f2 = generate_case(9, findings={"pleural_effusion": {"side": "left", "size": "moderate"}})
    assert np.array_equal(f1.frontal, f2.frontal) and f1.report == f2.report


def test_generate_cases_deterministic_and_balanced():
    a = generate_cases(18, seed=5)
    b = generate_cases(18, seed=5)
    assert [c.seed for c in a] == [c.seed for c in b]
    assert all(np.array_equal(x.frontal, y.frontal) and x.report == y.report for x, y in zip(a, b))
    assert len({c.seed for c in a}) == 18
    # a case can be regenerated from its own seed (random mode)
    r = generate_case(a[4].seed)
    assert np.array_equal(r.frontal, a[4].frontal) and r.report == a[4].report
    bal = generate_cases(27, seed=1, balanced=True)
    counts = np.sum([c.label_vector() for c in bal], axis=0)
    assert (counts >= 3).all(), counts
    assert sum(1 for c in bal if c.label_vector().sum() == 0) >= 3


def test_random_mix_rates():
    cases = generate_cases(120, seed=2, size=16)
    normal = np.mean([c.label_vector().sum() == 0 for c in cases])
    assert 0.2 <= normal <= 0.5
    per = np.mean([c.label_vector() for c in cases], axis=0)
    assert (per > 0.03).all(), per
    npath = [sum(c.labels[l] for l in LABELS[:6]) for c in cases]
    assert max(npath) <= 2


def test_normal_flag_and_forced_findings():
    n = generate_case(8, normal=True)
    assert sum(n.labels.values()) == 0 and n.details["devices"] == []
    f = generate_case(8, findings={"pleural_effusion": {"side": "right", "size": "large"}, "cardiomegaly": True})
    assert [l for l in LABELS if f.labels[l]] == ["cardiomegaly", "pleural_effusion"]
    assert f.details["pleural_effusion"]["side"] == "right" and f.details["pleural_effusion"]["size"] == "large"
    assert f.details["cardiomegaly"]["severity"] in ("mild", "moderate", "severe")
    g = generate_case(8, findings=FindingSpec(pneumothorax={"side": "left"}, endotracheal_tube=True))
    assert g.labels["pneumothorax"] == 1 and g.labels["endotracheal_tube"] == 1 and g.details["pneumothorax"]["side"] == "left"
    # the same seed keeps its variation regardless of findings
    for k in ("habitus", "rotation_deg", "exposure", "inspiration"):
        assert n.details[k] == f.details[k] == g.details[k]
    with pytest.raises(KeyError):
        generate_case(1, findings={"fracture": True})


def test_report_mentions_specifics_and_length():
    for s in range(150):
        c = generate_case(s, size=16)
        rep = c.report.lower()
        assert len(c.report.split()) <= 70, c.report
        d = c.details
        if c.labels["pleural_effusion"]:
            assert d["pleural_effusion"]["side"] in rep and d["pleural_effusion"]["size"] in rep
        if c.labels["pneumothorax"]:
            assert d["pneumothorax"]["side"] in rep
        if c.labels["consolidation"]:
            from medcodi.phantom.report import LOBE_NAME
            assert LOBE_NAME[d["consolidation"]["lobe"]] in rep
        if c.labels["nodule_or_mass"]:
            assert d["nodule_or_mass"]["kind"] in rep
        if c.labels["endotracheal_tube"]:
            assert f"{d['endotracheal_tube']['tip_above_carina_cm']} cm above the carina" in rep
        if sum(c.labels.values()) == 0:
            assert "no acute cardiopulmonary" in rep or "normal chest radiograph" in rep


def test_size_128_works():
    c = generate_case(4, size=128, findings={"cardiomegaly": True})
    assert c.frontal.shape == (128, 128) and c.lateral.shape == (128, 128)
    assert 0.0 <= c.frontal.min() and c.frontal.max() <= 1.0


# ---------------------------------------------------------------- findings appear consistently in both views

@pytest.mark.parametrize("seed", SEEDS)
def test_cardiomegaly_brightens_heart_region_both_views(seed):
    a, b = pair(seed, {"cardiomegaly": {"severity": "moderate"}})
    df = roi_f(a.frontal, 4, 11, -9, -1).mean() - roi_f(b.frontal, 4, 11, -9, -1).mean()
    dl = roi_l(a.lateral, -4, 7, -9, -1).mean() - roi_l(b.lateral, -4, 7, -9, -1).mean()
    assert df > 0.05 and dl > 0.02, (df, dl)
    # patient's right upper lung untouched
    assert abs(roi_f(a.frontal, -11, -5, 5, 11).mean() - roi_f(b.frontal, -11, -5, 5, 11).mean()) < 0.01


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("side", ["left", "right"])
def test_effusion_side_in_frontal_and_lateral(seed, side):
    a, b = pair(seed, {"pleural_effusion": {"side": side, "size": "moderate"}})
    sgn = 1 if side == "left" else -1   # patient left = +x = image right in PA
    same = roi_f(a.frontal, *sorted((sgn * 6, sgn * 12)), -11, -4).mean() - roi_f(b.frontal, *sorted((sgn * 6, sgn * 12)), -11, -4).mean()
    other = roi_f(a.frontal, *sorted((-sgn * 6, -sgn * 12)), -11, -4).mean() - roi_f(b.frontal, *sorted((-sgn * 6, -sgn * 12)), -11, -4).mean()
    assert same > 0.08 and abs(other) < 0.01, (same, other)
    # lateral: the dependent posterior costophrenic region fills
    dl = roi_l(a.lateral, -8, 0, -11, -4).mean() - roi_l(b.lateral, -8, 0, -11, -4).mean()
    assert dl > 0.03, dl


def test_effusion_size_orders_volume():
    seed = 31
    base = generate_case(seed, normal=True)
    vals = []
    for size in ("small", "moderate", "large"):
        c = generate_case(seed, findings={"pleural_effusion": {"side": "bilateral", "size": size}})
        vals.append(float((c.frontal - base.frontal).sum()))
    assert 0 < vals[0] < vals[1] < vals[2], vals


@pytest.mark.parametrize("seed", SEEDS)
def test_pneumothorax_darkens_apex_on_its_side(seed):
    a, b = pair(seed, {"pneumothorax": {"side": "right", "size": "large"}})
    same = roi_f(a.frontal, -12, -5, 6, 12).mean() - roi_f(b.frontal, -12, -5, 6, 12).mean()
    other = roi_f(a.frontal, 5, 12, 6, 12).mean() - roi_f(b.frontal, 5, 12, 6, 12).mean()
    assert same < -0.04 and abs(other) < 0.01, (same, other)
    dl = (a.lateral - b.lateral).min()
    assert dl < -0.05


@pytest.mark.parametrize("seed", SEEDS)
def test_consolidation_lobe_positions(seed):
    # lower lobe: lower zone in PA, posterior-inferior in the lateral; upper lobe: upper zone, anterior-superior
    a, b = pair(seed, {"consolidation": {"lobe": "RLL"}})
    low = roi_f(a.frontal, -11, -4, -7, -1).mean() - roi_f(b.frontal, -11, -4, -7, -1).mean()
    assert low > 0.05
    post = roi_l(a.lateral, -8, -3, -7, 0).mean() - roi_l(b.lateral, -8, -3, -7, 0).mean()
    ant = roi_l(a.lateral, 3, 7, 5, 10).mean() - roi_l(b.lateral, 3, 7, 5, 10).mean()
    assert post > 0.03 and post > ant, (post, ant)
    a, b = pair(seed, {"consolidation": {"lobe": "LUL"}})
    up = roi_f(a.frontal, 5, 11, 5, 11).mean() - roi_f(b.frontal, 5, 11, 5, 11).mean()
    right = roi_f(a.frontal, -11, -5, 5, 11).mean() - roi_f(b.frontal, -11, -5, 5, 11).mean()
    assert up > 0.05 and abs(right) < 0.01, (up, right)


@pytest.mark.parametrize("seed", SEEDS)
def test_nodule_and_mass_visible_in_both_views_at_its_position(seed):
    for kind in ("nodule", "mass"):
        a, b = pair(seed, {"nodule_or_mass": {"kind": kind, "lobe": "RUL"}})
        x, y, z = a.details["nodule_or_mass"]["position"]
        dF, dL = a.frontal - b.frontal, a.lateral - b.lateral
        rF, cF = np.unravel_index(np.argmax(dF), dF.shape)
        rL, cL = np.unravel_index(np.argmax(dL), dL.shape)
        assert dF.max() > 0.06 and dL.max() > 0.04, (kind, dF.max(), dL.max())
        assert abs(rF - zrow(z)) <= 4 and abs(cF - xcol(x)) <= 4
        assert abs(rL - zrow(z)) <= 4 and abs(cL - ycol(y)) <= 4
    nod = generate_case(seed, findings={"nodule_or_mass": {"kind": "nodule"}}).details["nodule_or_mass"]
    mas = generate_case(seed, findings={"nodule_or_mass": {"kind": "mass"}}).details["nodule_or_mass"]
    assert nod["diameter_cm"] < 3.0 <= mas["diameter_cm"]


@pytest.mark.parametrize("seed", SEEDS)
def test_edema_bilateral_haze(seed):
    a, b = pair(seed, {"pulmonary_edema": {"severity": "moderate"}})
    for x0, x1 in ((-9, -4), (4, 9)):
        d = roi_f(a.frontal, x0, x1, -2, 6).mean() - roi_f(b.frontal, x0, x1, -2, 6).mean()
        assert d > 0.05, d
    assert (a.lateral - b.lateral).mean() > 0.01


@pytest.mark.parametrize("seed", SEEDS)
def test_devices_visible_in_both_views(seed):
    a, b = pair(seed, {"endotracheal_tube": {"tip_above_carina_cm": 4}})
    col = roi_f(a.frontal, -2, 2, 9, 16) - roi_f(b.frontal, -2, 2, 9, 16)
    assert col.max() > 0.05 and (a.lateral - b.lateral).max() > 0.05
    # tube ends above the carina: nothing added well below it
    assert np.abs(roi_f(a.frontal, -2, 2, -6, 2) - roi_f(b.frontal, -2, 2, -6, 2)).max() < 0.01
    a, b = pair(seed, {"central_line": {"access": "left subclavian", "tip": "SVC"}})
    assert (a.frontal - b.frontal).max() > 0.05 and (a.lateral - b.lateral).max() > 0.05
    # subclavian course crosses the patient's left upper chest (image right)
    assert (roi_f(a.frontal, 5, 12, 9, 14) - roi_f(b.frontal, 5, 12, 9, 14)).max() > 0.05
