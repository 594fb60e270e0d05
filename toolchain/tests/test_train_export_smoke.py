"""A 2-step training run of every phase on real phantom cases, then export with onnxruntime parity (issue §7)."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import onnxruntime as ort
import pytest
import torch

from medcodi.train import CONNECTOR_PREFIXES

TOOLCHAIN = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    run = tmp_path_factory.mktemp("run")
    r = subprocess.run([sys.executable, "-m", "medcodi.train", "--run", str(run), "--smoke"], cwd=TOOLCHAIN,
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return run


def test_training_smoke_writes_every_phase(smoke_run):
    prov = json.loads((smoke_run / "provenance.json").read_text())
    for phase in ("clip", "vae", "optimus", "unets", "unet_text", "joint", "classifier", "decoder"):
        assert prov["phases"][phase]["done"] and prov["phases"][phase]["steps"] == 2, phase
    assert (smoke_run / "medcodi-nano.pt").exists()
    cfg = json.loads((smoke_run / "model_config.json").read_text())
    assert cfg["vae"]["scale_factor"] > 0 and cfg["optimus"]["scale_factor"] > 0


def test_training_resumes_without_redoing_phases(smoke_run):
    before = (smoke_run / "provenance.json").read_text()
    r = subprocess.run([sys.executable, "-m", "medcodi.train", "--run", str(smoke_run), "--smoke"], cwd=TOOLCHAIN,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "[clip] done" not in r.stdout  # finished phases are skipped
    after = json.loads((smoke_run / "provenance.json").read_text())
    assert after["phases"] == json.loads(before)["phases"]


def train(run: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "medcodi.train", "--run", str(run), "--smoke", *extra], cwd=TOOLCHAIN,
                          capture_output=True, text=True, timeout=600)


def test_extending_phases_trains_on_and_keeps_newer_weights(smoke_run, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(smoke_run, run)
    before = json.loads((run / "provenance.json").read_text())

    refused = train(run, "--extend", "optimus=1")  # the fine-tuned decoder would belong to the old encoder
    assert refused.returncode != 0 and "--extend decoder=MINUTES" in refused.stderr
    for bad in ("joint=abc", "joint=-2", "nophase=3", "joint"):
        r = train(run, "--extend", bad)
        assert r.returncode != 0 and "--extend" in r.stderr, bad
    assert json.loads((run / "provenance.json").read_text()) == before  # refusals change nothing

    r = train(run, *[a for p in ("optimus", "decoder", "unet_text", "joint") for a in ("--extend", f"{p}=1")])
    assert r.returncode == 0, r.stderr[-2000:]
    assert "[clip] done" not in r.stdout  # not extended: skipped
    after = json.loads((run / "provenance.json").read_text())
    steps = {k: v["steps"] for k, v in after["phases"].items()}
    assert steps == {**steps, "optimus": 4, "unet_text": 4, "joint": 4, "decoder": 2, "clip": 2, "unets": 2}
    assert all(v["done"] for v in after["phases"].values())
    assert [e["phase"] for e in after["extensions"]] == ["optimus", "decoder", "unet_text", "joint"]
    assert after["superseded_seconds"] == before["phases"]["decoder"]["seconds"]
    assert after["invocations"] == before["invocations"] + 1
    assert len(after["wall_seconds_per_invocation"]) == len(before["wall_seconds_per_invocation"]) + 1

    # joint resumed its connectors only: the report UNet core in the model is the one unet_text trained on
    model = torch.load(run / "medcodi-nano.pt")
    text_core = torch.load(run / "unet_text.ckpt")["modules"]["report"]
    old_joint = torch.load(smoke_run / "joint.ckpt")["modules"]["report"]
    core = [k for k in text_core if not k.startswith(CONNECTOR_PREFIXES)]
    assert all(torch.equal(model["model.diffusion_model.unet_text." + k], text_core[k]) for k in core)
    assert any(not torch.equal(text_core[k], old_joint[k]) for k in core)


def test_export_parity_and_manifest(smoke_run, tmp_path):
    out = tmp_path / "public" / "models" / "m"
    manifest = tmp_path / "manifest.json"
    r = subprocess.run([sys.executable, "-m", "medcodi.export", "--run", str(smoke_run), "--out", str(out),
                        "--manifest", str(manifest), "--id", "m"], cwd=TOOLCHAIN, capture_output=True, text=True,
                       timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    m = json.loads(manifest.read_text())["models"][0]
    assert len(m["components"]) == 16
    parity = m["provenance"]["parityMaxAbsError"]
    assert max(parity.values()) <= 1e-4, parity
    sess = ort.InferenceSession(str(out / "unet_frontal.onnx"), providers=["CPUExecutionProvider"])
    assert [i.name for i in sess.get_inputs()] == ["sample", "timestep", "context"]
    # one InstanceNormalization epsilon in every graph (works around onnxruntime WebGPU's shader cache, see export.py)
    import onnx
    eps = set()
    for f in out.glob("*.onnx"):
        for node in onnx.load(str(f)).graph.node:
            if node.op_type == "InstanceNormalization":
                eps |= {round(a.f, 12) for a in node.attribute if a.name == "epsilon"}
    assert eps == {1e-5}, eps


def test_unified_group_norm_epsilon_is_the_same_function():
    import onnx
    import torch
    from medcodi.config import NANO
    from medcodi.export import COMMON_GN_EPS, unify_group_norm_eps
    from medcodi.model.vae import AutoencoderKL
    torch.manual_seed(0)
    vae = AutoencoderKL(NANO.vae).eval()
    for m in vae.modules():   # non-trivial affine parameters
        if isinstance(m, torch.nn.GroupNorm):
            m.weight.data.normal_(1, 0.2)
            m.bias.data.normal_(0, 0.2)
    z = torch.randn(2, 4, 16, 16) * 0.1          # small activations: where eps matters most
    with torch.no_grad():
        ref = vae.decode(z)
        n = unify_group_norm_eps(vae)
        out = vae.decode(z)
    assert n > 0
    assert float((out - ref).abs().max()) < 1e-5
    wrapped = {id(m.gn) for m in vae.modules() if hasattr(m, "gn")}
    assert all(m.eps == COMMON_GN_EPS for m in vae.modules()
               if isinstance(m, torch.nn.GroupNorm) and id(m) not in wrapped)
