"""3D parametric chest on a voxel grid, projected by parallel-ray line integrals into a PA and a lateral view.

Patient coordinates (cm): x to the patient's LEFT, y ANTERIOR, z SUPERIOR; origin mid-chest, carina near z=4.
World grid: 40 cm field of view in x and z with `size` voxels each; y is sampled on the same pitch but only over the
body's depth (|y| <= 15.5 cm), the rest of the lateral image is air. Patient rotation (about z) and a small shift are
applied by mapping world voxel centres into patient coordinates, so every primitive is written in patient space.

Volume layout D[z, x, y] (row 0 = top). Frontal image = sum over y -> [z, x]: column index grows with x, so the
patient's right is on the image left (PA display). Lateral image = sum over x -> [z, y], shown with ANTERIOR on the
image LEFT (spine on the right), the usual lateral display.

Materials (relative attenuation, soft tissue = 1): air 0, aerated lung ~0.18 plus vascular markings, soft tissue /
blood / fluid 1, bone 1.4-1.9, radiopaque devices ~5.
"""
from __future__ import annotations

import math
from typing import Dict, Optional, Sequence, Tuple

import numpy as np

FOV = 40.0          # cm, field of view of both images
YHALF = 15.5        # cm, half depth of the computed y range
CARINA_Z = 4.0      # cm

LOBES = ("RUL", "RML", "RLL", "LUL", "LLL", "lingula")


