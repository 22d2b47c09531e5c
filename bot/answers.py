"""What a client's message says in answer to the question just asked.

The language model sorts a message into one intent, but people answer a question
in their own way: "nope, not swollen or hot, it's just sore" is a "no" with an
ache in it, "easily a 6 out of 10" is a 6, "not as far as I'm aware" a hedged
"no", "yes, let's start" a yes. These readers look at the words, the intent and
the entities together, for one question at a time, and say plainly when they
cannot tell, so the conversation can ask again (differently) instead of looping.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.cautions import read_cautions
from bot.duration import parse_duration
from bot.entities import NEGATED, live_red_flags
from bot.pain import parse_pain_score
from bot.screening import says_none_apply
from bot.treatment import read_treatment_answer

UNKNOWN = "unknown"
YES, NO = "yes", "no"
INFLAMMATION_SYMPTOMS = ("swelling", "heat_redness")

Entity = Mapping[str, Any]

_YES = re.compile(r"^\W*(?:yes|yeah|yea|yep|yup|ya|yah|aye|sure|ok|okay|k|fine|alright|all right|go on|go ahead|"
                  r"definitely|absolutely|of course|certainly|please|let'?s|lets|start|begin|ready|why not|"
                  r"sounds good|good|great|perfect|cool|si|oui)\b", re.IGNORECASE)
_NO = re.compile(r"^\W*(?:no|nope|nah|naw|not really|not at all|none|nothing|never|negative|neither|nay)\b",
                 re.IGNORECASE)
_YES_INSIDE = re.compile(r"\b(?:yes|yeah|yep|a bit|a little|slightly|somewhat|it is|it's (?:a bit |quite |really )?"
                         r"(?:swollen|warm|hot|red|puffy))\b", re.IGNORECASE)
# A "no" that leaves room: never enough on its own to clear the safety check.
_HEDGE = re.compile(r"\b(?:i )?(?:don'?t|do not|dont) (?:think|believe|reckon)|\bnot that i(?:'m| am)? (?:know|aware)|"
                    r"\bnot as far as i|\bi guess not|\bprobably not|\bnot really|\bi suppose not|\bi hope not|"
                    r"\bshouldn'?t think|\bdoubt it|\bnot to my knowledge|\bnot that i can think", re.IGNORECASE)
_UNSURE = re.compile(r"\b(?:not sure|unsure|no idea|don'?t know|dont know|dunno|idk|can'?t say|hard to say|"
                     r"not certain|no clue|couldn'?t say|can'?t tell|haven'?t a clue|who knows|maybe|perhaps|"
                     r"possibly|might be|might have|kind of|sort of|kinda|sorta|can'?t remember)\b", re.IGNORECASE)
# "nothing like that at all", "none of those": a denial of the whole list.
_WIDE_DENIAL = re.compile(r"\b(?:none of (?:th(?:e|o)se|them|that|it)|nothing like that|no to all|all no|all good|"
                          r"all fine|i'?m (?:fine|good|ok|okay)|fine thanks|none thanks|none here|nothing here|"
                          r"nothing at all|not any of|none at all|nope to all|none apply|no none)\b",
                          re.IGNORECASE)
_STOP = re.compile(r"\b(?:not now|no thanks|no thank you|not today|maybe later|later|stop|don'?t want|"
                   r"rather not|no ta)\b", re.IGNORECASE)
# The swelling question also asks about an injury in the last three days ("I slipped yesterday").
_INJURY = (r"(?:slipped|fell|fall|tripped|hurt it|hurt my|injured|twisted|pulled|tweaked|strained|jarred|did it|"
           r"did my back|knocked|banged|bumped|landed|tumble|tumbled|stumble|stumbled|went over|wrenched|crashed|"
           r"collided|came off|come off|ricked|cricked|overdid it|jolted|missed (?:a|the|my) (?:\w+ )?step|"
           r"lost my footing|went flying|did something to|took a spill|rolled my)")
_RECENT = (r"(?:today|yesterday|last night|this morning|this afternoon|tonight|"
           r"(?:a |one |two |three |1 |2 |3 |couple of |few )days? ago|the other day|(?:on |last )?(?:monday|tuesday|"
           r"wednesday|thursday|friday|saturday|sunday)|at the weekend|over the weekend)")
_RECENT_INJURY = re.compile(rf"\b{_INJURY}\b.{{0,60}}?\b{_RECENT}\b|\b{_RECENT}\b.{{0,60}}?\b{_INJURY}\b",
                            re.IGNORECASE)


def tells_recent_injury(text: str | None) -> bool:
    """A fall or a strain in the last three days, in the client's own words, in any message."""
    return bool(_RECENT_INJURY.search(text or ""))


