"""How long the pain has lasted, from free text, in days and a clinical category.

Clients answer "since last Tuesday", "a couple of months", "2 yrs", "on and off for
years". The category (acute under 6 weeks, subacute 6-12 weeks, chronic over 12)
changes the advice, so a phrase we cannot read honestly yields "unknown" rather
than a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.numbers import NUMBER_WORDS

UNIT_DAYS = {
    "day": 1, "days": 1, "d": 1, "dy": 1, "dys": 1,
    "week": 7, "weeks": 7, "wk": 7, "wks": 7, "w": 7, "fortnight": 14, "fortnights": 14,
    "month": 30, "months": 30, "mth": 30, "mths": 30, "mo": 30, "mos": 30, "mnth": 30, "mnths": 30,
    "year": 365, "years": 365, "yr": 365, "yrs": 365, "y": 365,
}
# "for weeks", "for years": vague, but the unit alone still places it in a category.
VAGUE_PLURAL_DAYS = {"days": 3, "weeks": 14, "months": 90, "years": 730, "ages": None}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
MONTH_ALIASES = {name[:3]: index for index, name in enumerate(MONTHS)} | {"sept": 8}
RELATIVE_DAYS = {
    "today": 0, "this morning": 0, "this afternoon": 0, "this evening": 0, "tonight": 0, "earlier today": 0,
    "last night": 1, "yesterday": 1, "the day before yesterday": 2, "day before yesterday": 2,
    "last week": 7, "the weekend": None, "last weekend": None, "last month": 30, "last year": 365,
    "christmas": None, "new year": None, "easter": None,
}
ACUTE_LIMIT_DAYS = 42  # under 6 weeks
SUBACUTE_LIMIT_DAYS = 84  # up to 12 weeks

_NUM = r"(\d+(?:\.\d+)?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + ")"
_UNIT = "(" + "|".join(sorted(UNIT_DAYS, key=len, reverse=True)) + r")\b"
_AMOUNT = re.compile(
    r"(?:(?P<half_a>half an?)\s+" + _UNIT + r")"
    r"|(?:" + _NUM + r"(?:\s*(?:-|to|or)\s*" + _NUM + r")?\s*(?:of\s+)?" + _UNIT
    + r"(?P<and_half>\s+and\s+a\s+half)?)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Duration:
    days: int | None
    category: str  # acute, subacute, chronic or unknown

    def as_dict(self) -> dict[str, int | str | None]:
        return {"days": self.days, "category": self.category}


def category_for_days(days: int | None) -> str:
    if days is None:
        return "unknown"
    if days < ACUTE_LIMIT_DAYS:
        return "acute"
    if days <= SUBACUTE_LIMIT_DAYS:
        return "subacute"
    return "chronic"


def _number(token: str | None) -> float | None:
    if token is None:
        return None
    token = token.lower()
    if token in NUMBER_WORDS:
        return float(NUMBER_WORDS[token])
    return float(token)


def _from_amount(text: str) -> int | None:
    match = _AMOUNT.search(text)
    if not match:
        return None
    groups = match.groups()
    if match.group("half_a"):
        return round(UNIT_DAYS[groups[1].lower()] / 2) if groups[1].lower() != "fortnight" else 7
    low, high, unit = _number(groups[2]), _number(groups[3]), groups[4].lower()
    amount = (low + high) / 2 if high is not None else low
    if match.group("and_half"):
        amount += 0.5
    unit_days = UNIT_DAYS[unit]
    if unit in {"d", "w", "y", "mo"} and not re.search(r"\d\s*" + unit + r"\b", match.group(0), re.IGNORECASE):
        return None  # a lone letter only counts glued to a number: "3w", "2y"
    return round(amount * unit_days)


def _days_since_weekday(name: str, today: date) -> int:
    back = (today.weekday() - WEEKDAYS.index(name)) % 7
    return back or 7


def _days_since_date(month: int, day: int, today: date) -> int | None:
    try:
        start = date(today.year, month + 1, day)
    except ValueError:
        return None
    if start > today:
        start = date(today.year - 1, month + 1, day)
    return (today - start).days


def _from_calendar(text: str, today: date) -> int | None:
    for phrase in sorted(RELATIVE_DAYS, key=len, reverse=True):
        if re.search(r"\b" + phrase + r"\b", text):
            if phrase in ("the weekend", "last weekend"):
                return _days_since_weekday("saturday", today)
            if phrase == "christmas":
                return _days_since_date(11, 25, today)
            if phrase == "new year":
                return _days_since_date(0, 1, today)
            if phrase == "easter":
                return None  # a movable feast: better unknown than wrong
            return RELATIVE_DAYS[phrase]
    for name in WEEKDAYS:
        # Abbreviations only after "since", "last" or "on": "sat" alone is usually the verb.
        if re.search(r"\b" + name + r"s?\b", text) or re.search(r"\b(?:since|last|on)\s+" + name[:3] + r"\b", text):
            return _days_since_weekday(name, today)
    year = re.search(r"\b(?:since|in|from)\s+((?:19|20)\d\d)\b", text)
    if year:
        start_year = int(year.group(1))
        return (today - date(start_year, 1, 1)).days if start_year <= today.year else None
    month = re.search(r"\b(?:since|in|from|early|mid|late|start of|end of)\s+(?:the\s+)?(?:start\s+of\s+|end\s+of\s+)?"
                      r"([a-z]{3,9})\b", text)
    if month:
        word = month.group(1)
        index = MONTHS.index(word) if word in MONTHS else MONTH_ALIASES.get(word)
        if index is not None:
            return _days_since_date(index, 1, today)
    return None


def _from_vague(text: str) -> int | None:
    match = re.search(r"\b(?:for|since|over|past|many|some|few)\s+(days|weeks|months|years|ages)\b", text) or \
        re.fullmatch(r"\s*(days|weeks|months|years)\s*", text)
    return VAGUE_PLURAL_DAYS[match.group(1)] if match else None


def parse_duration(text: str | None, today: date | None = None) -> Duration:
    """Read how long the pain has lasted; never guess at what we cannot read."""
    if not text or not text.strip():
        return Duration(None, "unknown")
    today = today or date.today()
    lowered = " ".join(text.lower().replace("’", "'").split())
    days = _from_amount(lowered)
    if days is None:
        days = _from_calendar(lowered, today)
    if days is None:
        days = _from_vague(lowered)
    if days is not None and days < 0:
        days = None
    return Duration(days, category_for_days(days))


def describe_days(days: int) -> str:
    """A friendly way to say a number of days back to the client."""
    if days < 1:
        return "since today"
    if days < 14:
        return f"about {days} day{'s' if days != 1 else ''}"
    if days < 60:
        return f"about {round(days / 7)} weeks"
    if days < 730:
        return f"about {round(days / 30)} months"
    return f"about {round(days / 365)} years"