class Volume:
    def __init__(self, size: int, rot_deg: float, shift_x: float, shift_z: float):
        n = int(size)
        self.n = n
        h = FOV / n
        self.h = h
        k0 = int(math.floor(n * (FOV / 2 - YHALF) / FOV))
        self.k0, self.k1 = k0, n - k0
        ny = self.k1 - self.k0
        c = np.arange(n, dtype=np.float32)
        xw = -FOV / 2 + (c + 0.5) * h
        zw = FOV / 2 - (c + 0.5) * h
        yw = xw[self.k0:self.k1]
        th = math.radians(rot_deg)
        cs, sn = math.cos(th), math.sin(th)
        xr = xw[:, None] - shift_x
        self.X = (cs * xr + sn * yw[None, :]).astype(np.float32)        # [nx, ny] patient x of each column
        self.Y = (-sn * xr + cs * yw[None, :]).astype(np.float32)       # [nx, ny] patient y
        self.Z = (zw - shift_z).astype(np.float32)                      # [nz] patient z
        self.xw, self.yw, self.zw = xw, yw, zw
        self.rot = (cs, sn)
        self.shift = (shift_x, shift_z)
        self.D = np.zeros((n, n, ny), dtype=np.float32)

    # -- index helpers ---------------------------------------------------------------------------------------
    def region(self, lo: Sequence[float], hi: Sequence[float]):
        """Slices of the grid covering the patient-space box [lo, hi] (conservatively), or None if empty."""
        cs, sn = self.rot
        sx, sz = self.shift
        xs, ys = [], []
        for px in (lo[0], hi[0]):
            for py in (lo[1], hi[1]):
                # patient -> world: x_w = cs*x - sn*y + sx, y_w = sn*x + cs*y
                xs.append(cs * px - sn * py + sx)
                ys.append(sn * px + cs * py)
        h, n = self.h, self.n
        ix0 = max(int(math.floor((min(xs) + FOV / 2) / h)) - 1, 0)
        ix1 = min(int(math.ceil((max(xs) + FOV / 2) / h)) + 1, n)
        iy0 = max(int(math.floor((min(ys) + FOV / 2) / h)) - 1 - self.k0, 0)
        iy1 = min(int(math.ceil((max(ys) + FOV / 2) / h)) + 1 - self.k0, self.k1 - self.k0)
        iz0 = max(int(math.floor((FOV / 2 - (hi[2] + sz)) / h)) - 1, 0)
        iz1 = min(int(math.ceil((FOV / 2 - (lo[2] + sz)) / h)) + 1, n)
        if ix0 >= ix1 or iy0 >= iy1 or iz0 >= iz1:
            return None
        return (slice(iz0, iz1), slice(ix0, ix1), slice(iy0, iy1))

    def coords(self, sl):
        """Broadcastable patient coordinates (X [1,a,b], Y [1,a,b], Z [c,1,1]) of a region."""
        sz, sx, sy = sl
        return self.X[sx, sy][None], self.Y[sx, sy][None], self.Z[sz][:, None, None]

    # -- painting primitives --------------------------------------------------------------------------------
    def ellipsoid_mask(self, center, radii, sl=None, margin=0.0):
        cx, cy, cz = center
        rx, ry, rz = radii
        if sl is None:
            sl = self.region((cx - rx - margin, cy - ry - margin, cz - rz - margin),
                             (cx + rx + margin, cy + ry + margin, cz + rz + margin))
        if sl is None:
            return None, None
        X, Y, Z = self.coords(sl)
        q = ((X - cx) / rx) ** 2 + ((Y - cy) / ry) ** 2 + ((Z - cz) / rz) ** 2
        return sl, q <= 1.0

    def tube(self, p0, p1, radius: float, amp: float, mode: str = "add", hard: bool = False):
        """Capsule from p0 to p1 with a soft radial profile amp*clip(1-d/r_eff) (r_eff >= 0.8 voxel so thin
        tubes never vanish between voxel centres). mode 'add' adds, 'max' takes the maximum."""
        p0 = np.asarray(p0, np.float32)
        p1 = np.asarray(p1, np.float32)
        r = max(radius, 0.8 * self.h)
        lo = np.minimum(p0, p1) - r
        hi = np.maximum(p0, p1) + r
        sl = self.region(lo, hi)
        if sl is None:
            return
        X, Y, Z = self.coords(sl)
        d = p1 - p0
        L2 = float(d @ d) + 1e-9
        t = ((X - p0[0]) * d[0] + (Y - p0[1]) * d[1] + (Z - p0[2]) * d[2]) / L2
        t = np.clip(t, 0.0, 1.0)
        dx = X - (p0[0] + t * d[0])
        dy = Y - (p0[1] + t * d[1])
        dz = Z - (p0[2] + t * d[2])
        dist = np.sqrt(dx * dx + dy * dy + dz * dz)
        if hard:
            val = np.where(dist <= r, np.float32(amp), np.float32(0.0))
        else:
            val = amp * np.clip(1.0 - dist / r, 0.0, 1.0) * min(1.0, radius / r + 0.35)
        sub = self.D[sl]
        if mode == "add":
            sub += val
        else:
            np.maximum(sub, val, out=sub)

    # -- projections -----------------------------------------------------------------------------------------
    def project(self) -> Tuple[np.ndarray, np.ndarray]:
        h = self.h
        frontal = self.D.sum(axis=2) * h                        # [z, x]
        lat_part = self.D.sum(axis=1) * h                       # [z, y] (y increasing)
        lateral = np.zeros((self.n, self.n), np.float32)
        lateral[:, self.k0:self.k1] = lat_part
        lateral = lateral[:, ::-1]                              # anterior on the image left
        return frontal.astype(np.float32), np.ascontiguousarray(lateral, dtype=np.float32)


# ------------------------------------------------------------------------------------------------------------
# Geometry
# ------------------------------------------------------------------------------------------------------------

