"""Print the NLU figures of a `rasa test nlu` run and, with --min, fail below them.

Usage: python scripts/nlu_scores.py RESULTS_DIR [--min-intent 0.90] [--min-entity 0.90] [--min-faq 0.95]
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
    parser.add_argument("--min-intent", type=float, default=None, help="fail when intent F1 is below this")
    parser.add_argument("--min-entity", type=float, default=None, help="fail when entity F1 is below this")
    parser.add_argument("--min-faq", type=float, default=None, help="fail when FAQ response F1 is below this")
    args = parser.parse_args()
    figures = {
        "intent F1": weighted_f1(args.results / "intent_report.json"),
        "entity F1": weighted_f1(args.results / ENTITY_REPORT),
        "faq response F1": weighted_f1(args.results / "response_selection_report.json"),
    }
    minimum = {"intent F1": args.min_intent, "entity F1": args.min_entity, "faq response F1": args.min_faq}
    failed = False
    for name, value in figures.items():
        shown = "missing" if value is None else f"{value:.3f}"
        print(f"{name}: {shown}")
        required = minimum.get(name)
        if required is not None and (value is None or value < required):
            print(f"  below the required {required:.2f}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
