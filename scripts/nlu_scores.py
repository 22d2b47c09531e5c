"""Print the NLU figures of a `rasa test nlu` run and, with --min, fail below them.

Usage: python scripts/nlu_scores.py RESULTS_DIR [--min 0.90]
Intent F1 comes from intent_report.json; entity F1 from the report of the
component whose entities the dialogue uses (VocabularyEntityResolver).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ENTITY_REPORT = "VocabularyEntityResolver_report.json"


def weighted_f1(path: Path) -> float | None:
    if not path.exists():
        return None
    report = json.loads(path.read_text())
    return report.get("weighted avg", {}).get("f1-score")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("results", type=Path)
    parser.add_argument("--min", type=float, default=None, help="fail when a figure is below this")
    args = parser.parse_args()
    figures = {
        "intent F1": weighted_f1(args.results / "intent_report.json"),
        "entity F1": weighted_f1(args.results / ENTITY_REPORT),
        "faq response F1": weighted_f1(args.results / "response_selection_report.json"),
    }
    failed = False
    for name, value in figures.items():
        shown = "missing" if value is None else f"{value:.3f}"
        print(f"{name}: {shown}")
        if args.min is not None and name != "faq response F1" and (value is None or value < args.min):
            print(f"  below the required {args.min:.2f}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
