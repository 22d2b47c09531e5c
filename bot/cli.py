"""``python -m bot assess ...``: the engine without a chat, for therapists and scripts."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from bot.assessment import AssessmentInput, UnknownValueError, assess
from bot.knowledge import default_knowledge
from bot.summary import render_summary

EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Back-pain self-assessment engine.")
    commands = parser.add_subparsers(dest="command", required=True)
    assess_cmd = commands.add_parser("assess", help="assess one set of answers")
    assess_cmd.add_argument("--activity", action="append", default=[], help="repeatable")
    assess_cmd.add_argument("--location", action="append", default=[], help="repeatable")
    assess_cmd.add_argument("--symptom", action="append", default=[], help="repeatable")
    assess_cmd.add_argument("--red-flag", action="append", default=[], help="repeatable")
    assess_cmd.add_argument("--pain-score", type=int, choices=range(0, 11), metavar="0-10")
    assess_cmd.add_argument("--pain-words", help='how the pain feels in words, e.g. "unbearable"')
    assess_cmd.add_argument("--duration", help='free text, e.g. "3 weeks" or "since last Tuesday"')
    assess_cmd.add_argument("--inflammation", action="store_true", help="swelling, heat or redness")
    assess_cmd.add_argument("--recent-injury", action="store_true", help="an injury in the last 72 hours")
    assess_cmd.add_argument("--spasm-not-releasing", action="store_true",
                            help="a spasm that did not let go under a therapist's pressure")
    assess_cmd.add_argument("--no-change-after-two-sessions", action="store_true")
    assess_cmd.add_argument("--json", action="store_true", help="print the full result as JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    data = AssessmentInput(
        activities=args.activity, pain_locations=args.location, symptoms=args.symptom,
        red_flags=args.red_flag, pain_score=args.pain_score, pain_description=args.pain_words,
        duration=args.duration, inflammation=args.inflammation, recent_injury=args.recent_injury,
        spasm_not_releasing=args.spasm_not_releasing,
        no_change_after_two_sessions=args.no_change_after_two_sessions,
    )
    try:
        result = assess(data)
    except UnknownValueError as error:
        option = {"pain_location": "location", "red_flag": "red-flag"}.get(error.category, error.category)
        print(f"error: unknown --{option} '{error.value}'. Valid values: {', '.join(error.valid)}",
              file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print(render_summary(result, default_knowledge()))
    return 0
