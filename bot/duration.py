"""How long the pain has lasted, from free text, in days and a clinical category.

Clients answer "since last Tuesday", "a couple of months", "2 yrs", "on and off for
years". The category (acute under 6 weeks, subacute 6-12 weeks, chronic over 12)
changes the advice, so a phrase we cannot read honestly yields "unknown" rather
than a guess.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from bot.numbers import NUMBER_WORDS

UNIT_DAYS: dict[str, float] = {
    "day": 1, "days": 1, "d": 1, "dy": 1, "dys": 1,
    "week": 7, "weeks": 7, "wk": 7, "wks": 7, "w": 7, "fortnight": 14, "fortnights": 14,
    "month": 30, "months": 30, "mth": 30, "mths": 30, "mo": 30, "mos": 30, "mnth": 30, "mnths": 30,
    "year": 365, "years": 365, "yr": 365, "yrs": 365, "y": 365,
    # Hours only matter to say "today": "a few hours", "48 hrs".
    "hour": 1 / 24, "hours": 1 / 24, "hr": 1 / 24, "hrs": 1 / 24,
}
# A lone letter only counts glued to a number: "3w", "2y".
LETTER_UNITS = {"d", "w", "y", "mo"}
# "for weeks", "for years": vague, but the unit alone still places it in a category.
VAGUE_PLURAL_DAYS = {"days": 3, "weeks": 14, "months": 90, "years": 730, "ages": None}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY_ABBREVIATIONS = {"mon": 0, "tue": 1, "tues": 1, "wed": 2, "weds": 2, "thu": 3, "thur": 3, "thurs": 3,
                         "fri": 4, "sat": 5, "sun": 6}
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
MONTH_ALIASES = {name[:3]: index for index, name in enumerate(MONTHS)} | {"sept": 8}
RELATIVE_DAYS = {
    "today": 0, "this morning": 0, "this afternoon": 0, "this evening": 0, "tonight": 0, "earlier today": 0,
    "last night": 1, "yesterday": 1, "the day before yesterday": 2, "day before yesterday": 2,
    "last week": 7, "the weekend": None, "last weekend": None, "last month": 30, "last year": 365,
    "christmas": None, "new year": None, "easter": None,
    "start of the year": None, "beginning of the year": None,
}
ACUTE_LIMIT_DAYS = 42  # under 6 weeks
SUBACUTE_LIMIT_DAYS = 84  # up to 12 weeks

_TENS = r"(?:twenty|thirty|forty|fifty)[\s-]+(?:one|two|three|four|five|six|seven|eight|nine)\b"
_NUM = (r"(?<![\w.])(\d+(?:\.\d+)?|" + _TENS + "|(?:"
        + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\b)")
_UNIT = "(" + "|".join(sorted(UNIT_DAYS, key=len, reverse=True)) + r")\b"
_AND_HALF = r"\s+and\s+a\s+half"
_AMOUNT = re.compile(
    r"(?:(?<![\w.])(?P<half_a>half\s+an?)\s+" + _UNIT + r")"
    r"|(?:" + _NUM + r"(?:\s*(?:-|to|or)\s*" + _NUM + r")?(?P<pre_half>" + _AND_HALF + r")?\s*(?:of\s+)?"
    + _UNIT + r"(?P<and_half>" + _AND_HALF + r")?"
    # "a week or two", "a day or 2": the second number borrows the unit.
    + r"(?:\s+(?:or|to)\s+" + _NUM + r"(?!\s*(?:of\s+)?(?:[a-z]|\d)))?)",
    re.IGNORECASE,
)
_MONTH_WORD = "(?P<month>" + "|".join(sorted(list(MONTHS) + list(MONTH_ALIASES), key=len, reverse=True)) + r")\b"
_PART = r"(?P<part>start|beginning|early|mid|middle|late|end)(?:\s+of)?\s+(?:the\s+)?"
_ORDINAL = r"(?:st|nd|rd|th)?"
_MONTH_DATE = re.compile(
    r"(?:\b(?:since|in|from)\s+(?:the\s+)?(?:" + _PART + r")?|\b" + _PART.replace("?P<part>", "?P<part2>") + r")"
    r"(?:(?P<day1>\d{1,2})" + _ORDINAL + r"\s+(?:of\s+)?)?" + _MONTH_WORD
    + r"(?:\s+(?:the\s+)?(?P<day2>\d{1,2})" + _ORDINAL + r"\b)?(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?"
)
PART_DAYS = {"start": 1, "beginning": 1, "early": 1, "mid": 15, "middle": 15, "late": 25, "end": 31}


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
    parts = re.split(r"[\s-]+", token.lower())
    if all(part in NUMBER_WORDS for part in parts):
        return float(sum(NUMBER_WORDS[part] for part in parts))  # "thirty five"
    return float(token)


def _from_amount(text: str) -> int | None:
    for match in _AMOUNT.finditer(text):
        groups = match.groups()
        if match.group("half_a"):
            return int(UNIT_DAYS[groups[1].lower()] / 2 + 0.5)
        low, high, unit = _number(groups[2]), _number(groups[3]), groups[5].lower()
        if unit in LETTER_UNITS and not re.search(r"\d\s*" + unit + r"\b", match.group(0), re.IGNORECASE):
            continue  # "a d", "i y": not a duration
        if high is None:
            high = _number(groups[7])
        amount = (low + high) / 2 if high is not None else low
        if match.group("pre_half") or match.group("and_half"):
            amount += 0.5
        return int(amount * UNIT_DAYS[unit] + 0.5)  # half up, as people count: 10.5 days is 11
    return None


def _days_since_weekday(name: str, today: date) -> int:
    back = (today.weekday() - WEEKDAYS.index(name)) % 7
    return back or 7


def _days_since_date(month: int, day: int, today: date, year: int | None = None) -> int | None:
    """Days since ``day`` of ``month`` (0-based); the latest such date not in the future unless ``year`` says."""
    day = min(day, calendar.monthrange(year or today.year, month + 1)[1])
    try:
        start = date(year or today.year, month + 1, day)
    except ValueError:
        return None
    if start > today:
        if year is not None:
            return None
        day = min(day, calendar.monthrange(today.year - 1, month + 1)[1])
        start = date(today.year - 1, month + 1, day)
    return (today - start).days


def _from_month(text: str, today: date) -> int | None:
    for match in _MONTH_DATE.finditer(text):
        word = match.group("month")
        index = MONTHS.index(word) if word in MONTHS else MONTH_ALIASES[word]
        part = match.group("part") or match.group("part2")
        day = int(match.group("day1") or match.group("day2") or PART_DAYS.get(part or "", 1))
        if not 1 <= day <= 31:
            continue
        year = int(match.group("year")) if match.group("year") else None
        return _days_since_date(index, day, today, year)
    return None


def _from_calendar(text: str, today: date) -> int | None:
    for phrase in sorted(RELATIVE_DAYS, key=len, reverse=True):
        if re.search(r"\b" + phrase + r"\b", text):
            if phrase in ("the weekend", "last weekend"):
                return _days_since_weekday("saturday", today)
            if phrase == "christmas":
                return _days_since_date(11, 25, today)
            if phrase in ("new year", "start of the year", "beginning of the year"):
                return _days_since_date(0, 1, today)
            if phrase == "easter":
                return None  # a movable feast: better unknown than wrong
            return RELATIVE_DAYS[phrase]
    for name in WEEKDAYS:
        if re.search(r"\b" + name + r"s?\b", text):
            return _days_since_weekday(name, today)
    # Abbreviations only after "since", "last" or "on": "sat" alone is usually the verb.
    short = re.search(r"\b(?:since|last|on)\s+(" + "|".join(WEEKDAY_ABBREVIATIONS) + r")\b", text)
    if short:
        return _days_since_weekday(WEEKDAYS[WEEKDAY_ABBREVIATIONS[short.group(1)]], today)
    days = _from_month(text, today)
    if days is not None:
        return days
    year = re.search(r"\b(?:since|in|from)\s+((?:19|20)\d\d)\b", text)
    if year:
        start_year = int(year.group(1))
        return (today - date(start_year, 1, 1)).days if start_year <= today.year else None
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
        return "less than a day"  # read after "for": "for less than a day"
    if days < 14:
        return f"about {days} day{'s' if days != 1 else ''}"
    if days < 60:
        return f"about {round(days / 7)} weeks"
    if days < 730:
        return f"about {round(days / 30)} months"
    return f"about {round(days / 365)} years"

