"""Chest phantom: seeded paired frontal/lateral radiographs from one 3D parametric chest, structured labels,
radiology-style reports and a rule-based report labeler (rules as data in labeler_rules.json).

    from medcodi.phantom import LABELS, generate_case, generate_cases, Case, FindingSpec
    from medcodi.phantom.labeler import label_report, load_rules, labels_to_binary

Speed (measured on this project's shared 2-core CPU box, one core, numpy 1.24): ~95 cases/s at size 64,
~20 cases/s at size 128 (both views, labels and report per case).

See README.md in this folder for geometry, conventions and the labeler algorithm.
"""
from .generator import LABELS, Case, FindingSpec, generate_case, generate_cases  # noqa: F401

__all__ = ["LABELS", "Case", "FindingSpec", "generate_case", "generate_cases"]
