"""Free-text durations, read against a fixed Sunday (2026-11-22)."""

from datetime import date

import pytest

from bot.duration import category_for_days, describe_days, parse_duration

TODAY = date(2026, 11, 22)
assert TODAY.weekday() == 6  # a Sunday: the weekday cases below depend on it


@pytest.mark.parametrize("text,days,category", [
    ("3 weeks", 21, "acute"),
    ("2 yrs", 730, "chronic"),
    ("a couple of months", 60, "subacute"),
    ("since last Tuesday", 5, "acute"),
    ("since tues", 5, "acute"),
    ("since Saturday", 1, "acute"),
    ("since sunday", 7, "acute"),
    ("since the weekend", 1, "acute"),
    ("yesterday", 1, "acute"),
    ("the day before yesterday", 2, "acute"),
    ("this morning", 0, "acute"),
    ("a few hours", 0, "acute"),
    ("48 hrs", 2, "acute"),
    ("a fortnight", 14, "acute"),
    ("half a year", 183, "chronic"),
    ("18 months", 540, "chronic"),
    ("10 days or so", 10, "acute"),
    ("a week and a half", 11, "acute"),
    ("one and a half years", 548, "chronic"),
    ("a day or two", 2, "acute"),
    ("on and off for years", 730, "chronic"),
    ("for weeks", 14, "acute"),
    ("since march", 266, "chronic"),
    ("since mid March", 252, "chronic"),
    ("since 15 october", 38, "acute"),
    ("pain in the back since september", 82, "subacute"),
    ("since christmas", 332, "chronic"),
    ("since new year", 325, "chronic"),
    ("since 2019", 2882, "chronic"),
    ("since Jan 2020", 2517, "chronic"),
    ("2-3 weeks", 18, "acute"),
    ("three to four weeks", 25, "acute"),
    ("a few days ago", 3, "acute"),
    ("about a month", 30, "acute"),
    ("fourteen days", 14, "acute"),
    ("thirty five days", 35, "acute"),
    ("3w", 21, "acute"),
    ("6 weeks", 42, "subacute"),
    ("41 days", 41, "acute"),
    ("12 weeks", 84, "subacute"),
    ("13 weeks", 91, "chronic"),
    ("3 mths", 90, "chronic"),
    ("  About   3 WEEKS now ", 21, "acute"),
])
def test_phrasings(text, days, category):
    assert parse_duration(text, TODAY).as_dict() == {"days": days, "category": category}


@pytest.mark.parametrize("text", [
    "banana", "", "   ", "idk", "ages", "for ages", "since the accident", "purple", "🙂", "<b>hi</b>",
    "since easter", "i may have", "a", "since 2031", "since december 2026", "extra week",
])
def test_nonsense_is_unknown_not_a_guess(text):
    assert parse_duration(text, TODAY).as_dict() == {"days": None, "category": "unknown"}


def test_none_is_unknown():
    assert parse_duration(None, TODAY).as_dict() == {"days": None, "category": "unknown"}


@pytest.mark.parametrize("today,text,days", [
    (date(2026, 11, 25), "since last Tuesday", 1),  # a Wednesday
    (date(2026, 11, 24), "since Tuesday", 7),  # on a Tuesday it means a week ago
    (date(2026, 12, 26), "since christmas", 1),  # this year's Christmas has just passed
    (date(2026, 2, 1), "since march", 337),  # March of last year
])
def test_calendar_phrases_depend_on_today(today, text, days):
    assert parse_duration(text, today).days == days


@pytest.mark.parametrize("days,category", [
    (None, "unknown"), (0, "acute"), (41, "acute"), (42, "subacute"), (84, "subacute"), (85, "chronic"),
])
def test_category_boundaries(days, category):
    assert category_for_days(days) == category


@pytest.mark.parametrize("days,text", [
    (0, "less than a day"), (1, "about 1 day"), (10, "about 10 days"), (21, "about 3 weeks"),
    (90, "about 3 months"), (730, "about 2 years"),
])
def test_describe_days(days, text):
    assert describe_days(days) == text
