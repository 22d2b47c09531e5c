"""A recall-first detector of warning signs worded in everyday language.

The phrase lists of ``red_flags.yml`` name the signs; clients describe them.
"My bum's gone to sleep when I wipe" holds no phrase, but it holds a place
(the saddle area) and a feeling (gone to sleep) a few words apart, and that is
how people tell almost every sign. The rules live in
``knowledge/warning_sign_patterns.yml``; this module reads them, matches them by
lemma on the same spaCy tokens as the vocabulary matcher, and decides two
scopes the phrase lists cannot: negation ("no numbness down there") and whose
sign it is ("my mum had cancer", "a crash when I was 19", "I volunteer at a
cancer charity", "trying to lose a few pounds" are not the client's sign now).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from bot.knowledge import KNOWLEDGE_DIR, KnowledgeError, read_knowledge_file

PATTERNS_FILE = "warning_sign_patterns.yml"
SENTENCE_ENDS = {".", "!", "?", ";", "\n", "...", "..", "…"}
# Words that start a new time in the middle of a sentence.
NEW_TIME = {"now", "this", "today", "yesterday", "lately", "recently", "since", "tonight", "suddenly", "then"}
CLAUSE_BREAKS = SENTENCE_ENDS | {"but", "although", "though", "however", "except", "apart", "whereas", "actually"}
# The same words, without the comma-and-new-subject rule of _is_break: where a "not mine" cue stops reaching.
CONTRAST_BREAKS = frozenset(CLAUSE_BREAKS)
HOPED = {"hope", "hopefully", "hoping", "think", "guess"}  # "nothing serious, I hope": not the client's judgement
# Ages and dates that put an event in the past ("when I was 19", "back in 2009", "15 yrs ago").
_COUNT = (r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|few|a few|couple of|"
          r"a couple of|several|many)")
LONG_AGO_PATTERN = re.compile(
    r"\bwhen i was (?:\d+|younger|little|young|small|a (?:kid|child|teen(?:ager)?|boy|girl|student|baby))\b"
    r"|\b(?:in|back in) (?:19|20)\d\d\b|\b" + _COUNT + r"\s*(?:years|yrs|year|yr|decades?)\s+(?:ago|back)\b",
    re.IGNORECASE)
FIRST_PERSON = {"i", "me", "myself", "im", "i'm", "ive", "i've"}
# Between another person and the sign, "my" is the client's own ("my wife says my back looks lopsided").
FIRST_PERSON_BETWEEN = FIRST_PERSON | {"my"}
# Someone asking for another person ("my dad fell and now his lower back is bad", "my mum had a fall,
# she's 80 and can't get up"): that person is the one being checked, so their sign counts.
ON_BEHALF = re.compile(
    r"\b(?:his|her|their)\s+(?:\w+\s+)?(?:back|spine|hip|hips|leg|legs|bum|bottom|buttock|pain|sciatica)\b"
    r"|\b(?:she|he)(?:'s|s| is)?\s+(?:\w+\s+){0,3}(?:can'?t|cannot|unable|in pain|in agony|struggling)\b",
    re.IGNORECASE)
# An animal's sign is never the client's, whatever "his back" says.
PETS = {"dog", "cat", "horse"}
# Between the words of a phrase: "don't really feel", "can't even tell".
FILLERS_INSIDE = {"really", "even", "just", "quite", "properly", "actually", "totally", "like"}
# A new clause starts at "and" followed by its own subject ("...two years ago and I've lost weight").
NEW_SUBJECT = {"i", "it", "my", "now", "then", "recently", "lately", "since", "she", "he", "we", "they"}
# "I don't feel numb / unwell / feverish" denies the sign; "I don't feel my feet" tells of a loss.
FEELING_DENIED_AFTER_FEEL = {"numb", "tingly", "weak", "any", "different", "weird", "odd", "strange", "dead",
                             "unwell", "feverish", "sick", "ill", "poorly", "hot", "shivery", "rough", "ropey",
                             "rundown", "run", "grotty", "crook"}
DENIALS = {"no", "not", "never", "without", "none", "nor", "neither", "nothing", "zero"}
# After these a denial word describes a loss ("no feeling", "no control", "not able").
LOSS_AFTER_DENIAL = {"feeling", "sensation", "control", "strength", "power", "able", "longer", "grip", "way", "as",
                     "sense", "matter", "relief", "position", "help", "ease", "work", "working", "hold", "lift",
                     "sure", "idea", "know", "come", "start", "go", "stop", "take", "raise", "point", "change",
                     "touch", "make", "eased", "wait", "tell", "better", "well", "easier", "can", "cannae"}
INABILITY = {"can", "could", "ca"}
# Plurals that change the sign ("legs" is both legs, "leg" is one), so never lemmatised.
AS_WRITTEN = {"legs", "feet", "thighs", "calves", "knees", "ankles", "buttocks"}


@dataclass(frozen=True)
class Rule:
    """A place and a feeling near each other; ``exceptions`` overlapping the place cancel it."""

    places: tuple[tuple[str, ...], ...]
    feelings: tuple[tuple[str, ...], ...]
    exceptions: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Uncertain:
    """When a sign is asked about rather than assumed: only these places, with these feelings or a passing cue."""

    places: tuple[tuple[str, ...], ...]
    feelings: tuple[tuple[str, ...], ...]
    passing: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class SignPatterns:
    value: str
    rules: tuple[Rule, ...]
    alone: tuple[tuple[str, ...], ...]
    uncertain: Uncertain | None = None
    # A caution that, once told in any message, makes this sign's feelings enough on their own in any
    # message ("I'm 33 weeks pregnant" first, "some bleeding this afternoon" later).
    across_messages: str | None = None


@dataclass(frozen=True)
class Attribution:
    """Cues that a mention is not the client's own sign now."""

    window: int
    others: tuple[tuple[str, ...], ...]
    jobs: tuple[tuple[str, ...], ...]
    intentions: tuple[tuple[str, ...], ...]
    long_ago: tuple[tuple[str, ...], ...]
    not_mine: tuple[tuple[str, ...], ...]
    resolved: tuple[tuple[str, ...], ...]
    occupations: tuple[tuple[str, ...], ...]
    jobs_apply_to: frozenset[str]
    intentions_apply_to: frozenset[str]
    past_counts: frozenset[str]
    occupations_apply_to: frozenset[str]
    reported_by_others: tuple[tuple[str, ...], ...]
    said_after: tuple[tuple[str, ...], ...] = ()
    not_mine_for: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    minimised: tuple[tuple[str, ...], ...] = ()
    minimised_apply_to: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Detection:
    """A warning sign found by the patterns, in token offsets of the doc it was found in.

    ``parts``: the place and the feeling of a place-and-feeling match, each checked for
    negation on its own too ("I can pee fine and feel everything").
    """

    value: str
    start: int
    end: int
    negated: bool
    parts: tuple[tuple[int, int], ...] = ()


