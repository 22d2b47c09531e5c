"""What the client says of treatment already had for this pain: how many sessions, and whether it helped.

The seed articles' course of care: most spasms need about four sessions over six
weeks; no change after two sessions of neuromuscular therapy means it may not be the
best option (suggestion ``no_change_after_two_sessions``); a spasm that does not let
go under the therapist's pressure usually means inflammation (reason
``spasm_not_releasing``: see a doctor first). Clients say this in passing, in any
message ("I've had two massages for this and it's no better"), so every message of
the conversation is read with the phrases of ``knowledge/treatment.yml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.entities import QUESTION
from bot.knowledge import KNOWLEDGE_DIR, KnowledgeError, read_knowledge_file
from bot.numbers import EXACT_NUMBER_WORDS

TREATMENT_FILE = "treatment.yml"
CHANGES = ("no_change", "worse", "better")
UNKNOWN = "unknown"
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
            "fifth": 5, "5th": 5, "sixth": 6, "6th": 6}
VAGUE_COUNTS = {"a couple of": 2, "couple of": 2, "a couple": 2, "a few": 3, "few": 3, "several": 3, "a": 1, "an": 1,
                "one": 1}
_SENTENCES = re.compile(r"[^.!?;\n]+[.!?;\n]*")
# Two days or more, or 36 hours or more: soreness after a session that lasts "well past a day and a half".
_LASTING = re.compile(r"\b(?:(?P<count>\d+|two|three|four|five|six|seven|a few|few|a couple of|couple of|several)\s+"
                      r"(?P<unit>days?|hours?|hrs?)|(?:a|one|all|the whole)\s+week|days (?:after|later|on))\b",
                      re.IGNORECASE)
# In answer to "have you had treatment?", "twice" or "3 times" count the sessions without naming them.
_TIMES = re.compile(r"\b(?:(?P<word>once|twice|thrice)|(?P<count>\d{1,2}|one|two|three|four|five|six|seven|eight|"
                    r"a couple of|a few|couple of|few|several)\s*(?:times|x|goes|lots))\b"
                    r"(?!\s+(?:a|per|each|every)\s+(?:day|night|week|month))", re.IGNORECASE)
_TIMES_WORDS = {"once": 1, "twice": 2, "thrice": 3}


@dataclass(frozen=True)
class PreviousTreatment:
    sessions: int | None = None
    change: str = UNKNOWN
    spasm_not_releasing: bool = False
    lasting_soreness: bool = False

    @property
    def told(self) -> bool:
        return self.sessions is not None or self.change != UNKNOWN or self.spasm_not_releasing or \
            self.lasting_soreness

    @property
    def no_change_after_two_sessions(self) -> bool:
        """The seed's rule: two sessions or more and nothing better (no change, or worse)."""
        return self.sessions is not None and self.sessions >= 2 and self.change in ("no_change", "worse")

    def as_dict(self) -> dict[str, object]:
        return {"sessions": self.sessions, "change": self.change}

    def as_slot(self) -> dict[str, object]:
        """Everything read, for the form's slot (the payload shows only ``as_dict``)."""
        return {**self.as_dict(), "spasm_not_releasing": self.spasm_not_releasing,
                "lasting_soreness": self.lasting_soreness}

    @classmethod
    def from_slot(cls, value: object) -> PreviousTreatment:
        """The slot's value back; anything else (not asked, "unknown") tells nothing."""
        if not isinstance(value, dict):
            return cls()
        sessions = value.get("sessions")
        change = value.get("change")
        return cls(sessions if isinstance(sessions, int) and not isinstance(sessions, bool) and sessions >= 0 else None,
                   change if change in CHANGES else UNKNOWN, value.get("spasm_not_releasing") is True,
                   value.get("lasting_soreness") is True)

    def joined(self, later: PreviousTreatment) -> PreviousTreatment:
        """Two readings together: the most sessions named, the later change when it tells one."""
        counts = [n for n in (self.sessions, later.sessions) if n is not None]
        return PreviousTreatment(max(counts) if counts else None,
                                 later.change if later.change != UNKNOWN else self.change,
                                 self.spasm_not_releasing or later.spasm_not_releasing,
                                 self.lasting_soreness or later.lasting_soreness)