def make_geometry(var: Dict, anat_rng: np.random.Generator) -> Dict:
    """Continuous anatomy parameters from the variation dict (habitus, inspiration) plus small seeded jitter."""
    bs = var["body_scale"]
    ls = var["lung_scale"]
    dz = var["diaphragm_shift_cm"]            # + = higher diaphragm (poor inspiration)
    j = lambda s: float(1.0 + s * anat_rng.uniform(-1, 1))
    g = {
        "body": (14.2 * bs * j(0.02), 10.6 * bs * j(0.03)),
        "lung_r": {"cx": -7.1 * ls, "cy": -0.6, "cz": 2.2, "rx": 6.1 * ls * j(0.03), "ry": 7.8 * j(0.03),
                   "rzt": 12.0 * j(0.02), "rzb": 14.0 - dz},
        "lung_l": {"cx": 7.3 * ls, "cy": -0.6, "cz": 2.2, "rx": 6.0 * ls * j(0.03), "ry": 7.8 * j(0.03),
                   "rzt": 11.8 * j(0.02), "rzb": 14.0 - dz},
        "dome_r": -4.6 + dz, "dome_l": -5.9 + dz,
        "heart": {"c": [1.6, 2.4, -4.4 + 0.6 * dz], "r": [6.3 * j(0.04), 4.6 * j(0.03), 4.8 * j(0.03)],
                  "tilt": math.radians(35.0 + 6.0 * anat_rng.uniform(-1, 1))},
        "dz": dz,
    }
    for side in ("r", "l"):
        L = g["lung_" + side]
        L["zmin"] = L["cz"] - L["rzb"]
    return g


def lung_mask(g: Dict, side: str, X, Y, Z, dome_shift: float = 0.0):
    """Aerated-lung envelope for one side: superquadric (rounded apex, near-vertical lateral wall) above the
    hemidiaphragm dome. Works on broadcastable arrays (grid or points)."""
    L = g["lung_" + side]
    xn = (X - L["cx"]) / L["rx"]
    yn = (Y - L["cy"]) / L["ry"]
    dzc = Z - L["cz"]
    zt = np.where(dzc > 0, (dzc / L["rzt"]) ** 2, (np.abs(dzc) / L["rzb"]) ** 10)
    inside = np.abs(xn) ** 3 + np.abs(yn) ** 2.5 + zt <= 1.0
    # hemidiaphragm dome: highest near the middle of each hemithorax, lower laterally, posteriorly, anteriorly
    sgn = -1.0 if side == "r" else 1.0
    top = g["dome_" + side] + dome_shift
    xc = sgn * 6.0
    zd = top - 8.5 * ((X - xc) / 8.0) ** 2 - 1.0 * ((Y - 1.0) / 8.0) ** 2 - 1.3 * np.clip(-(Y + 2.0) / 7.0, 0, None) ** 2
    inside &= Z > zd
    # medial boundary (mediastinum / spine side)
    inside &= (sgn * X) > 0.4
    return inside


def lobe_of(side: str, Y, Z, dz: float):
    """Lobe labels from fissure planes: oblique fissure z = 2.0 - 0.85*y (+ diaphragm shift/2); right horizontal
    fissure z = 1.2. Returns dict lobe -> boolean array."""
    zf = 2.0 - 0.85 * Y + 0.5 * dz
    lower = Z < zf
    if side == "r":
        return {"RLL": lower, "RUL": (~lower) & (Z > 1.2 + 0.3 * dz), "RML": (~lower) & (Z <= 1.2 + 0.3 * dz)}
    lingula = (~lower) & (Z <= -0.5 + 0.3 * dz)
    return {"LLL": lower, "LUL": ~lower, "lingula": lingula}


def heart_mask(vol: Volume, hp: Dict, sl=None):
    c = hp["c"]
    r = hp["r"]
    R = max(r) + 0.5
    if sl is None:
        sl = vol.region((c[0] - R, c[1] - R, c[2] - R), (c[0] + R, c[1] + R, c[2] + R))
    X, Y, Z = vol.coords(sl)
    ct, st = math.cos(hp["tilt"]), math.sin(hp["tilt"])
    dx, dz = X - c[0], Z - c[2]
    u = ct * dx - st * dz
    w = st * dx + ct * dz
    q = (u / r[0]) ** 2 + ((Y - c[1]) / r[1]) ** 2 + (w / r[2]) ** 2
    return sl, q <= 1.0


