"""Model configurations. One code path, two configs: `full` mirrors the official MedCoDi-M checkpoint
(spec ../shared/docs/medcodi-m-spec.md §1), `nano` is the same classes at small width and depth so the whole
model trains on a 2-core CPU in well under three hours.

Every component class takes exactly one of these dataclasses. Nothing else decides a shape.
"""
from __future__ import annotations

from dataclasses import dataclass, field, asdict
from typing import Tuple


@dataclass(frozen=True)
class ScheduleConfig:
    """DDPM schedule shared by all three denoisers (spec §3.1)."""
    num_train_timesteps: int = 1000
    beta_start: float = 0.00085
    beta_end: float = 0.012
    beta_schedule: str = "scaled_linear"  # linspace(sqrt(b0), sqrt(b1), T)**2 (called "linear" upstream)
    prediction_type: str = "epsilon"


@dataclass(frozen=True)
class ClipTextConfig:
    vocab_size: int = 49408
    hidden_size: int = 768
    num_layers: int = 12
    num_heads: int = 12
    intermediate_size: int = 3072
    max_position_embeddings: int = 77   # = tokenizer context length
    projection_dim: int = 768
    layer_norm_eps: float = 1e-5
    bos_token_id: int = 49406
    eos_token_id: int = 49407          # also the pad id (spec §2.3)


@dataclass(frozen=True)
class ClipVisionConfig:
    image_size: int = 224
    patch_size: int = 14
    num_channels: int = 3
    hidden_size: int = 1024
    num_layers: int = 24
    num_heads: int = 16
    intermediate_size: int = 4096
    projection_dim: int = 768
    layer_norm_eps: float = 1e-5
    # CLIP preprocessing (spec §2.2); stored in the manifest so the studio preprocesses identically.
    image_mean: Tuple[float, float, float] = (0.48145466, 0.4578275, 0.40821073)
    image_std: Tuple[float, float, float] = (0.26862954, 0.26130258, 0.27577711)


@dataclass(frozen=True)
class UNet2DConfig:
    """Frontal / lateral image UNet (spec §1.3-1.5). `env_*` and connectors are part of the same module."""
    in_channels: int = 4
    out_channels: int = 4
    model_channels: int = 320
    channel_mult: Tuple[int, ...] = (1, 2, 4, 4)
    num_res_blocks: int = 2
    attention_levels: Tuple[int, ...] = (0, 1, 2)
    connector_levels: Tuple[int, ...] = (0, 1, 2)   # with_connector [T,T,T,F]
    num_heads: int = 8
    context_dim: int = 768                          # = CLIP projection_dim
    norm_groups: int = 32
    # Environment encoder: conv in -> ResBlocks mc/2 -> mc -> 2mc -> 4mc with 2 stride-2 convs between.
    # h_con width = 4 * model_channels (1280 in full).

    @property
    def time_embed_dim(self) -> int:
        return 4 * self.model_channels

    @property
    def hcon_dim(self) -> int:
        return 4 * self.model_channels


@dataclass(frozen=True)
class UNetTextConfig:
    """0-D text UNet on the Optimus latent (spec §1.6): activations are [N, C, second_dim, 1]."""
    latent_dim: int = 768
    model_channels: int = 320
    channel_mult: Tuple[int, ...] = (1, 2, 4, 4)
    second_dim: Tuple[int, ...] = (4, 4, 4, 4)
    num_res_blocks: int = 2
    attention_levels: Tuple[int, ...] = (0, 1, 2)
    connector_levels: Tuple[int, ...] = (0, 1, 2)
    num_heads: int = 8
    context_dim: int = 768
    norm_groups: int = 32

    @property
    def time_embed_dim(self) -> int:
        return 4 * self.model_channels

    @property
    def hcon_dim(self) -> int:
        return 4 * self.model_channels


@dataclass(frozen=True)
class VAEConfig:
    """SD kl-f8 AutoencoderKL (spec §1.7). len(ch_mult)-1 stride-2 levels: full f8, nano f4."""
    in_channels: int = 3
    out_channels: int = 3
    ch: int = 128
    ch_mult: Tuple[int, ...] = (1, 2, 4, 4)
    num_res_blocks: int = 2
    z_channels: int = 4
    embed_dim: int = 4
    resolution: int = 256
    norm_groups: int = 32
    scale_factor: float = 0.18215

    @property
    def downsample(self) -> int:
        return 2 ** (len(self.ch_mult) - 1)

    @property
    def latent_size(self) -> int:
        return self.resolution // self.downsample


