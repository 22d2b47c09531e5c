"""Reconcile entities from a statistical extractor with the vocabulary.

Plain Python so the rules are unit-tested without Rasa: every entity that
leaves here carries a canonical value from ``bot/knowledge`` (or is dropped),
negation is decided by deterministic rules (a statistical "denied" counts only
when a negation cue confirms it), and a warning sign that is not negated
decides the intent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from bot.duration import parse_duration
from bot.input_check import language_verdict
from bot.knowledge import default_knowledge
from bot.language import Mention, VocabularyMatcher
from bot.pain import find_rating_mentions, find_scale_mentions, parse_pain_score

RED_FLAG_INTENT = "report_red_flag"
# Messages that are not about the pain ("gotta run, bye"): only warning signs are looked for.
SMALL_TALK_INTENTS = ("goodbye", "thank", "bot_challenge", "out_of_scope", "request_human", "request_summary",
                      "restart", "forget_me", "faq", "affirm")
SMALL_TALK_MIN_CONFIDENCE = 0.6
CLEAR_INTENT = "deny"
NEGATED = "negated"
UNCERTAIN = "uncertain"  # a warning sign to ask the client about (one yes/no question), not to assume
VOCABULARY_TYPES = ("activity", "pain_location", "symptom", "red_flag")

Entity = dict[str, Any]
TIME_WORDS = re.compile(r"\b(since|ago|ages|forever|while|day|days|week|weeks|month|months|year|years|yesterday|"
                        r"today|morning|night|christmas|easter|birthday|holiday|summer|winter|spring|autumn|fall)\b",
                        re.IGNORECASE)


def _entity(kind: str, value: str, start: int, end: int, extractor: str, negated: bool = False,
            uncertain: bool = False) -> Entity:
    entity = {"entity": kind, "value": value, "start": start, "end": end, "extractor": extractor,
              "confidence_entity": 1.0}
    if negated:
        entity["role"] = NEGATED
    elif uncertain:
        entity["role"] = UNCERTAIN
    return entity


def _nested(start: int, end: int, other_start: int, other_end: int) -> bool:
    """One span inside the other: a sign told inside another's words ("pregnant and I have a high temperature").
    Two readings that only share a word ("hot and cold sweats") are one sign, not both."""
    return (start <= other_start and other_end <= end) or (other_start <= start and end <= other_end)


def _overlaps(start: int, end: int, taken: Iterable[tuple[int, int]]) -> bool:
    return any(start < other_end and other_start < end for other_start, other_end in taken)


# Spans of these types are nouns and adjectives; a statistical span that runs past
# the vocabulary term ("spasms in the", "burning in my groin") is cut back to it.
TRIMMED_TYPES = ("symptom",)
VOCABULARY_FIRST = ("symptom", "pain_location")
IGNORED_INSIDE = {"activity": "pain_location", "pain_location": "activity"}


# Statistical spans often run a word too far ("lifting boxes at the", "since this morning i",
# "getting weaker and it's"); the words at their edges that never end or start a mention are cut.
LEADING_EDGE = {"s", "t", "'s", "and", "but", "so", "or", "i"}
TRAILING_EDGE = {"at", "on", "to", "for", "in", "into", "the", "a", "an", "is", "are", "was", "gets", "get",
                 "round", "with", "of", "i", "and", "but", "or", "it", "it's", "s", "t", "'s", "my", "from", "when",
                 "while", "so", "that", "which", "like", "as", "by"}
# A duration needs more than a preposition ("since the" → "since" is not a time).
TIME_UNIT_BEFORE = re.compile(r"\b(?:days|weeks|wks|months|mths|years|yrs)\b[\s,.]*(?:maybe|about|around|like|"
                              r"probably|roughly|perhaps|nearly|almost|or)?\s*(\d+|one|two|three|four|five|six|"
                              r"seven|eight|nine|ten|eleven|twelve)\b(?!\s*(?:/|out of))", re.IGNORECASE)
NOT_A_DURATION_ALONE = {"since", "for", "ago", "about", "around", "over", "nearly", "almost"}
WORD = re.compile(r"[\w']+")
TIME_UNIT_AFTER = re.compile(r"\s*-?\s*(?:min(?:ute)?|hr|hour|day|week|wk|month|mth|mo|year|yr)s?\b", re.IGNORECASE)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span without edge words, or None when nothing is left."""
    words = list(WORD.finditer(text, start, end))
    while words and words[0].group().lower() in LEADING_EDGE:
        words.pop(0)
    while words and words[-1].group().lower() in TRAILING_EDGE:
        words.pop()
    if not words:
        return None
    return words[0].start(), words[-1].end()