CONTENT_INTENTS = ("describe_pain", "describe_activity", "give_pain_score", "give_duration", "report_red_flag")
START_INTENTS = ("affirm", "start_check", "greet")


@dataclass(frozen=True)
class Reading:
    """``kind``: "answer" (``value`` holds it), "unknown" (the client does not know) or "unclear"."""

    kind: str
    value: Any = None


UNCLEAR = Reading("unclear")


def _values(entities: Iterable[Entity], kind: str, negated: bool = False) -> list[str]:
    return list(dict.fromkeys(str(e.get("value")) for e in entities if e.get("entity") == kind
                              and (e.get("role") == NEGATED) == negated and e.get("value")))


def _text(text: str | None) -> str:
    return (text or "").replace("\u2019", "'").strip()


def is_unsure(text: str | None, intent: str | None) -> bool:
    return intent == "dont_know" or bool(_UNSURE.search(_text(text)))


def read_consent(text: str | None, intent: str | None, entities: Sequence[Entity]) -> Reading:
    """Yes, no, or unclear; describing the pain or asking to start is a yes."""
    text = _text(text)
    if _STOP.search(text):
        return Reading("answer", False)
    if _YES.search(text):
        return Reading("answer", True)
    if intent == "deny":
        return Reading("answer", False)
    if intent in START_INTENTS or intent in CONTENT_INTENTS:
        return Reading("answer", True)
    if any(e.get("entity") in ("pain_location", "activity", "symptom") for e in entities):
        return Reading("answer", True)
    if _NO.search(text):
        return Reading("answer", False)
    return UNCLEAR


def read_screening(text: str | None, intent: str | None, entities: Sequence[Entity]) -> tuple[str, tuple[str, ...]]:
    """The kind of answer to a safety question: "signs", "clear", "hedged", "yes", "unsure" or "unclear".

    Named signs (not denied) always come first. A bare or wide "no" clears; a "no"
    with room in it ("I don't think so", "not as far as I know") is "hedged".
    """
    flags = tuple(live_red_flags(entities))
    if flags:
        return "signs", flags
    text = _text(text)
    denied = any(e.get("entity") == "red_flag" and e.get("role") == NEGATED for e in entities)
    if _WIDE_DENIAL.search(text):
        return "clear", ()
    if is_unsure(text, intent):
        return "unsure", ()
    if _HEDGE.search(text):
        return "hedged", ()
    if intent == "deny" and says_none_apply(text) or _NO.search(text) or (denied and says_none_apply(text)):
        return "clear", ()
    if intent == "affirm" or _YES.search(text):
        return "yes", ()
    return "unclear", ()


def read_places(text: str | None, intent: str | None, entities: Sequence[Entity], kind: str) -> Reading:
    """Locations or activities named (not denied); "not sure", "nothing in particular" are unknown."""
    values = _values(entities, kind)
    if values:
        return Reading("answer", values)
    text = _text(text)
    if is_unsure(text, intent) or intent == "deny" or _NO.search(text) or re.search(
            r"\b(?:nothing|no reason|out of (?:the )?nowhere|just (?:started|happened|came on)|all over|"
            r"everywhere|can'?t (?:pin|point)|not anything)\b", text, re.IGNORECASE):
        return Reading("unknown")
    return UNCLEAR


def read_pain_score(text: str | None, intent: str | None, entities: Sequence[Entity]) -> Reading:
    """A 0-10 score (the worst one given), else a severity word, else unknown or unclear."""
    scores = [int(e["value"]) for e in entities if e.get("entity") == "pain_score" and str(e.get("value")).isdigit()]
    reading = parse_pain_score(_text(text))
    if scores:
        return Reading("answer", str(max(scores + ([reading.score] if reading.score is not None else []))))
    if reading.score is not None:
        return Reading("answer", str(reading.score))
    if reading.severity:
        return Reading("answer", reading.severity)
    if is_unsure(text, intent):
        return Reading("unknown")
    return UNCLEAR


def read_duration(text: str | None, intent: str | None, entities: Sequence[Entity]) -> Reading:
    """How long: the duration entity the resolver chose, else the whole answer if it reads as a time."""
    spans = [str(e["value"]) for e in entities if e.get("entity") == "duration" and e.get("value")]
    if spans:
        return Reading("answer", spans[0])
    text = _text(text)
    if parse_duration(text).days is not None:
        return Reading("answer", text)
    if is_unsure(text, intent):
        return Reading("unknown")
    if re.search(r"\b(?:ages|forever|for ever|a while|ages ago|long time|years|months|weeks|days)\b", text,
                 re.IGNORECASE):
        return Reading("answer", text)
    return UNCLEAR