@dataclass(frozen=True)
class OptimusConfig:
    """Optimus report VAE: BERT encoder (training only) + GPT-2 decoder with latent injection (spec §1.8-1.9)."""
    # GPT-2 decoder
    vocab_size: int = 50260            # 50257 + <PAD>, <BOS>, <EOS>
    n_embd: int = 768
    n_layer: int = 12
    n_head: int = 12
    n_positions: int = 1024
    layer_norm_eps: float = 1e-5
    latent_size: int = 768
    pad_token_id: int = 50257
    bos_token_id: int = 50258
    eos_token_id: int = 50259
    # BERT encoder
    bert_vocab_size: int = 28996
    bert_hidden: int = 768
    bert_layers: int = 12
    bert_heads: int = 12
    bert_intermediate: int = 3072
    bert_max_positions: int = 512
    bert_type_vocab: int = 2
    bert_layer_norm_eps: float = 1e-12
    scale_factor: float = 4.3108       # text latent x scale_factor = diffusion target
    max_decode_length: int = 100


@dataclass(frozen=True)
class ModelConfig:
    name: str
    image_size: int
    schedule: ScheduleConfig
    clip_text: ClipTextConfig
    clip_vision: ClipVisionConfig
    unet_image: UNet2DConfig
    unet_text: UNetTextConfig
    vae: VAEConfig
    optimus: OptimusConfig

    def to_dict(self) -> dict:
        return asdict(self)


FULL = ModelConfig(
    name="full",
    image_size=256,
    schedule=ScheduleConfig(),
    clip_text=ClipTextConfig(),
    clip_vision=ClipVisionConfig(),
    unet_image=UNet2DConfig(),
    unet_text=UNetTextConfig(),
    vae=VAEConfig(),
    optimus=OptimusConfig(),
)

# Nano: trained here on the chest phantom. Vocab sizes are those of the tokenizers trained on phantom reports
# (toolchain/medcodi/tokenizers); the trainer asserts they match.
NANO_EMBED = 128
NANO = ModelConfig(
    name="nano",
    image_size=64,
    schedule=ScheduleConfig(),
    clip_text=ClipTextConfig(vocab_size=1024, hidden_size=128, num_layers=2, num_heads=4, intermediate_size=512,
                             max_position_embeddings=96, projection_dim=NANO_EMBED, bos_token_id=0, eos_token_id=1),
    clip_vision=ClipVisionConfig(image_size=64, patch_size=8, hidden_size=128, num_layers=2, num_heads=4,
                                 intermediate_size=512, projection_dim=NANO_EMBED),
    # Widths are set by the 40 MB budget for all bundled graphs (core and joint graphs each carry the core weights).
    unet_image=UNet2DConfig(model_channels=24, channel_mult=(1, 2), num_res_blocks=1,
                            attention_levels=(0, 1), connector_levels=(0, 1), num_heads=4,
                            context_dim=NANO_EMBED, norm_groups=4),
    # model_channels x second_dim[0] must be at least latent_dim: the first and last layers carry the whole latent
    # (24 x 2 = 48 < 64 left the bundled 2026-11-28 model unable to predict the noise of a report latent).
    unet_text=UNetTextConfig(latent_dim=64, model_channels=24, channel_mult=(1, 2), second_dim=(3, 3),
                             num_res_blocks=1, attention_levels=(0, 1), connector_levels=(0, 1), num_heads=4,
                             context_dim=NANO_EMBED, norm_groups=4),
    vae=VAEConfig(ch=32, ch_mult=(1, 2, 2), num_res_blocks=1, resolution=64, norm_groups=8, scale_factor=1.0),
    optimus=OptimusConfig(vocab_size=1027, n_embd=128, n_layer=2, n_head=4, n_positions=128, latent_size=64,
                          pad_token_id=1024, bos_token_id=1025, eos_token_id=1026,
                          bert_vocab_size=1027, bert_hidden=128, bert_layers=2, bert_heads=4, bert_intermediate=512,
                          bert_max_positions=128, scale_factor=1.0, max_decode_length=120),
)

CONFIGS = {"full": FULL, "nano": NANO}


def get_config(name: str) -> ModelConfig:
    try:
        return CONFIGS[name]
    except KeyError:
        raise ValueError(f"unknown model config {name!r}; choose one of {sorted(CONFIGS)}") from None