# ------------------------------------------------------------------------------------------------------------
# Rendering
# ------------------------------------------------------------------------------------------------------------

SOFT, LUNG, BONE = 1.0, 0.18, 1.75


def _collapse_coords(side, X, Y, Z, s):
    """Coordinates mapped away from the pneumothorax collapse centre (the lung shrinks toward it by factor s)."""
    cx = -3.5 if side == "r" else 3.5
    c = (cx, -0.5, -6.0)
    return c[0] + (X - c[0]) / s, c[1] + (Y - c[1]) / s, c[2] + (Z - c[2]) / s


def render(size: int, var: Dict, findings: Dict, anat_rng: np.random.Generator) -> Tuple[np.ndarray, np.ndarray, Dict]:
    """Build the volume for one case and return (frontal_integral, lateral_integral, info)."""
    g = make_geometry(var, anat_rng)
    vol = Volume(size, var["rotation_deg"], var["shift_x_cm"], var["shift_z_cm"])
    D = vol.D
    X2, Y2, Zf = vol.X[None], vol.Y[None], vol.Z[:, None, None]
    info: Dict = {}
    bx, by = g["body"]
    dz = g["dz"]

    # ---- body wall, neck, shoulders -----------------------------------------------------------------------
    sl = vol.region((-bx - 3, -by - 1, -21), (bx + 3, by + 1, 17.0))
    X, Y, Z = vol.coords(sl)
    # thorax widens a little toward the axillae; shoulders slope from the neck (z~16) to the acromion (z~13)
    wid = 1.0 + 0.05 * np.clip((Z - 0.0) / 10.0, -1.0, 1.0) + 0.12 * np.clip((Z - 8.0) / 4.0, 0.0, 1.0)
    xn2 = (X / (bx * wid)) ** 2
    top = 17.2 - 0.33 * np.clip(np.abs(X) - 4.5, 0.0, None)
    D[sl] = np.where(((xn2 + (Y / by) ** 2) <= 1.0) & (Z < top), SOFT, D[sl])
    sl = vol.region((-6, -6, 9), (6, 6, 21))
    X, Y, Z = vol.coords(sl)
    D[sl] = np.where(((X / 5.6) ** 2 + ((Y + 1.0) / 5.2) ** 2) <= 1.0, SOFT, D[sl])

    # ---- lungs -------------------------------------------------------------------------------------------
    lungs = {}
    for side in ("r", "l"):
        L = g["lung_" + side]
        sl = vol.region((L["cx"] - L["rx"], L["cy"] - L["ry"], L["zmin"] - 1), (L["cx"] + L["rx"], L["cy"] + L["ry"], L["cz"] + L["rzt"]))
        X, Y, Z = vol.coords(sl)
        m = lung_mask(g, side, X, Y, Z)
        full = np.zeros(D.shape, bool)
        full[sl] = m
        lungs[side] = full
    # mediastinal / cardiac structures carve the lungs
    carve = np.zeros(D.shape, bool)
    hp = dict(g["heart"])
    cm = findings.get("cardiomegaly")
    if cm:
        f = {"mild": (1.22, 1.08, 1.10), "moderate": (1.34, 1.14, 1.17), "severe": (1.48, 1.2, 1.25)}[cm["severity"]]
        hp["r"] = [hp["r"][0] * f[0], hp["r"][1] * f[1], hp["r"][2] * f[2]]
        hp["c"] = [hp["c"][0] + 0.9 * (f[0] - 1) * 4, hp["c"][1], hp["c"][2] - 0.5 * (f[2] - 1) * 4]
    sl, m = heart_mask(vol, hp)
    carve[sl] |= m
    info["heart"] = hp
    # mediastinum (great vessels), aortic knob, descending aorta, hila
    sl = vol.region((-3.5, -3.5, -4), (4, 5.5, 21))
    X, Y, Z = vol.coords(sl)
    medw = 2.5 + 0.5 * np.clip((Z - 4.0) / 6.0, 0.0, 1.0)
    carve[sl] |= (((X - 0.2) / medw) ** 2 + ((Y - 0.0) / 3.2) ** 2 <= 1.0)
    for c, r in (((2.6, -1.0, 7.2), (2.2, 2.2, 1.9)), ((-2.4, 1.2, 6.0), (1.3, 1.5, 5.0))):
        sl, m = vol.ellipsoid_mask(c, r)
        carve[sl] |= m
    sl = vol.region((0.6, -5.6, -13), (3.8, -2.4, 8))
    X, Y, Z = vol.coords(sl)
    carve[sl] |= (((X - 2.2) / 1.35) ** 2 + ((Y + 4.0) / 1.35) ** 2 <= 1.0) & (Z < 7.5)
    for sx in (-1, 1):
        sl, m = vol.ellipsoid_mask((sx * 3.9, -0.6, 2.3), (1.5, 1.5, 2.2))
        carve[sl] |= m
    # spine column keeps the lungs away
    sl = vol.region((-3, -11, -21), (3, -3.5, 21))
    X, Y, Z = vol.coords(sl)
    carve[sl] |= ((X / 2.6) ** 2 + ((Y + 6.6) / 2.6) ** 2 <= 1.0)
    for side in ("r", "l"):
        lungs[side] &= ~carve

    # pneumothorax: collapsed lung = original lung evaluated at coordinates pushed away from the collapse centre
    ptx = findings.get("pneumothorax")
    ptx_rim = None
    ptx_side = None
    if ptx:
        side = "r" if ptx["side"] == "right" else "l"
        ptx_side = side
        s = {"small": 0.80, "moderate": 0.68, "large": 0.55}[ptx["size"]]
        L = g["lung_" + side]
        sl = vol.region((L["cx"] - L["rx"], L["cy"] - L["ry"], L["zmin"] - 1), (L["cx"] + L["rx"], L["cy"] + L["ry"], L["cz"] + L["rzt"]))
        X, Y, Z = vol.coords(sl)
        Xc, Yc, Zc = _collapse_coords(side, X, Y, Z, s)
        coll = np.zeros(D.shape, bool)
        coll[sl] = lung_mask(g, side, Xc, Yc, Zc)
        coll &= lungs[side]
        ptx_rim = lungs[side] & ~coll
        lungs[side] = coll

    lung_any = lungs["r"] | lungs["l"]
    # lung parenchyma: base density + perihilar vascular gradient
    for side in ("r", "l"):
        hx = -3.9 if side == "r" else 3.9
        d2 = (X2 - hx) ** 2 + (Y2 + 0.6) ** 2 + (Zf - 2.3) ** 2
        dens = LUNG + 0.22 * np.exp(-np.sqrt(d2) / 3.2)
        D[lungs[side]] = dens[lungs[side]] if dens.shape == D.shape else np.broadcast_to(dens, D.shape)[lungs[side]]
    if ptx_rim is not None:
        D[ptx_rim] = 0.0
        D[lungs[ptx_side]] += 0.12          # partially collapsed lung is denser

    # vascular markings: branching tubes radiating from each hilum, kept only inside the (collapsed) lungs
    markings = np.zeros_like(D)
    saved = vol.D
    vol.D = markings
    for side in ("r", "l"):
        sgn = -1.0 if side == "r" else 1.0
        h0 = np.array([sgn * 3.9, -0.6, 2.3], np.float32)
        for i in range(7):
            ang = -1.35 + 2.7 * (i + anat_rng.uniform(0.2, 0.8)) / 7.0           # from down to up
            dirv = np.array([sgn * math.cos(ang), anat_rng.uniform(-0.5, 0.5), math.sin(ang)], np.float32)
            dirv /= np.linalg.norm(dirv)
            ln = anat_rng.uniform(4.0, 6.5)
            p1 = h0 + dirv * ln
            vol.tube(h0, p1, 0.45, 0.55, mode="max")
            for b in range(2):
                d2v = dirv + np.array([sgn * anat_rng.uniform(-0.1, 0.4), anat_rng.uniform(-0.6, 0.6), anat_rng.uniform(-0.6, 0.6)], np.float32)
                d2v /= np.linalg.norm(d2v)
                vol.tube(p1, p1 + d2v * anat_rng.uniform(3.0, 5.0), 0.3, 0.4, mode="max")
    vol.D = saved
    D[lung_any] += markings[lung_any]

    # ---- findings inside the lungs ------------------------------------------------------------------------
    ed = findings.get("pulmonary_edema")
    if ed:
        amp = {"mild": 0.35, "moderate": 0.55}[ed["severity"]]
        for side in ("r", "l"):
            hx = -3.9 if side == "r" else 3.9
            d2 = (X2 - hx) ** 2 + ((Y2 + 0.6) / 1.3) ** 2 + ((Zf - 1.5) / 1.4) ** 2
            haze = 0.06 + amp * np.exp(-d2 / (2 * 4.2 ** 2))
            # Kerley-type interstitial lines: thin horizontal septal bands in the lateral lower zones
            L = g["lung_" + side]
            lat = np.clip((sgn_abs(X2, side) - (abs(L["cx"]) + 1.0)) / 3.0, 0.0, 1.0)
            low = np.clip((1.0 - Zf) / 6.0, 0.0, 1.0)
            band = (np.mod(Zf, 1.6) < vol.h * 0.9).astype(np.float32)
            lines = 0.55 * band * lat * low
            add = np.broadcast_to(haze + lines, D.shape)
            D[lungs[side]] += add[lungs[side]]

    cons = findings.get("consolidation")
    if cons:
        lobe = cons["lobe"]
        side = "r" if lobe.startswith("R") else "l"
        lob = lobe_of(side, Y2, Zf, dz)[lobe]
        m = lungs[side] & np.broadcast_to(lob, D.shape)
        tex = 0.80 + 0.08 * np.sin(1.3 * X2 + 0.7 * Zf) * np.cos(1.1 * Y2 - 0.5 * Zf)
        D[m] = np.broadcast_to(tex, D.shape)[m]

    nod = findings.get("nodule_or_mass")
    if nod:
        c = nod["position"]
        r = nod["diameter_cm"] / 2.0
        sl, m = vol.ellipsoid_mask(c, (r, r, r))
        if sl is not None:
            D[sl] = np.where(m, 1.6 if nod["kind"] == "nodule" else 1.3, D[sl])

    eff = findings.get("pleural_effusion")
    if eff:
        sides = ("r", "l") if eff["side"] == "bilateral" else (("r",) if eff["side"] == "right" else ("l",))
        rise = {"small": 3.0, "moderate": 7.0, "large": 11.5}[eff["size"]]
        if eff["side"] == "bilateral":
            rise *= 0.9
        for side in sides:
            L = g["lung_" + side]
            sgn = -1.0 if side == "r" else 1.0
            level = L["zmin"] + 1.0 + rise
            latn = np.clip((sgn * X2 - 1.0) / (abs(L["cx"]) + L["rx"] - 1.0), 0.0, 1.0)
            zf = level + 2.6 * latn ** 2 + 1.2 * np.clip(-(Y2 + 1.0) / 7.0, 0.0, 1.0)   # meniscus: up laterally/posteriorly
            fluid = np.broadcast_to(Zf < zf, D.shape)
            # the lung envelope before collapse/carving still bounds the pleural space
            region = (lungs[side] | ptx_rim) if ptx_side == side else lungs[side]
            region = region & fluid
            D[region] = SOFT
            lungs[side] &= ~fluid

    # ---- airway ---------------------------------------------------------------------------------------------
    sl = vol.region((-1.5, -2.5, CARINA_Z), (1.5, 0.5, 21))
    X, Y, Z = vol.coords(sl)
    m = ((X + 0.2) ** 2 + (Y + 1.0) ** 2 <= 0.85 ** 2) & (Z >= CARINA_Z)
    D[sl] = np.where(m, 0.05, D[sl])
    for p1 in ((-3.6, -1.0, 1.8), (3.9, -1.2, 2.4)):
        # main bronchi: subtract lucency within the mediastinum
        vol.tube((-0.2, -1.0, CARINA_Z), p1, 0.55, -0.55, mode="add")
    np.maximum(D, 0.0, out=D)

    # ---- bones ------------------------------------------------------------------------------------------------
    # vertebral bodies with discs, posterior elements
    sl = vol.region((-3, -11, -21), (3, -3.5, 21))
    X, Y, Z = vol.coords(sl)
    body = ((X / 2.3) ** 2 + ((Y + 6.3) / 1.9) ** 2 <= 1.0)
    disc = np.mod(Z + 0.3, 2.55) < 0.55
    post = ((X / 0.9) ** 2 + ((Y + 9.0) / 1.0) ** 2 <= 1.0) | ((np.abs(X) < 2.9) & (np.abs(Y + 8.3) < 0.5) & (np.mod(Z + 0.3, 2.55) > 1.2))
    sub = D[sl]
    sub[...] = np.where(body & ~disc, 1.65, np.where(body, 1.1, np.where(post, 1.5, sub)))
    # sternum
    sl = vol.region((-2.2, by - 3.0, -8), (2.2, by, 10.5))
    X, Y, Z = vol.coords(sl)
    st_w = np.where(Z > 6.5, 2.0, 1.2)
    m = (np.abs(X) < st_w) & (np.abs(Y - (by - 1.6)) < 0.6) & (Z > -7.5) & (Z < 10.0)
    D[sl] = np.where(m, 1.5, D[sl])
    # ribs
    _ribs(vol, g)
    # clavicles and humeral heads
    for sx in (-1, 1):
        vol.tube((sx * 1.8, 5.8, 10.6), (sx * 7.5, 3.0, 11.3), 0.8, 2.6, mode="max", hard=True)
        vol.tube((sx * 7.5, 3.0, 11.3), (sx * (bx + 0.3), -1.2, 12.9), 0.75, 2.6, mode="max", hard=True)
        sl, m = vol.ellipsoid_mask((sx * (bx + 1.2), -0.8, 11.4), (2.3, 2.3, 2.5))
        if sl is not None:
            D[sl] = np.where(m, 1.55, D[sl])

    # gastric bubble under the left hemidiaphragm
    sl, m = vol.ellipsoid_mask((5.8, 0.5, g["dome_l"] - 2.6), (2.6, 2.4, 1.4))
    if sl is not None:
        D[sl] = np.where(m, 0.0, D[sl])

    # ---- devices --------------------------------------------------------------------------------------------
    ett = findings.get("endotracheal_tube")
    if ett:
        tip = CARINA_Z + float(ett["tip_above_carina_cm"])
        vol.tube((-0.2, -0.8, 21.0), (-0.2, -0.9, tip), 0.32, 20.0, mode="max")
        info["ett_tip_z"] = tip
    cvc = findings.get("central_line")
    if cvc:
        pts = central_line_path(cvc["access"], cvc["tip"])
        for a, b in zip(pts[:-1], pts[1:]):
            vol.tube(a, b, 0.25, 20.0, mode="max")
        info["cvc_path"] = pts

    frontal, lateral = vol.project()
    info["geometry"] = g
    return frontal, lateral, info