def _list(entry: dict[str, Any], key: str, where: str, required: bool = True) -> list[str]:
    items = entry.get(key, [])
    if (required and not items) or not isinstance(items, list) or not all(
            isinstance(item, (str, int)) and str(item).strip() for item in items):
        raise KnowledgeError(f"{PATTERNS_FILE}: {where}: '{key}' must be a list of words or phrases")
    return [str(item).strip().lower() for item in items]


class WarningSignDetector:
    """Finds warning signs by place-and-feeling rules and whole idioms; decides negation and attribution."""

    def __init__(self, nlp: Language, key: Any, known_signs: Iterable[str], directory: Path = KNOWLEDGE_DIR):
        self._nlp, self._key = nlp, key
        raw = read_knowledge_file(PATTERNS_FILE, directory)
        self.window = int(raw.get("window", 7))
        known = set(known_signs)
        self.signs: list[SignPatterns] = []
        for value, entry in (raw.get("signs") or {}).items():
            if value not in known:
                raise KnowledgeError(f"{PATTERNS_FILE}: signs: '{value}' is not a warning sign in red_flags.yml")
            rules = tuple(Rule(self._keys(_list(rule, "places", f"{value} rule")),
                               self._keys(_list(rule, "feelings", f"{value} rule")),
                               self._keys(_list(rule, "except", f"{value} rule", required=False)))
                          for rule in entry.get("rules") or [])
            doubt = entry.get("uncertain")
            uncertain = None if doubt is None else Uncertain(
                *(self._keys(_list(doubt, key, f"{value} uncertain", required=key != "feelings"))
                  for key in ("places", "feelings", "passing")))
            self.signs.append(SignPatterns(value, rules, self._keys(_list(entry, "alone", value, required=False)),
                                           uncertain, entry.get("across_messages")))
        scope = raw.get("not_the_client") or {}

        def signs_for(mapping: dict[str, Any]) -> frozenset[str]:
            if set(mapping) - known:
                raise KnowledgeError(f"{PATTERNS_FILE}: not_the_client: unknown signs {sorted(set(mapping) - known)}")
            return frozenset(mapping)

        def signs_in(key: str) -> frozenset[str]:
            values = frozenset(_list(scope, key, "not_the_client", required=False))
            if values - known:
                raise KnowledgeError(f"{PATTERNS_FILE}: not_the_client: {key}: unknown signs {sorted(values - known)}")
            return values

        self.attribution = Attribution(
            int(scope.get("window", 6)),
            *(self._keys(_list(scope, key, "not_the_client", required=False))
              for key in ("others", "jobs", "intentions", "long_ago", "not_mine", "resolved", "occupations")),
            signs_in("jobs_apply_to"), signs_in("intentions_apply_to"), signs_in("past_counts"),
            signs_in("occupations_apply_to"),
            self._keys(_list(scope, "reported_by_others", "not_the_client", required=False)),
            self._keys(_list(scope, "said_after", "not_the_client", required=False)),
            {sign: self._keys(_list(scope.get("not_mine_for") or {}, sign, "not_the_client: not_mine_for"))
             for sign in sorted(signs_for(scope.get("not_mine_for") or {}))},
            self._keys(_list(scope, "minimised", "not_the_client", required=False)), signs_in("minimised_apply_to"))
        self.explained_by: dict[str, list[tuple[str, tuple[tuple[str, ...], ...]]]] = {}
        for entry in raw.get("explained_by") or []:
            sign, by = entry.get("sign"), entry.get("by")
            if sign not in known or by not in known:
                raise KnowledgeError(f"{PATTERNS_FILE}: explained_by: '{sign}' and '{by}' must be warning signs")
            self.explained_by.setdefault(sign, []).append((by, self._keys(_list(entry, "words", "explained_by"))))

    def is_uncertain(self, keys: list[str], value: str, start: int, end: int) -> bool:
        """Whether the reported sign at tokens ``start:end`` is to be asked about rather than assumed.

        Uncertain: no place of the sign outside its ``uncertain`` places in the sentence, and
        either only a tingle in the mention (no numbness) or a cue that it comes and goes.
        """
        sign = next((sign for sign in self.signs if sign.value == value), None)
        if sign is None or sign.uncertain is None:
            return False
        doubt = sign.uncertain
        first, last = _sentence(keys, start, end, SENTENCE_ENDS)
        vague = [(s, e) for s, e in occurrences(keys, doubt.places) if first <= s and e <= last]
        sure_places = tuple(place for rule in sign.rules for place in rule.places if place not in doubt.places)
        if any(first <= s and e <= last and not any(vs <= s < ve for vs, ve in vague)
               for s, e in occurrences(keys, sure_places)):
            return False
        if _any_within(keys, doubt.passing, first, last):
            return True
        numb = tuple(feeling for rule in sign.rules for feeling in rule.feelings if feeling not in doubt.feelings)
        tingle_only = _any_within(keys, doubt.feelings, start, end) and not _any_within(keys, numb, start, end)
        return tingle_only

    def explained(self, value: str, words: str, present: Iterable[str]) -> bool:
        """Whether ``words``, read as sign ``value``, are only part of another sign that is there
        ("a weight on my chest and I'm all sweaty": the sweating is the chest pain's, not a fever)."""
        present = set(present)
        keys = self._keys([words])
        return bool(keys) and any(by in present and keys[0] in phrases
                                  for by, phrases in self.explained_by.get(value, []))

    def phrase_keys(self, phrases: Sequence[str]) -> tuple[tuple[str, ...], ...]:
        """Phrases as the patterns are matched: one tuple of lemmas each (for other lists, like the cautions)."""
        return self._keys(phrases)

    def _keys(self, phrases: Sequence[str]) -> tuple[tuple[str, ...], ...]:
        return tuple(dict.fromkeys(tuple(self.token_key(token) for token in doc if not token.is_space)
                                   for doc in self._nlp.pipe(phrases)))

    def token_key(self, token: Any) -> str:
        return token.lower_ if token.lower_ in AS_WRITTEN else self._key(token)

    def keys(self, doc: Doc) -> list[str]:
        """The doc's words as the patterns are written: lemmas, except the plurals that matter."""
        return [token.lower_ if token.lower_ in AS_WRITTEN else token.norm_.lower() for token in doc]

    def feelings_alone(self, doc: Doc, value: str) -> bool:
        """Whether one of the sign's feelings stands in ``doc``, the client's own and not denied."""
        keys = self.keys(doc)
        sign = next(sign for sign in self.signs if sign.value == value)
        for rule in sign.rules:
            for start, end in occurrences(keys, rule.feelings):
                excepted = any(s < end and start < e for s, e in occurrences(keys, rule.exceptions))
                if not excepted and not self.is_denied(doc, start, end) \
                        and self.belongs_to_client(doc, keys, value, start, end):
                    return True
        return False

    def excepted(self, keys: list[str], value: str, start: int, end: int) -> bool:
        """Whether tokens ``start:end`` fall in one of the sign's exceptions ("chest of drawers")."""
        return any(s < end and start < e for sign in self.signs if sign.value == value
                   for rule in sign.rules for s, e in occurrences(keys, rule.exceptions))

    def detect(self, doc: Doc) -> list[Detection]:
        """Every sign found, at most once per sign, preferring a reading that is not denied."""
        keys = self.keys(doc)
        found: dict[str, Detection] = {}
        for sign in self.signs:
            candidates = [Detection(sign.value, start, end, False, ((start, end),))
                          for start, end in occurrences(keys, sign.alone)
                          if not self.excepted(keys, sign.value, start, end)]
            for rule in sign.rules:
                candidates += self._rule_hits(doc, keys, sign.value, rule)
            for candidate in candidates:
                negated = self.is_denied(doc, candidate.start, candidate.end, candidate.parts) \
                    or not self.belongs_to_client(doc, keys, candidate.value, candidate.parts[0][0], candidate.end)
                detection = Detection(candidate.value, candidate.start, candidate.end, negated)
                if sign.value not in found or (found[sign.value].negated and not negated):
                    found[sign.value] = detection
        return sorted(found.values(), key=lambda d: d.start)

    def _rule_hits(self, doc: Doc, keys: list[str], value: str, rule: Rule) -> list[Detection]:
        excluded = {i for start, end in occurrences(keys, rule.exceptions) for i in range(start, end)}
        places = [(s, e) for s, e in occurrences(keys, rule.places) if not excluded & set(range(s, e))]
        # An exception takes its words out as feelings too ("nothing wrong in the bedroom").
        feelings = [(s, e) for s, e in occurrences(keys, rule.feelings) if not excluded & set(range(s, e))]
        hits = []
        for place_start, place_end in places:
            for feeling_start, feeling_end in feelings:
                if feeling_start < place_end and place_start < feeling_end:
                    continue  # the same words cannot be both
                start, end = min(place_start, feeling_start), max(place_end, feeling_end)
                if end - start <= self.window + 2 and not _crosses(keys, start, end, SENTENCE_ENDS):
                    hits.append(Detection(value, start, end, False, ((place_start, place_end),
                                                                     (feeling_start, feeling_end))))
        return hits

    def is_denied(self, doc: Doc, start: int, end: int, own: tuple[tuple[int, int], ...] = ()) -> bool:
        """A denial shortly before the mention or inside it, in the same clause, or a reassurance right after.

        ``own``: the matched words themselves ("won't cooperate", "can't feel"), whose
        negation is part of the sign, not a denial of it; each is checked for a
        reassurance after it too ("I can pee fine and ...").
        """
        from bot.language import is_negated, reassured_after  # the phrase matcher's own rules, shared

        if is_negated(doc, Span(doc, start, end)) or any(reassured_after(doc, Span(doc, s, e)) for s, e in own):
            return True
        keys = self.keys(doc)
        inside_own = {i for s, e in own for i in range(s, e)}
        return any(keys[i] in DENIALS and not _describes_loss(keys, i) for i in range(start, end)
                   if i not in inside_own)

    def belongs_to_client(self, doc: Doc, keys: list[str], value: str, start: int, end: int,
                          past_counts: bool | None = None) -> bool:
        """False for someone else's sign, a past event, a job or an intention (the rules of ``not_the_client``).

        ``past_counts``: whether the past is part of it, for a ``value`` that is not a sign (a caution).

        Someone else named shortly before the sign takes it, unless the client speaks of
        themselves in between ("my wife says I have a fever", "me and my partner tried").
        """
        scope = self.attribution
        sentence_start, sentence_end = _sentence(keys, start, end)
        window_start = max(sentence_start, start - scope.window)
        on_behalf = bool(ON_BEHALF.search(doc.text))
        for cue_start, cue_end in occurrences(keys, scope.others):
            if window_start <= cue_start and cue_end <= start and (not on_behalf or keys[cue_start] in PETS) \
                    and not FIRST_PERSON_BETWEEN & set(keys[cue_end:start]) \
                    and not occurrences(keys[cue_end:start], scope.reported_by_others) \
                    and not FIRST_PERSON & set(keys[window_start:cue_start]):
                return False
        if _cue_in_clause(keys, scope.not_mine, start, end) or _cue_after(keys, scope.said_after, start, end):
            return False
        if _cue_in_clause(keys, scope.not_mine_for.get(value, ()), start, end):
            return False
        if value in scope.minimised_apply_to and any(
                not HOPED & set(keys[e:e + 3]) and not (s > 0 and keys[s - 1] == "not")
                for s, e in occurrences(keys, scope.minimised)):
            return False
        if value in scope.jobs_apply_to and _cue_in_clause(keys, scope.jobs, start, end):
            return False
        if value in scope.occupations_apply_to and _cue_in_clause(keys, scope.occupations, start, end):
            return False
        if value in scope.intentions_apply_to:
            for cue_start, cue_end in occurrences(keys, scope.intentions):
                denied = any(k in DENIALS for k in keys[max(sentence_start, cue_start - 3):cue_start])
                if sentence_start <= cue_start and cue_end <= sentence_end and not denied:
                    return False
        if not (value in scope.past_counts if past_counts is None else past_counts):
            sentence = doc[sentence_start:sentence_end].text
            if LONG_AGO_PATTERN.search(sentence) or _any_within(keys, scope.long_ago, sentence_start, sentence_end):
                return False
            if _cue_after(keys, scope.resolved, start, end):
                return False
        return True