def _from_mention(mention: Mention, extractor: str) -> Entity:
    return _entity(mention.entity, mention.value, mention.start, mention.end, extractor, mention.negated,
                   mention.uncertain)


def _resolve_span(text: str, found: Entity, mentions: list[Mention], matcher: VocabularyMatcher,
                  extractor: str) -> list[Entity]:
    """One statistical span → zero or more canonical entities."""
    kind, start, end = found.get("entity"), found.get("start"), found.get("end")
    if not isinstance(start, int) or not isinstance(end, int):
        return []
    edges = _trimmed(text, start, end)
    if edges is None:
        return []
    start, end = edges
    span = text[start:end]
    if kind in VOCABULARY_TYPES:
        inner = [m for m in mentions if start <= m.start and m.end <= end]
        if kind in IGNORED_INSIDE:
            # "carrying my toddler on one hip" is not a hip pain; "my sit bones" is not sitting.
            inner = [m for m in inner if m.entity != IGNORED_INSIDE[kind]]
        # A span that runs over several warning signs ("numb around my privates and both legs
        # are tingly") is the signs themselves, each with its own value and negation.
        several_signs = kind == "red_flag" and len({m.value for m in inner}) > 1
        if any(m.entity != kind for m in inner) or (kind in TRIMMED_TYPES and inner) or several_signs:
            return [_from_mention(m, extractor) for m in inner]
        value = found.get("value")
        if value not in default_knowledge().values(kind):
            value = next((m.value for m in inner if m.entity == kind), None) or matcher.resolve(kind, span, loose=True)
        if value is None:
            return []
        # A span that swallowed its own negation ("aren't getting weaker") is as denied as
        # the vocabulary term inside it.
        inner_denied = bool(inner) and all(m.negated for m in inner)
        negated = inner_denied or matcher.negated(text, start, end, suggested=found.get("role") == NEGATED,
                                                  red_flag=value if kind == "red_flag" else None)
        uncertain = kind == "red_flag" and not negated and (
            (bool(inner) and all(m.uncertain for m in inner)) or matcher.uncertain(text, start, end, value))
        return [_entity(kind, value, start, end, extractor, negated, uncertain)]
    if kind == "pain_score":
        unit = TIME_UNIT_AFTER.match(text, end)
        if unit:
            # "about 3 wks": a number with a unit of time is how long, not how bad.
            return [_entity("duration", text[start:unit.end()], start, unit.end(), extractor)]
        score = parse_pain_score(span).score
        return [] if score is None else [_entity(kind, str(score), start, end, extractor)]
    if kind == "duration":
        # Kept when it sounds like time even if no number of days can be read ("since I
        # had my son", "for ages"): the engine then says "unknown", but the mention is real.
        if parse_duration(span).days is None and not TIME_WORDS.search(span):
            return []
        if {word.lower() for word in WORD.findall(span)} <= NOT_A_DURATION_ALONE:
            return []
        return [_entity(kind, span, start, end, extractor)]
    return [dict(found)]