def read_inflammation(text: str | None, intent: str | None, entities: Sequence[Entity]) -> Reading:
    """Yes, no or not sure, from the words as much as from the intent.

    "nope, not swollen or hot, it's just sore" is a no; "yes, it's a bit warm" and
    "it's puffy" are yeses; a denied swelling is a no even when the intent is not.
    """
    text = _text(text)
    if set(_values(entities, "symptom")) & set(INFLAMMATION_SYMPTOMS) or _RECENT_INJURY.search(text):
        return Reading("answer", YES)
    if set(_values(entities, "symptom", negated=True)) & set(INFLAMMATION_SYMPTOMS):
        return Reading("answer", NO)
    if is_unsure(text, intent):
        return Reading("unknown")
    if _NO.search(text) or intent == "deny":
        return Reading("answer", NO)
    if intent == "affirm" or _YES.search(text) or _YES_INSIDE.search(text):
        return Reading("answer", YES)
    if re.search(r"\b(?:not|isn'?t|aren'?t|no)\b", text, re.IGNORECASE):
        return Reading("answer", NO)
    return UNCLEAR


def inflammation_already_told(entities: Iterable[Entity]) -> str | None:
    """"yes" or "no" when a message already said whether there is swelling, heat or redness."""
    entities = list(entities)
    if set(_values(entities, "symptom")) & set(INFLAMMATION_SYMPTOMS):
        return YES
    if set(_values(entities, "symptom", negated=True)) & set(INFLAMMATION_SYMPTOMS):
        return NO
    return None


def _reader_for_places(kind: str) -> Callable[[str | None, str | None, Sequence[Entity]], Reading]:
    return lambda text, intent, entities: read_places(text, intent, entities, kind)


# The reader of each question but the safety check (which has its own steps: bot.screening).
def read_intake(text: str | None, intent: str | None, entities: Sequence[Entity]) -> Reading:
    """The cautions named (bot/cautions.py), none, not sure, or unclear (a bare "yes" says not which)."""
    named = read_cautions([_text(text)])
    if named:
        return Reading("answer", named)
    text = _text(text)
    if is_unsure(text, intent):
        return Reading("unknown")
    if intent == "deny" or _NO.search(text) or _WIDE_DENIAL.search(text) or says_none_apply(text):
        return Reading("answer", [])
    return UNCLEAR


_NO_TREATMENT = re.compile(r"\b(?:not yet|never|haven'?t|have not|havent|not had|no treatment|nothing yet|"
                           r"first time|none yet)\b", re.IGNORECASE)


def read_treatment_question(text: str | None, intent: str | None, entities: Sequence[Entity]) -> Reading:
    """Sessions and how they went ("twice, no better"), none ("not yet"), not sure, or unclear.

    A bare "yes" is an answer too: treatment was had, how many and how it went not said.
    """
    text = _text(text)
    told = read_treatment_answer(text)
    if told.told:
        return Reading("answer", told.as_slot())
    if is_unsure(text, intent):
        return Reading("unknown")
    if intent == "deny" or _NO.search(text) or _NO_TREATMENT.search(text) or _WIDE_DENIAL.search(text):
        return Reading("answer", {**told.as_slot(), "sessions": 0})
    if intent == "affirm" or _YES.search(text) or _YES_INSIDE.search(text):
        return Reading("answer", told.as_slot())
    return UNCLEAR


READERS: dict[str, Callable[[str | None, str | None, Sequence[Entity]], Reading]] = {
    "consent": read_consent,
    "pain_location": _reader_for_places("pain_location"),
    "activities": _reader_for_places("activity"),
    "symptoms": _reader_for_places("symptom"),
    "pain_score": read_pain_score,
    "pain_duration": read_duration,
    "inflammation": read_inflammation,
    "treatment": read_treatment_question,
    "intake": read_intake,
}


_DATABLE = re.compile(r"\d|\b(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|couple|few|"
                      r"several|fortnight|yesterday|today|tonight|since|ago|last|this)\b", re.IGNORECASE)


# "28 weeks pregnant" says how far along a pregnancy is, not how long the back has hurt.
_PREGNANCY_TERM = re.compile(r"\b(?:weeks?|wks?|months?)\s+(?:pregnant|along|gone|into (?:my|the) pregnancy)\b",
                             re.IGNORECASE)


def dates_the_pain(value: str, message: str | None) -> bool:
    """A duration said in passing that dates the pain: datable, and not how far along a pregnancy is."""
    return is_datable(value) and not _PREGNANCY_TERM.search(message or "")


def is_datable(text: str) -> bool:
    """A duration said in passing that really dates the pain ("3 weeks", "since Tuesday"), not "for weeks"."""
    return parse_duration(text).days is not None and bool(_DATABLE.search(text))