def sgn_abs(X, side):
    return -X if side == "r" else X


CVC_TIP_Z = {"SVC": 3.5, "cavoatrial junction": 0.3, "right atrium": -2.0}


def central_line_path(access: str, tip: str):
    tz = CVC_TIP_Z[tip]
    svc = [(-2.4, 1.2, 7.5), (-2.4, 1.3, tz)]
    if access == "right internal jugular":
        pre = [(-3.2, 0.2, 21.0), (-2.9, 0.6, 13.0)]
    elif access == "left internal jugular":
        pre = [(3.2, 0.2, 21.0), (2.8, 0.6, 12.5), (0.0, 1.4, 9.5)]
    elif access == "right subclavian":
        pre = [(-13.5, 0.5, 12.8), (-7.0, 1.8, 11.2), (-3.2, 1.2, 9.8)]
    else:  # left subclavian
        pre = [(13.5, 0.5, 12.8), (7.0, 1.8, 11.2), (2.5, 1.6, 10.0), (-0.5, 1.4, 9.0)]
    return pre + svc


def _ribs(vol: Volume, g: Dict) -> None:
    """Twelve rib pairs as curved bands on the rib-cage shell, running from the spine (posterior, high) round the
    side to the anterior end (lower), so the PA view shows the familiar crossing posterior/anterior arcs."""
    bx, by = g["body"]
    D = vol.D
    zlo, zhi = -16.0, 14.5
    sl = vol.region((-bx, -by, zlo), (bx, by, zhi))
    X, Y, Z = vol.coords(sl)
    rx, ry = bx - 0.9, by - 1.2
    rr = np.sqrt((X / rx) ** 2 + (Y / ry) ** 2)                         # [1,a,b]
    t = np.arctan2(np.abs(X), -Y) / math.pi                             # 0 posterior midline, 1 anterior midline
    cage = np.sqrt(np.clip(1.0 - (np.clip(Z - 3.0, 0.0, None) / 15.5) ** 2, 0.05, 1.0))   # narrower upper cage
    thick = 0.95 / min(rx, ry)
    shell = np.abs(rr - cage) < thick * 0.6
    drop = -1.6 * np.sin(math.pi * np.minimum(t / 0.45, 1.0)) + 15.0 * np.clip(t - 0.3, 0.0, None) ** 1.6                                      # anterior rib ends lie lower
    w = Z + drop
    spacing = 2.45
    z1 = 13.4 + 0.5 * g["dz"]
    k = (z1 - w) / spacing
    idx = np.floor(k + 0.5)
    frac = np.abs(k - idx) * spacing
    ribs = shell & (frac < 0.55) & (idx >= 0) & (idx <= 9) & (t > 0.06) & (t < 0.84 - 0.025 * idx)
    val = (1.5 - 0.4 * t).astype(np.float32)
    sub = D[sl]
    np.copyto(sub, np.maximum(sub, np.broadcast_to(val, sub.shape)), where=ribs)