def _alternatives(phrases: Iterable[str]) -> str:
    """One regex alternation; "didn't" also matches "didnt", "didn’t" and "did not"."""
    return "|".join(re.escape(p.replace("n't", "\0")).replace(r"\ ", r"\s+").replace("'", "['’]?")
                    .replace("\0", r"(?:n['’]?t|\s+not)") for p in sorted(phrases, key=len, reverse=True))


@dataclass(frozen=True)
class TreatmentPhrases:
    treatments: re.Pattern[str]
    counted: re.Pattern[str]
    ordinal: re.Pattern[str]
    changes: tuple[tuple[str, re.Pattern[str]], ...]
    spasm: re.Pattern[str]
    sore: re.Pattern[str]
    after: re.Pattern[str]
    not_the_clients: re.Pattern[str]
    unsure: re.Pattern[str]


def _phrase_list(raw: dict, key: str, where: str) -> list[str]:
    value = raw.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(p, str) and p.strip() for p in value):
        raise KnowledgeError(f"{TREATMENT_FILE}: {where}{key} must be a list of words or phrases")
    return [p.strip().lower() for p in value]


@lru_cache(maxsize=1)
def treatment_phrases(directory: Path = KNOWLEDGE_DIR) -> TreatmentPhrases:
    raw = read_knowledge_file(TREATMENT_FILE, directory)
    change = raw.get("change")
    if not isinstance(change, dict) or set(change) != set(CHANGES):
        raise KnowledgeError(f"{TREATMENT_FILE}: change must list exactly {', '.join(CHANGES)}")
    words = _alternatives(_phrase_list(raw, "session_words", ""))
    treatments = _alternatives(_phrase_list(raw, "treatments", ""))
    not_the_clients = _alternatives([*_phrase_list(raw, "not_had_yet", ""), *_phrase_list(raw, "someone_else", "")])
    counts = _alternatives([*VAGUE_COUNTS, *EXACT_NUMBER_WORDS, *map(str, range(1, 21))])
    return TreatmentPhrases(
        treatments=re.compile(rf"\b(?:{treatments})\b", re.IGNORECASE),
        counted=re.compile(rf"\b(?P<count>{counts})\s+(?:\w+\s+)?(?:{words})\b", re.IGNORECASE),
        ordinal=re.compile(rf"\b(?P<ordinal>{_alternatives(ORDINALS)})\s+(?:\w+\s+)?(?:{words})\b", re.IGNORECASE),
        changes=tuple((name, re.compile(rf"\b(?:{_alternatives(_phrase_list(change, name, 'change.'))})\b",
                                        re.IGNORECASE)) for name in CHANGES),
        spasm=re.compile(rf"\b(?:{_alternatives(_phrase_list(raw, 'spasm_not_releasing', ''))})\b", re.IGNORECASE),
        sore=re.compile(rf"\b(?:{_alternatives(_phrase_list(raw, 'sore', ''))})\b", re.IGNORECASE),
        not_the_clients=re.compile(rf"\b(?:{not_the_clients})\b", re.IGNORECASE),
        after=re.compile(rf"\b(?:{_alternatives(_phrase_list(raw, 'after', ''))})\b", re.IGNORECASE),
        unsure=re.compile(rf"\b(?:{_alternatives(_phrase_list(raw, 'unsure', ''))})\b", re.IGNORECASE),
    )


def _count(match: re.Match[str]) -> int:
    word = match.group("count").lower()
    word = re.sub(r"\s+", " ", word)
    if word.isdigit():
        return int(word)
    return VAGUE_COUNTS.get(word) or EXACT_NUMBER_WORDS.get(word, 1)


def _lasts(sentence: str) -> bool:
    """A time of two days or more (36 hours or more) in the sentence."""
    for match in _LASTING.finditer(sentence):
        count = (match.group("count") or "").lower()
        if not count:
            return True
        number = int(count) if count.isdigit() else VAGUE_COUNTS.get(count) or EXACT_NUMBER_WORDS.get(count, 2)
        if (match.group("unit") or "").lower().startswith("h"):
            if number >= 36:
                return True
        elif number >= 2:
            return True
    return False


