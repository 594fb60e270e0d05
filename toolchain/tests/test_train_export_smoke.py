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


@pytest.fixture(scope="module")
def exported(smoke_run, tmp_path_factory):
    root = tmp_path_factory.mktemp("exported")
    out = root / "public" / "models" / "m"
    manifest = root / "manifest.json"
    r = subprocess.run([sys.executable, "-m", "medcodi.export", "--run", str(smoke_run), "--out", str(out),
                        "--manifest", str(manifest), "--id", "m"], cwd=TOOLCHAIN, capture_output=True, text=True,
                       timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return out, manifest


def test_export_parity_and_manifest(exported):
    out, manifest = exported
    m = json.loads(manifest.read_text())["models"][0]
    assert len(m["components"]) == 17 and m["components"][-1]["name"] == "latent_step"
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


def recover(model_dir: Path, manifest: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "medcodi.recover", "--model-dir", str(model_dir), "--manifest",
                           str(manifest), "--id", "m", "--out", str(out)], cwd=TOOLCHAIN, capture_output=True,
                          text=True, timeout=900)


def test_recovering_an_exported_model_gives_back_its_weights(smoke_run, exported, tmp_path):
    out, manifest = exported
    r = recover(out, manifest, tmp_path / "rec")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    original = torch.load(smoke_run / "medcodi-nano.pt")
    back = torch.load(tmp_path / "rec" / "medcodi-nano.pt")
    assert back.keys() == original.keys()
    # everything but the report VAE's encoder and CLIP's training-only logit scale (no graph holds them) comes
    # back exactly
    report = json.loads((tmp_path / "rec" / "recovered.json").read_text())
    assert report["not_in_any_graph"] == ["clip.model.logit_scale", "optimus.encoder"]
    differ = [k for k in original if not k.startswith("optimus.encoder.") and not torch.equal(back[k], original[k])]
    assert differ in ([], ["clip.model.logit_scale"])
    assert any(not torch.equal(back[k], original[k]) for k in original if k.startswith("optimus.encoder."))
    clf = torch.load(tmp_path / "rec" / "classifier.pt")
    assert all(torch.equal(v, torch.load(smoke_run / "classifier.pt")[k]) for k, v in clf.items())
    assert max(report["reexport_max_abs_error"].values()) <= 1e-5


def test_recovery_refuses_a_graph_of_another_architecture(exported, tmp_path):
    out, manifest = exported
    broken = tmp_path / "m"
    shutil.copytree(out, broken)
    shutil.copy(out / "env_text.onnx", broken / "unet_text.onnx")  # a valid ONNX file, the wrong graph
    r = recover(broken, manifest, tmp_path / "rec")
    assert r.returncode != 0 and "cannot recover" in r.stderr
    assert "unet_text: the shipped graph's nodes" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "rec" / "medcodi-nano.pt").exists()