def _describes_loss(keys: list[str], i: int) -> bool:
    """Whether the denial at ``i`` tells of a loss ("no feeling", "can't hold it") rather than denying."""
    keys = keys[:i + 1] + [key for key in keys[i + 1:] if key not in FILLERS_INSIDE]
    following = keys[i + 1] if i + 1 < len(keys) else ""
    if keys[i] == "not" and i > 0 and keys[i - 1] in INABILITY and keys[i - 1] in {"can", "could", "ca"}:
        return True
    if following == "feel":
        after = keys[i + 2] if i + 2 < len(keys) else ""
        return after not in FEELING_DENIED_AFTER_FEEL
    return following in LOSS_AFTER_DENIAL or (keys[i] == "not" and following in {"be", "have", "get"}
                                              and i + 2 < len(keys) and keys[i + 2] in LOSS_AFTER_DENIAL)


def occurrences(keys: Sequence[str], phrases: Iterable[tuple[str, ...]]) -> list[tuple[int, int]]:
    """Token ranges where one of the phrases stands, determiners optional inside it."""
    found = []
    for phrase in phrases:
        if not phrase:
            continue
        for i in range(len(keys)):
            end = _match_at(keys, i, phrase)
            if end is not None:
                found.append((i, end))
    return found


OPTIONAL_INSIDE = {"my", "the", "a", "an", "me", "your", "its", "it", "of"}
# Words of a phrase a client may leave out ("need toilet" for "need the toilet"), never its first or last.
LEFT_OUT_ARTICLES = {"the", "a", "an", "my"}


