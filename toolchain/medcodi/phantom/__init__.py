"""Chest phantom: seeded paired frontal/lateral radiographs from one 3D parametric chest, structured labels,
radiology-style reports and a rule-based report labeler (rules as data in labeler_rules.json).

    from medcodi.phantom import LABELS, generate_case, generate_cases, Case, FindingSpec
    from medcodi.phantom.labeler import label_report, load_rules, labels_to_binary

See README.md in this folder for geometry, conventions and timing.
"""
from .generator import LABELS, Case, FindingSpec, generate_case, generate_cases  # noqa: F401

__all__ = ["LABELS", "Case", "FindingSpec", "generate_case", "generate_cases"]
