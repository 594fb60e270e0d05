"""A small CNN that detects the phantom findings in a radiograph (either view). It scores generated images in the
evaluation and ships to the studio as `phantom_classifier.onnx` (input `image` [B,1,S,S] in [0,1], output `probs`)."""
from __future__ import annotations

import torch
from torch import nn


def _block(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.GroupNorm(8, cout), nn.SiLU(),
                         nn.Conv2d(cout, cout, 3, padding=1), nn.GroupNorm(8, cout), nn.SiLU(), nn.MaxPool2d(2))


class PhantomClassifier(nn.Module):
    def __init__(self, n_labels: int = 8, width: int = 16):
        super().__init__()
        self.features = nn.Sequential(_block(1, width), _block(width, 2 * width), _block(2 * width, 4 * width),
                                      _block(4 * width, 4 * width))
        self.head = nn.Linear(4 * width * 2, n_labels)

    def forward(self, image: torch.Tensor, logits: bool = False) -> torch.Tensor:
        h = self.features(image * 2.0 - 1.0)
        # mean and max pooling: small findings (nodules, lines) need the max
        h = torch.cat([h.mean(dim=(2, 3)), h.amax(dim=(2, 3))], dim=1)
        out = self.head(h)
        return out if logits else torch.sigmoid(out)