def resolve_entities(text: str, found: list[Entity], matcher: VocabularyMatcher, extractor: str,
                     intent: str | None = None, confidence: float = 1.0) -> list[Entity]:
    """Canonical, de-duplicated entities: the extractor's spans first, then the vocabulary's.

    In small talk only warning signs are kept (a "yes" may still carry the statistical
    model's spans), so "gotta run" in a goodbye does not become an activity, while
    "bye, I can't feel my legs" still counts. A small-talk guess the classifier is
    unsure of (``confidence``) keeps everything: "Aching." is an answer, not a goodbye.
    """
    mentions = matcher.find(text)
    # A statement the classifier took for an FAQ ("It is like ache.") is more likely an answer than a question.
    statement_as_faq = intent == FAQ_INTENT and not QUESTION.search(text)
    if intent in SMALL_TALK_INTENTS and confidence >= SMALL_TALK_MIN_CONFIDENCE and not statement_as_faq:
        mentions = [m for m in mentions if m.entity == "red_flag"]
        if intent != "affirm":
            found = [e for e in found if e.get("entity") == "red_flag"]
    # Where the curated vocabulary names a place or a symptom, it is the authority; the
    # statistical spans fill in the wordings the vocabulary does not know.
    resolved: list[Entity] = [_from_mention(m, extractor) for m in mentions if m.entity in VOCABULARY_FIRST]
    for item in found:
        for entity in _resolve_span(text, item, mentions, matcher, extractor):
            if not _overlaps(entity["start"], entity["end"], [(e["start"], e["end"]) for e in resolved]):
                resolved.append(entity)
    for mention in mentions:
        overlapping = [e for e in resolved if _overlaps(mention.start, mention.end, [(e["start"], e["end"])])]
        # A vocabulary phrase that wholly contains the statistical spans it overlaps is the better reading
        # ("can't feel the toilet paper" over "can't feel"), and a warning sign the vocabulary reads as
        # reported always wins over a reading that would hide it.
        contains = all(mention.start <= e["start"] and e["end"] <= mention.end for e in overlapping)
        hides_warning = mention.entity == "red_flag" and not mention.negated and not any(
            e["entity"] == "red_flag" and e["value"] == mention.value and e.get("role") != NEGATED
            for e in overlapping) and not (mention.uncertain and any(e["entity"] == "red_flag" for e in overlapping))
        if contains or hides_warning:
            # Another warning sign reported in the same words stays: "pregnant and I have a high
            # temperature" is a fever and a warning sign in pregnancy, and neither may hide the other.
            replaced = [e for e in overlapping if not (
                mention.entity == "red_flag" and e["entity"] == "red_flag" and e["value"] != mention.value
                and e.get("role") is None and _nested(mention.start, mention.end, e["start"], e["end"]))]
            resolved = [e for e in resolved if e not in replaced] + [_from_mention(mention, extractor)]
    present = {e["value"] for e in resolved if e["entity"] == "red_flag" and e.get("role") != NEGATED}
    resolved = [e for e in resolved if e["entity"] != "red_flag" or e.get("role") == NEGATED
                or not matcher.detector.explained(e["value"], text[e["start"]:e["end"]], present)]
    return _one_duration(_one_pain_score(text, _with_symptoms_of_signs(text, resolved, matcher, extractor),
                                         extractor))


def _with_symptoms_of_signs(text: str, resolved: list[Entity], matcher: VocabularyMatcher,
                            extractor: str) -> list[Entity]:
    """The symptom a reported warning sign is told with ("both legs are numb" is numbness too).

    The sign decides the triage either way; the symptom keeps the record of what the client felt.
    """
    have = {e["value"] for e in resolved if e["entity"] == "symptom"}
    added: list[Entity] = []
    for sign in [e for e in resolved if e["entity"] == "red_flag" and e.get("role") != NEGATED]:
        start = sign["start"]
        for mention in matcher.find(text[start:sign["end"]]):
            if mention.entity == "symptom" and not mention.negated and mention.value not in have:
                have.add(mention.value)
                added.append(_entity("symptom", mention.value, start + mention.start, start + mention.end, extractor))
    return resolved + added


def _one_pain_score(text: str, resolved: list[Entity], extractor: str) -> list[Entity]:
    """At most one rating per message, the worst one said ("2 on a good day, 7 when it's bad" is 7).

    A statistical span that is the scale's own "10" ("easily a 6 out of 10") is not a rating.
    """
    scales = find_scale_mentions(text)
    scores = [e for e in resolved if e["entity"] == "pain_score"
              and not any(start <= e["start"] and e["end"] <= end and int(e["value"]) != score
                          for start, end, score in scales)]
    # "months, maybe 6": a number right after a length of time is how many of it, not a rating.
    counted = [match.start(1) for match in TIME_UNIT_BEFORE.finditer(text)]
    scores = [e for e in scores if not any(e["start"] <= at < e["end"] for at in counted)]
    taken = [(e["start"], e["end"]) for e in resolved if e["entity"] != "pain_score"]
    mentions = [(start, end, score) for start, end, score in find_rating_mentions(text)
                if not _overlaps(start, end, taken) and not any(start <= at < end for at in counted)]
    # Equal scores: the statistical span, whose edges are the annotators' convention, wins.
    candidates = [(e["start"], e["end"], int(e["value"]), 1) for e in scores] + [(*m, 0) for m in mentions]
    others = [e for e in resolved if e["entity"] != "pain_score"]
    if not candidates:
        return others
    start, end, score, _ = max(candidates, key=lambda c: (c[2], c[3], -c[0]))
    return others + [_entity("pain_score", str(score), start, end, extractor)]


