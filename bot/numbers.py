"""Number words as people type them, shared by the pain-score and duration parsers."""

from __future__ import annotations

NUMBER_WORDS = {
    "zero": 0, "nil": 0, "none": 0, "one": 1, "a": 1, "an": 1, "single": 1, "two": 2, "couple": 2,
    "three": 3, "few": 3, "four": 4, "five": 5, "several": 4, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
}

# Words that name a number exactly; "a", "few" and "couple" only count next to a unit.
EXACT_NUMBER_WORDS = {word: value for word, value in NUMBER_WORDS.items()
                      if word not in {"a", "an", "single", "couple", "few", "several", "none", "nil"}}