def test_graft_trains_a_new_report_unet_on_the_kept_model(smoke_run, exported, tmp_path):
    out, manifest = exported
    assert recover(out, manifest, tmp_path / "rec").returncode == 0
    run = tmp_path / "graft"
    graft = lambda *extra: subprocess.run([sys.executable, "-m", "medcodi.graft", "--recovered", str(tmp_path / "rec"),
                                           "--report-from", str(smoke_run), "--out", str(run), *extra],
                                          cwd=TOOLCHAIN, capture_output=True, text=True, timeout=300)
    r = graft()
    assert r.returncode == 0, r.stderr[-2000:]
    assert graft().returncode != 0  # never over an existing run
    r = train(run, "--extend", "unet_text=1", "--extend", "joint=1")
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert "[clip] done" not in r.stdout and "[unet_text] done" in r.stdout and "[joint] done" in r.stdout
    prov = json.loads((run / "provenance.json").read_text())
    src = json.loads((smoke_run / "provenance.json").read_text())
    carried = src["phases"]["optimus"]["seconds"] + src["phases"]["decoder"]["seconds"]
    kept_seconds = json.loads(manifest.read_text())["models"][0]["provenance"]["seconds"]
    assert prov["wall_seconds_total"] == pytest.approx(kept_seconds + carried + prov["wall_seconds_per_invocation"][0],
                                                       abs=0.2)
    model = torch.load(run / "medcodi-nano.pt")
    kept = torch.load(tmp_path / "rec" / "medcodi-nano.pt")
    original = torch.load(smoke_run / "medcodi-nano.pt")
    for prefix in ("clip.", "autokl.", "model.diffusion_model.unet_frontal.input_blocks."):
        assert all(torch.equal(model[k], kept[k]) for k in model if k.startswith(prefix)), prefix
    for prefix in ("optimus.encoder.", "optimus.decoder."):  # the report path of the other run
        assert all(torch.equal(model[k], original[k]) for k in model if k.startswith(prefix)), prefix
    # the report latents it trained on are the encoder's posterior means, without dropout noise
    from medcodi import text_tokenizers as tt
    from medcodi.data import build_dataset
    from medcodi.model.assembly import MedCoDiM
    from medcodi.train import config_from_dict
    cfg = config_from_dict(json.loads((run / "model_config.json").read_text()))
    m = MedCoDiM(cfg)
    m.load_state_dict(model)
    enc = m.optimus.encoder.eval()
    reports = build_dataset(run / "data.npz", 64, 1234, cfg.image_size)["reports"][:8]
    tok = tt.load(run / "tokenizers" / "tokenizer-gpt2.json")
    oc = cfg.optimus
    ids, mask = tt.encode_gpt2(tok, reports, oc.n_positions - 1, oc.bos_token_id, oc.eos_token_id, oc.pad_token_id)
    with torch.no_grad():
        mu, _ = enc(torch.tensor(ids), torch.tensor(mask))
    latents = torch.load(run / "latents.pt")["lat"]["report"][:8]
    assert float((latents - mu).abs().max()) < 1e-5


def test_graft_without_a_report_run_trains_its_own_report_vae(smoke_run, exported, tmp_path):
    out, manifest = exported
    assert recover(out, manifest, tmp_path / "rec").returncode == 0
    run = tmp_path / "graft"
    r = subprocess.run([sys.executable, "-m", "medcodi.graft", "--recovered", str(tmp_path / "rec"), "--out", str(run)],
                       cwd=TOOLCHAIN, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "--extend optimus=MIN --extend decoder=MIN" in r.stdout
    prov = json.loads((run / "provenance.json").read_text())
    assert "optimus" not in prov["phases"] and "decoder" not in prov["phases"]
    r = train(run, "--extend", "optimus=1", "--extend", "decoder=1", "--extend", "unet_text=1", "--extend", "joint=1")
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    for phase in ("optimus", "decoder", "unet_text", "joint"):
        assert f"[{phase}] done" in r.stdout, phase
    assert "[clip] done" not in r.stdout and "[unets] done" not in r.stdout
    prov = json.loads((run / "provenance.json").read_text())
    kept_seconds = json.loads(manifest.read_text())["models"][0]["provenance"]["seconds"]
    # only the recovered model's time is inherited; the report VAE's is this invocation's
    assert prov["wall_seconds_total"] == pytest.approx(kept_seconds + prov["wall_seconds_per_invocation"][0], abs=0.2)
    model = torch.load(run / "medcodi-nano.pt")
    kept = torch.load(tmp_path / "rec" / "medcodi-nano.pt")
    for prefix in ("clip.", "autokl.", "model.diffusion_model.unet_lateral.input_blocks."):
        assert all(torch.equal(model[k], kept[k]) for k in model if k.startswith(prefix)), prefix
    # the report VAE was trained here, not taken from anywhere
    original = torch.load(smoke_run / "medcodi-nano.pt")
    dec = [k for k in model if k.startswith("optimus.decoder.")]
    assert dec and any(not torch.equal(model[k], original[k]) for k in dec)
    assert any(not torch.equal(model[k], kept[k]) for k in dec)


def test_joint_check_compares_joint_and_separate_sampling(smoke_run):
    from medcodi.joint_check import joint_check
    result = joint_check(smoke_run, steps=2, n=9)
    assert result["n"] == 9 and result["steps"] == 2
    for way in ("joint", "separate"):
        assert set(result[way]) == {"views_agree", "frontal_exact", "lateral_exact"}
        for value in result[way].values():
            assert 0.0 <= value <= 1.0 and abs(value * 9 - round(value * 9)) < 1e-9  # a share of the 9 cases