def _one_duration(resolved: list[Entity]) -> list[Entity]:
    """At most one duration: the longest that can be read.

    "getting on for two weeks, and from this morning my leg..." dates a new symptom
    with its second time; the pain has lasted the longer one.
    """
    durations = [e for e in resolved if e["entity"] == "duration"]
    if len(durations) < 2:
        return resolved
    best = max(durations, key=lambda e: (parse_duration(e["value"]).days or -1, -e["start"]))
    return [e for e in resolved if e["entity"] != "duration" or e is best]


def guarded_verdict(verdict: str | None, text: str, entities: list[Entity],
                    is_english: Callable[[str], bool]) -> str | None:
    """What is wrong with the input, if the assistant should say so instead of answering.

    A warning sign is answered whatever the input looks like. Words that are mostly not
    English count only when nothing about back pain was recognised in them.
    """
    if live_red_flags(entities) or signs_to_confirm(entities):
        return None
    if verdict is None and text and not entities:
        verdict = language_verdict(text, is_english)
    return verdict


def live_red_flags(entities: Iterable[Entity]) -> list[str]:
    """Warning signs the client reported and did not deny (not those still to be asked about)."""
    return list(dict.fromkeys(e["value"] for e in entities
                              if e.get("entity") == "red_flag" and e.get("role") not in (NEGATED, UNCERTAIN)))


def signs_to_confirm(entities: Iterable[Entity]) -> list[str]:
    """Warning signs the message comes near without being certain: asked about, never dropped."""
    entities = list(entities)
    live = set(live_red_flags(entities))
    return list(dict.fromkeys(e["value"] for e in entities if e.get("entity") == "red_flag"
                              and e.get("role") == UNCERTAIN and e["value"] not in live))


QUESTION = re.compile(r"\?\s*$|^\W*(?:how|what|why|when|where|which|who|is|are|do|does|did|can|could|should|"
                      r"will|would|am|was)\b", re.IGNORECASE)
FAQ_INTENT = "faq"
# Rasa's name for "no intent was confident enough" (the FallbackClassifier's intent).
FALLBACK_INTENT = "nlu_fallback"


def safety_intent(intent: str | None, entities: list[Entity], text: str = "",
                  ranking: Iterable[str] = ()) -> str | None:
    """The intent safety requires, or None to keep the classifier's.

    A live warning sign always means ``report_red_flag``. A message the classifier
    took for a warning sign, whose every warning sign is denied ("no fever, no
    numbness"), is an all-clear. One it took for a warning sign without naming any,
    but that describes the pain ("my lower back kills me"), is a description: the
    assessment asks about every warning sign explicitly before any result anyway.
    One naming nothing but plainly reassuring ("my legs feel fine, it's just my
    back") is an all-clear too; without such words the cautious reading stays.
    """
    if live_red_flags(entities):
        return RED_FLAG_INTENT
    if intent != RED_FLAG_INTENT:
        return None
    kinds = {e.get("entity") for e in entities}
    if not kinds and QUESTION.search(text) and FAQ_INTENT in list(ranking)[:3]:
        # "is it normal to feel rough after a treatment?": a question about massage, naming no sign.
        return FAQ_INTENT
    if signs_to_confirm(entities):
        # Near a sign without being sure ("goes tingly in my bum on long drives"): the assessment
        # asks about it with one yes/no question; the message itself is a description.
        return "describe_pain"
    if "red_flag" in kinds:
        return CLEAR_INTENT
    if kinds & {"pain_location", "symptom"}:
        return "describe_pain"
    if "activity" in kinds:
        return "describe_activity"
    if reassures(text):
        return CLEAR_INTENT
    return None


# Only plainly reassuring words count ("my legs feel fine, it's just my back"), never
# denials alone ("I don't feel right") and never with an inability nearby: "can't",
# "unable" is how many warning signs are told ("I'm fine but can't feel my feet").
REASSURING = re.compile(r"\b(fine|normal|ok|okay|alright|all good|all clear)\b", re.IGNORECASE)
UNREASSURING = re.compile(r"\b(not|never|no|can'?t|cannot|couldn'?t|unable|won'?t|isn'?t|aren'?t|don'?t|"
                          r"doesn'?t|didn'?t|wasn'?t|weird|strange|funny|odd|worse)\b", re.IGNORECASE)


def reassures(text: str) -> bool:
    """Whether a message that names no warning sign plainly says all is well."""
    text = text.replace("\u2019", "'")
    return bool(REASSURING.search(text)) and not UNREASSURING.search(text)
