"""Seeded paired-case generator: one 3D chest -> frontal (PA) + lateral radiograph, labels, details and a report.

Random streams (all numpy Generators, no global RNG), derived from the case seed so that adding or removing a
finding never changes anything else of the same seed:
  [seed, 1] normal variation      [seed, 2] which findings (random mode)   [seed, 3] report phrasing
  [seed, 4] image noise           [seed, 5] anatomy jitter / markings      [seed, 100 + i] parameters of LABELS[i]
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Dict, List, Optional, Union

import numpy as np

from . import render as R
from .report import make_report

LABELS = ["cardiomegaly", "pleural_effusion", "pneumothorax", "consolidation", "nodule_or_mass",
          "pulmonary_edema", "endotracheal_tube", "central_line"]
PATHOLOGIES = LABELS[:6]
DEVICES = LABELS[6:]

P_NORMAL = 0.35
P_DEVICE = 0.22


@dataclass
class FindingSpec:
    """Forced findings. Each field is None/False (absent), True (present, parameters sampled from the seed) or a dict
    of parameters (missing keys sampled). Parameter keys:
      cardiomegaly: severity mild|moderate|severe
      pleural_effusion: side left|right|bilateral, size small|moderate|large
      pneumothorax: side left|right, size small|moderate|large
      consolidation: lobe RUL|RML|RLL|LUL|LLL|lingula
      nodule_or_mass: kind nodule|mass, lobe (as above), diameter_cm
      pulmonary_edema: severity mild|moderate
      endotracheal_tube: tip_above_carina_cm (int 2..7)
      central_line: access 'right internal jugular'|'left internal jugular'|'right subclavian'|'left subclavian',
                    tip 'SVC'|'cavoatrial junction'|'right atrium'
    """
    cardiomegaly: Union[None, bool, dict] = None
    pleural_effusion: Union[None, bool, dict] = None
    pneumothorax: Union[None, bool, dict] = None
    consolidation: Union[None, bool, dict] = None
    nodule_or_mass: Union[None, bool, dict] = None
    pulmonary_edema: Union[None, bool, dict] = None
    endotracheal_tube: Union[None, bool, dict] = None
    central_line: Union[None, bool, dict] = None

    def to_dict(self) -> Dict[str, dict]:
        out = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if v is None or v is False:
                continue
            out[f.name] = dict(v) if isinstance(v, dict) else {}
        return out

    @staticmethod
    def from_any(x) -> "FindingSpec":
        if isinstance(x, FindingSpec):
            return x
        if isinstance(x, (list, tuple, set)):
            x = {k: True for k in x}
        unknown = set(x) - set(LABELS)
        if unknown:
            raise KeyError(f"unknown findings {sorted(unknown)}; expected among {LABELS}")
        return FindingSpec(**x)


@dataclass
class Case:
    seed: int
    frontal: np.ndarray          # float32 [S,S] in [0,1], PA, patient's right on image left, bone bright
    lateral: np.ndarray          # float32 [S,S] in [0,1], anterior on image left
    labels: Dict[str, int]
    details: Dict
    report: str

    def label_vector(self) -> np.ndarray:
        return np.array([float(self.labels[l]) for l in LABELS], dtype=np.float32)


# ------------------------------------------------------------------------------------------------------------

def _rng(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng([int(seed) & 0xFFFFFFFFFFFF, stream])


def sample_variation(seed: int) -> Dict:
    r = _rng(seed, 1)
    habitus = ["slim", "average", "large"][int(r.choice(3, p=[0.3, 0.45, 0.25]))]
    bscale = {"slim": 0.92, "average": 1.0, "large": 1.1}[habitus] * (1 + 0.03 * r.uniform(-1, 1))
    lscale = {"slim": 0.93, "average": 1.0, "large": 1.03}[habitus] * (1 + 0.02 * r.uniform(-1, 1))
    insp = ["shallow", "normal", "deep"][int(r.choice(3, p=[0.2, 0.6, 0.2]))]
    dshift = {"shallow": 2.0, "normal": 0.0, "deep": -1.5}[insp] + 0.5 * r.uniform(-1, 1)
    return {
        "habitus": habitus, "body_scale": float(bscale), "lung_scale": float(lscale),
        "rotation_deg": float(r.uniform(-7.0, 7.0)),
        "inspiration": insp, "diaphragm_shift_cm": float(dshift),
        "exposure": float(r.uniform(0.85, 1.15)),
        "noise_sigma": float(r.uniform(0.004, 0.015)),
        "shift_x_cm": float(r.uniform(-1.0, 1.0)), "shift_z_cm": float(r.uniform(-1.0, 1.0)),
    }


def sample_present(seed: int) -> List[str]:
    """Random finding set: ~35% fully normal; otherwise 1-2 pathologies (10%: none, devices only) and each device
    independently with p=0.22 (>= one device when there is no pathology)."""
    r = _rng(seed, 2)
    if r.random() < P_NORMAL:
        return []
    k = int(r.choice(3, p=[0.1, 0.6, 0.3]))
    path = [PATHOLOGIES[i] for i in sorted(r.choice(len(PATHOLOGIES), size=k, replace=False))] if k else []
    dev = [d for d in DEVICES if r.random() < P_DEVICE]
    if not path and not dev:
        dev = [DEVICES[int(r.integers(2))]]
    return path + dev


def _sample_params(label: str, seed: int, given: dict, var: Dict) -> dict:
    r = _rng(seed, 100 + LABELS.index(label))
    p = dict(given)
    ch = lambda opts, pr=None: opts[int(r.choice(len(opts), p=pr))]
    if label == "cardiomegaly":
        p.setdefault("severity", ch(["mild", "moderate", "severe"], [0.35, 0.45, 0.2]))
    elif label == "pleural_effusion":
        side = ch(["left", "right", "bilateral"], [0.35, 0.35, 0.3])
        size = ch(["small", "moderate", "large"], [0.3, 0.45, 0.25])
        p.setdefault("side", side)
        p.setdefault("size", size)
    elif label == "pneumothorax":
        side = ch(["left", "right"])
        size = ch(["small", "moderate", "large"], [0.25, 0.45, 0.3])
        p.setdefault("side", side)
        p.setdefault("size", size)
    elif label == "consolidation":
        p.setdefault("lobe", ch(["RUL", "RML", "RLL", "LUL", "LLL", "lingula"], [0.17, 0.13, 0.22, 0.17, 0.22, 0.09]))
    elif label == "nodule_or_mass":
        kind = ch(["nodule", "mass"], [0.55, 0.45])
        lobe = ch(["RUL", "RML", "RLL", "LUL", "LLL"], [0.28, 0.1, 0.2, 0.25, 0.17])
        p.setdefault("kind", kind)
        p.setdefault("lobe", lobe)
        dia = r.uniform(2.0, 2.9) if p["kind"] == "nodule" else r.uniform(4.0, 6.5)
        p.setdefault("diameter_cm", round(float(dia), 1))
        p["position"] = _nodule_position(p["lobe"], p["diameter_cm"] / 2.0, r, var)
    elif label == "pulmonary_edema":
        p.setdefault("severity", ch(["mild", "moderate"], [0.45, 0.55]))
    elif label == "endotracheal_tube":
        p.setdefault("tip_above_carina_cm", int(r.integers(2, 8)))
    elif label == "central_line":
        p.setdefault("access", ch(["right internal jugular", "left internal jugular", "right subclavian", "left subclavian"],
                                  [0.45, 0.15, 0.25, 0.15]))
        p.setdefault("tip", ch(["SVC", "cavoatrial junction", "right atrium"], [0.45, 0.35, 0.2]))
    return p


def _nodule_position(lobe: str, radius: float, r: np.random.Generator, var: Dict) -> List[float]:
    """Rejection-sample a centre inside the lobe with the whole sphere (6 probe points) inside the aerated lung of
    the nominal geometry (no jitter), away from the heart."""
    side = "r" if lobe.startswith("R") else "l"
    g = R.make_geometry(var, np.random.default_rng(0))
    L = g["lung_" + side]
    lo = np.array([L["cx"] - L["rx"], L["cy"] - L["ry"], L["zmin"]])
    hi = np.array([L["cx"] + L["rx"], L["cy"] + L["ry"], L["cz"] + L["rzt"]])
    unit = np.array([[0, 0, 0], [1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]], float)
    hx = -3.9 if side == "r" else 3.9
    best = None
    for margin in (radius + 0.8, 0.6 * radius, 0.0):            # relax for big masses in small lobes
        off = unit * margin
        for _ in range(250):
            c = lo + (hi - lo) * r.random(3)
            P = c[None, :] + off
            ok = bool(R.lung_mask(g, side, P[:, 0], P[:, 1], P[:, 2], dome_shift=1.5).all())
            ok = ok and bool(R.lobe_of(side, c[1], c[2], g["dz"])[lobe])
            # stay clear of heart and hilum
            ok = ok and (abs(c[0] - g["heart"]["c"][0]) > 6.0 or c[2] > 3.0)
            ok = ok and math.dist((c[0], c[1], c[2]), (hx, -0.6, 2.3)) > min(radius, 1.5) + 2.0
            if ok:
                best = c
                break
        if best is not None:
            break
    if best is None:  # typical lobe centres (never reached in practice)
        best = np.array({"RUL": (-7, 0, 8), "RML": (-7, 3, -1), "RLL": (-8, -4, -3), "LUL": (7, 0, 8),
                         "LLL": (8, -4, -3), "lingula": (7, 3, -1)}[lobe], float)
    return [round(float(v), 2) for v in best]


def generate_case(seed: int, size: int = 64, findings: Union[None, FindingSpec, dict, list] = None,
                  normal: bool = False) -> Case:
    seed = int(seed)
    var = sample_variation(seed)
    if normal:
        spec: Dict[str, dict] = {}
    elif findings is None:
        spec = {l: {} for l in sample_present(seed)}
    else:
        spec = FindingSpec.from_any(findings).to_dict()
    params = {l: _sample_params(l, seed, spec[l], var) for l in LABELS if l in spec}
    fr, la, info = R.render(size, var, params, _rng(seed, 5))
    frontal, lateral = R.to_radiograph(fr, la, var, _rng(seed, 4))
    labels = {l: int(l in params) for l in LABELS}
    details: Dict = dict(var)
    details.update({l: p for l, p in params.items()})
    details["devices"] = [l for l in DEVICES if l in params]
    details["findings"] = [l for l in PATHOLOGIES if l in params]
    hx = info["heart"]
    details["heart_width_cm"] = round(float(2 * hx["r"][0] * abs(math.cos(hx["tilt"])) + 0.5), 1)
    report = make_report(labels, details, _rng(seed, 3), var)
    return Case(seed=seed, frontal=frontal, lateral=lateral, labels=labels, details=details, report=report)


BALANCED_CATEGORIES = ["normal"] + LABELS


def generate_cases(n: int, seed: int, size: int = 64, balanced: bool = False) -> List[Case]:
    """n cases with per-case seeds drawn from `seed`. balanced=True cycles through 'normal' and each label (forced,
    so each category gets ~n/9 cases); a random second pathology is added to 30% of the forced cases."""
    root = np.random.default_rng([int(seed), 7])
    seeds = root.integers(0, 2 ** 31 - 1, size=n)
    cases = []
    for i in range(n):
        s = int(seeds[i])
        if not balanced:
            cases.append(generate_case(s, size=size))
            continue
        cat = BALANCED_CATEGORIES[i % len(BALANCED_CATEGORIES)]
        if cat == "normal":
            cases.append(generate_case(s, size=size, normal=True))
            continue
        forced = {cat: True}
        r = _rng(s, 6)
        if r.random() < 0.3:
            other = [l for l in PATHOLOGIES if l != cat]
            forced[other[int(r.integers(len(other)))]] = True
        cases.append(generate_case(s, size=size, findings=forced))
    return cases