def _match_at(keys: Sequence[str], i: int, phrase: tuple[str, ...]) -> int | None:
    """Where ``phrase`` ends if it stands at ``i``. Determiners and fillers are optional both ways:
    in the text ("can't feel my bum properly") and in the phrase ("need the toilet" meets "need toilet")."""
    j = i
    for k, word in enumerate(phrase):
        while k and j < len(keys) and keys[j] != word and (keys[j] in OPTIONAL_INSIDE or keys[j] in FILLERS_INSIDE):
            j += 1
        if j < len(keys) and keys[j] == word:
            j += 1
        elif 0 < k < len(phrase) - 1 and word in LEFT_OUT_ARTICLES:
            continue  # a determiner the client left out, never the phrase's first or last word
        else:
            return None
    return j


def _crosses(keys: Sequence[str], start: int, end: int, breaks: set[str]) -> bool:
    return any(keys[i] in breaks for i in range(start, end))


def _is_break(keys: Sequence[str], i: int, breaks: set[str]) -> bool:
    """A clause ends here: a break word, "and" before a new subject, or a comma before a new time or subject
    ("a crash four years ago, and this week both legs went numb": the past is the crash's only)."""
    if keys[i] in breaks:
        return True
    if breaks is not CLAUSE_BREAKS or i + 1 >= len(keys):
        return False
    if keys[i] == "and":
        return keys[i + 1] in NEW_SUBJECT
    return keys[i] == "," and (keys[i + 1] in NEW_SUBJECT | NEW_TIME or (
        keys[i + 1] in {"and", "then", "but"} and i + 2 < len(keys) and keys[i + 2] in NEW_SUBJECT | NEW_TIME))


