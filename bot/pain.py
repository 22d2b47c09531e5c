"""Pain ratings from what clients type, on the NHS lay scale.

People rarely answer "7". They write "7/10", "about a six", "a solid eight",
"8 on a bad day, 5 on a good one" or just "unbearable". We keep the worst number
they give (safety errs on the side of the worse day) and fall back on words.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from bot.numbers import EXACT_NUMBER_WORDS

SEVERE_WORDS = (
    "unbearable", "excruciating", "agony", "agonising", "agonizing", "worst pain", "crippling",
    "severe", "horrendous", "horrible", "terrible", "can't move", "cannot move", "can barely move",
    "screaming", "killing me", "intolerable", "extreme", "cant move", "can not move",
)
MODERATE_WORDS = ("moderate", "pretty bad", "quite bad", "bad", "really sore", "constant", "medium")
MILD_WORDS = ("mild", "not bad", "not so bad", "niggle", "niggly", "slight", "not too bad", "not that bad",
              "manageable", "minor", "a bit sore")

# A number on its own: "often" holds no "ten", "gone" no "one".
_NUMBER = (r"(?<![\w.])(\d{1,2}(?:\.\d)?|(?:" + "|".join(sorted(EXACT_NUMBER_WORDS, key=len, reverse=True))
           + r")\b)")
_TIME_UNIT = r"\s*(?:-|\s)?\s*(?:min|minute|hr|hour|day|week|wk|month|mth|year|yr)s?\b"
_SCALE = re.compile(_NUMBER + r"\s*(?:/|out of|outta|of)\s*(?:10|ten)\b", re.IGNORECASE)
_RANGE = re.compile(_NUMBER + r"\s*(?:-|to|or)\s*" + _NUMBER + r"\b(?!" + _TIME_UNIT + ")", re.IGNORECASE)
_BARE = re.compile(_NUMBER + r"\b(?!" + _TIME_UNIT + r")(?!\s*%)", re.IGNORECASE)
# Not ratings: durations ("3-4 weeks", "2 to 3 days"), the scale itself ("on a scale of 1 to 10")
# and a denominator without its number ("out of 10 I'd say 6").
_NOT_A_RATING = re.compile(
    _NUMBER + r"(?:\s*(?:-|to|or|and)\s*" + _NUMBER + r")?" + _TIME_UNIT
    + r"|(?<![\w.])(?:0|1|zero|one)\s*(?:-|to)\s*(?:10|ten)\b"
    + r"|(?:/|\bout of|\boutta)\s*(?:10|ten)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PainReading:
    score: int | None
    severity: str | None  # "none", "mild", "moderate", "severe" or None when unknown


def severity_for_score(score: int) -> str:
    """NHS lay scale: 1-3 mild, 4-6 moderate, 7-10 severe."""
    if score <= 0:
        return "none"
    if score <= 3:
        return "mild"
    if score <= 6:
        return "moderate"
    return "severe"


def severity_from_words(text: str) -> str | None:
    lowered = text.lower().replace("’", "'")
    for severity, words in (("severe", SEVERE_WORDS), ("mild", MILD_WORDS), ("moderate", MODERATE_WORDS)):
        if any(re.search(r"\b" + re.escape(word) + r"\b", lowered) for word in words):
            return severity
    return None


def _value(token: str) -> int | None:
    token = token.lower()
    number = EXACT_NUMBER_WORDS.get(token)
    if number is None:
        number = math.floor(float(token) + 0.5)  # half up: "6.5" leans to the worse day
    return number if 0 <= number <= 10 else None


def _scores(text: str) -> list[int]:
    found = [value for match in _SCALE.finditer(text) if (value := _value(match.group(1))) is not None]
    if found:
        return found
    text = _NOT_A_RATING.sub(" ", text)
    for pattern in (_RANGE, _BARE):
        found = [value for match in pattern.finditer(text) for group in match.groups()
                 if group and (value := _value(group)) is not None]
        if found:
            return found
    return []


def parse_pain_score(text: str) -> PainReading:
    """Read a 0-10 rating and its severity; words decide when there is no number."""
    scores = _scores(text or "")
    word_severity = severity_from_words(text or "")
    if not scores:
        return PainReading(None, word_severity)
    score = max(scores)
    severity = severity_for_score(score)
    if word_severity == "severe":
        severity = "severe"
    return PainReading(score, severity)


# A number said as a rating inside a longer message: "like a 6", "easily a 7", "its a 7ish", "8 on a bad day".
_IN_CONTEXT = re.compile(
    r"(?:\b(?:a|an|like|about|around|maybe|easily|solid|probably|prob|roughly|definitely|at least|say|its|it's|"
    r"it is|is|hits|reaches|at|nearer|closer to)\s+)(?:a\s+|an\s+|solid\s+|good\s+|strong\s+)?" + _NUMBER
    + r"(?:\s*-?ish)?(?:\s*(?:-|to|or)\s*" + _NUMBER + r")?\b(?!" + _TIME_UNIT + r")"
    r"(?!\s*(?:%|kg|kilo|lb|pound|stone|am\b|pm\b|o'?clock|times|boxes|kids|children|stairs|steps|flights|miles|km))"
    r"|" + _NUMBER + r"\s*(?:-?ish\s+)?on (?:a |the )?(?:good|bad|worst|best) days?\b"
    r"|\bthe " + _NUMBER + r" mark\b"
    r"|" + _NUMBER + r"\s+(?:when (?:it'?s|its|it is) (?:bad|worst|at its worst|flaring)|at (?:its|it'?s) worst|"
    r"when i\b|when it\b|"
    r"at worst|at the worst|on bad days|when it flares)\b"
    r"|" + _NUMBER + r"ish\b",
    re.IGNORECASE)


def find_rating_mentions(text: str) -> list[tuple[int, int, int]]:
    """Every rating in a longer message, explicit ("6/10") or said in context ("like a 6"): (start, end, score).

    A range gives its worse end. Durations and the scale itself are never ratings.
    """
    found = find_scale_mentions(text)
    taken = [(start, end) for start, end, _ in found]
    for match in _IN_CONTEXT.finditer(text or ""):
        if any(match.start() < end and start < match.end() for start, end in taken):
            continue
        values = [value for group in match.groups() if group and (value := _value(group)) is not None]
        if values:
            found.append((match.start(), match.end(), max(values)))
    return found


def find_scale_mentions(text: str) -> list[tuple[int, int, int]]:
    """Explicit ratings ("6/10", "seven out of ten") anywhere in a longer message: (start, end, score)."""
    found = []
    for match in _SCALE.finditer(text or ""):
        score = _value(match.group(1))
        if score is not None:
            found.append((match.start(), match.end(), score))
    return found