def _read_sentence(sentence: str, phrases: TreatmentPhrases) -> PreviousTreatment:
    """One sentence that is about the client's treatment (or answers the question about it)."""
    named = [_count(m) for m in phrases.counted.finditer(sentence)]
    named += [ORDINALS[m.group("ordinal").lower()] for m in phrases.ordinal.finditer(sentence)]
    named += [_TIMES_WORDS.get((m.group("word") or "").lower()) or _count(m) for m in _TIMES.finditer(sentence)]
    change = UNKNOWN if phrases.unsure.search(sentence) else next(
        (name for name, pattern in phrases.changes if pattern.search(sentence)), UNKNOWN)
    spasm = bool(phrases.spasm.search(sentence))
    if spasm and change == UNKNOWN:
        change = "no_change"  # the therapist could not release it: the treatment changed nothing
    # "still sore three days after my massage"; "sore for 3 weeks, had 2 massages" is the pain itself.
    sore = bool(phrases.sore.search(sentence) and phrases.after.search(sentence)) and _lasts(sentence)
    return PreviousTreatment(max(named) if named else None, change, spasm, sore)


def read_treatment(messages: Iterable[str | None]) -> PreviousTreatment:
    """Sessions (the most named), how it went (the latest said), a spasm that would not let go, lasting soreness."""
    phrases = treatment_phrases()
    told = PreviousTreatment()
    for message in messages:
        for sentence in _SENTENCES.findall(message or ""):
            # A question about treatment ("does massage make it worse?") tells nothing of the client's own.
            if QUESTION.search(sentence) or not phrases.treatments.search(sentence) or \
                    phrases.not_the_clients.search(sentence):
                continue
            told = told.joined(_read_sentence(sentence, phrases))
    return told


def read_treatment_answer(text: str | None) -> PreviousTreatment:
    """The answer to "have you had treatment for this?": it needs no treatment word ("twice, no better")."""
    phrases = treatment_phrases()
    told = PreviousTreatment()
    for sentence in _SENTENCES.findall(text or ""):
        told = told.joined(_read_sentence(sentence, phrases))
    return told


COURSE_OF_CARE = ("spasm_not_releasing", "lasting_soreness", "no_change_after_two_sessions", "worse", "no_change",
                  "better")


@lru_cache(maxsize=1)
def course_of_care_words(directory: Path = KNOWLEDGE_DIR) -> dict[str, str]:
    raw = read_knowledge_file(TREATMENT_FILE, directory).get("course_of_care")
    missing = [key for key in COURSE_OF_CARE if not isinstance((raw or {}).get(key), str)]
    if missing:
        raise KnowledgeError(f"{TREATMENT_FILE}: course_of_care: missing {', '.join(missing)}")
    return {key: " ".join(raw[key].split()) for key in COURSE_OF_CARE}


def course_of_care(told: PreviousTreatment) -> str | None:
    """Where the client is in a course of care, the most pressing first; None when nothing was told."""
    facts = {"spasm_not_releasing": told.spasm_not_releasing, "lasting_soreness": told.lasting_soreness,
             "no_change_after_two_sessions": told.no_change_after_two_sessions, "worse": told.change == "worse",
             "no_change": told.change == "no_change", "better": told.change == "better"}
    key = next((key for key in COURSE_OF_CARE if facts[key]), None)
    return course_of_care_words()[key] if key else None


def course_of_care_intent(intent: str | None, text: str) -> str | None:
    """"my second massage was on Monday and it's a bit better" is a client telling how it goes, not an FAQ.

    A statement (not a question) the classifier took for a question about massage, that tells the
    client's own treatment and how it went, describes their pain: the self-check (and its course of
    care answer) follows. None keeps the classifier's intent.
    """
    if intent != "faq" or QUESTION.search(text):
        return None
    told = read_treatment([text])
    return "describe_pain" if told.change != UNKNOWN or told.spasm_not_releasing or told.lasting_soreness else None