def _sentence(keys: Sequence[str], start: int, end: int, breaks: set[str] = CLAUSE_BREAKS) -> tuple[int, int]:
    """The clause (or, with ``SENTENCE_ENDS``, the sentence) around tokens ``start:end``."""
    first = start
    while first > 0 and not _is_break(keys, first - 1, breaks):
        first -= 1
    last = end
    while last < len(keys) and not _is_break(keys, last, breaks):
        last += 1
    return first, last


def _cue_in_clause(keys: Sequence[str], phrases: Sequence[tuple[str, ...]], start: int, end: int) -> bool:
    """A cue in the sign's own part of the sentence, up to a "but", "although", "except"...

    "it's just my back but both my legs are tingly": the contrast starts a new statement,
    so a cue before it never reaches the sign after it (nor the other way round; the cues
    that speak back about a sign, "my mum had cancer but not me", are ``said_after``).
    """
    first, last = _sentence(keys, start, end, CONTRAST_BREAKS)
    return _any_within(keys, phrases, first, last)


def _cue_after(keys: Sequence[str], phrases: Sequence[tuple[str, ...]], start: int, end: int) -> bool:
    """A cue in the sign's clause, or after the sign in the same sentence, even past a "but"
    ("a fever in January but nothing since"); never one before the sign in an earlier clause."""
    first, _ = _sentence(keys, start, end, CONTRAST_BREAKS)
    _, last = _sentence(keys, start, end, SENTENCE_ENDS)
    return _any_within(keys, phrases, first, last, outside=(start, end))


def _any_within(keys: Sequence[str], phrases: Iterable[tuple[str, ...]], start: int, end: int,
                outside: tuple[int, int] | None = None) -> bool:
    """One of the phrases stands between ``start`` and ``end``, and is not itself denied ("not just my back",
    "it never goes if I move")."""
    return any(start <= s and e <= end and not (s > 0 and keys[s - 1] in DENIALS)
               and not (outside and s < outside[1] and outside[0] < e)  # the sign's own words are no cue
               for s, e in occurrences(keys, phrases))


