"""The exporter refuses broken checkpoints with a message naming the key or file (issue §7)."""
import torch
import pytest

from medcodi.checkpoint import CheckpointError, check_state_dict, load_into, read_state_dict
from medcodi.config import NANO
from medcodi.model.assembly import MedCoDiM

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def nano_state(tmp_path_factory):
    torch.manual_seed(0)
    model = MedCoDiM(NANO)
    sd = model.state_dict()
    path = tmp_path_factory.mktemp("ckpt") / "nano.pt"
    torch.save(sd, path)
    return model, sd, path


def test_good_checkpoint_loads_and_round_trips(nano_state, tmp_path):
    model, sd, path = nano_state
    other = MedCoDiM(NANO)
    load_into(other, path)
    for k, v in other.state_dict().items():
        assert torch.equal(v, sd[k]), k


def test_missing_inference_key_is_named(nano_state, tmp_path):
    model, sd, _ = nano_state
    bad = dict(sd)
    key = "model.diffusion_model.unet_frontal.out.2.weight"
    del bad[key]
    p = tmp_path / "missing.pt"
    torch.save(bad, p)
    with pytest.raises(CheckpointError, match="missing inference key .*unet_frontal.out.2.weight"):
        load_into(MedCoDiM(NANO), p)


def test_unexpected_key_is_named(nano_state):
    model, sd, _ = nano_state
    bad = dict(sd)
    bad["model.diffusion_model.unet_text.surprise.weight"] = torch.zeros(3)
    with pytest.raises(CheckpointError, match="unexpected key 'model.diffusion_model.unet_text.surprise.weight'"):
        check_state_dict(bad, {k: v.shape for k, v in model.state_dict().items()})


def test_dropped_video_keys_and_schedule_buffers_are_accepted(nano_state):
    model, sd, _ = nano_state
    extra = dict(sd)
    extra["model.diffusion_model.unet_frontal.input_blocks.1.0.1.temporal_attn.to_q.weight"] = torch.zeros(2, 2)
    extra["autokl.decoder.mid.video_att.weight"] = torch.zeros(1)
    extra["alphas_cumprod"] = torch.zeros(1000)
    out = check_state_dict(extra, {k: v.shape for k, v in model.state_dict().items()})
    assert set(out) == set(sd)


def test_wrong_shape_is_named(nano_state):
    model, sd, _ = nano_state
    bad = dict(sd)
    key = "autokl.post_quant_conv.weight"
    bad[key] = torch.zeros(5, 4, 1, 1)
    with pytest.raises(CheckpointError, match=r"autokl.post_quant_conv.weight' has shape \[5, 4, 1, 1\], expected \[4, 4, 1, 1\]"):
        check_state_dict(bad, {k: v.shape for k, v in model.state_dict().items()})


def test_truncated_file_is_named(nano_state, tmp_path):
    _, _, path = nano_state
    data = path.read_bytes()
    cut = tmp_path / "cut.pt"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match=r"cut.pt is truncated or not a PyTorch file"):
        read_state_dict(cut)
    empty = tmp_path / "empty.pt"
    empty.write_bytes(b"")
    with pytest.raises(CheckpointError, match="empty"):
        read_state_dict(empty)
    with pytest.raises(CheckpointError, match="not found"):
        read_state_dict(tmp_path / "nope.pt")