def to_radiograph(frontal: np.ndarray, lateral: np.ndarray, var: Dict, noise_rng: np.random.Generator) -> Tuple[np.ndarray, np.ndarray]:
    """Line integrals -> display values in [0,1] (bright = attenuating): v = 1 - exp(-k (P - P0)), normalised by the
    same curve at a reference path, with exposure scaling k, a 3-tap blur (focal spot / detector) and seeded noise."""
    out = []
    e = var["exposure"]
    for P, (p0, k, pref) in ((frontal, (3.0, 0.06, 34.0)), (lateral, (6.0, 0.055, 40.0))):
        kk = k / e                                   # lower exposure -> brighter (more attenuation displayed)
        v = (1.0 - np.exp(-kk * np.clip(P - p0, 0.0, None))) / (1.0 - math.exp(-kk * (pref - p0)))
        v = _blur3(v.astype(np.float32))
        v = v + noise_rng.normal(0.0, var["noise_sigma"], v.shape).astype(np.float32)
        out.append(np.clip(v, 0.0, 1.0).astype(np.float32))
    return out[0], out[1]


def _blur3(a: np.ndarray) -> np.ndarray:
    p = np.pad(a, 1, mode="edge")
    b = 0.25 * p[:-2, :] + 0.5 * p[1:-1, :] + 0.25 * p[2:, :]
    c = 0.25 * b[:, :-2] + 0.5 * b[:, 1:-1] + 0.25 * b[:, 2:]
    return c
