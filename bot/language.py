"""Find the assessment's vocabulary in what clients type, and notice negation.

Built on a blank spaCy English pipeline with lookup lemmas from
``spacy-lookups-data`` (no pretrained model can be downloaded here), so
"lifted", "lifting" and "lift" all meet the phrase "lift" in
``knowledge/vocabulary.yml``. Determiners are optional ("control my bladder",
"control the bladder"), a one-letter slip in a long word is forgiven, and
"no fever" or "bladder's fine" are marked as negated so a denied warning sign
never raises an alarm.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import spacy
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from bot.knowledge import CATEGORIES, Knowledge, default_knowledge
from bot.warning_signs import AS_WRITTEN, FEELING_DENIED_AFTER_FEEL, WarningSignDetector

OPTIONAL_WORDS = {"my", "the", "a", "an", "your", "his", "her", "our", "their", "me", "of", "any"}
CONTRACTED = {"can", "not", "will", "do"}
# The lookup table's lemma would turn these into other words ("number" → "numb").
KEEP_AS_WRITTEN = {"number", "numbers", "watching", "pulls", "pull"}
# Made-up forms of the two nerve words ("numbish", "tingly-ish") read as the words themselves.
FEELING_STEMS = {"numb": "numb", "tingl": "tingle"}
WILDCARD = "*"  # in a phrase: any one word, or none ("lost * pound" → "lost 10 pounds")
NEGATION_CUES = {"no", "not", "never", "without", "none", "nor", "neither", "deny", "nothing", "zero"}
# "not sure if", "no idea" are doubt, and "no control", "no feeling", "not able",
# "no matter what" describe a loss: none of them deny the sign that follows.
NOT_A_DENIAL_AFTER_CUE = {"sure", "know", "certain", "idea", "remember", "control", "feeling", "sensation", "as",
                          "trying", "try", "meaning", "mean", "dieting", "diet", "reason", "warning", "cause",
                          "explanation", "pass", "passed", "peed", "gone", "weed",
                          "strength", "power", "matter", "able", "longer", "grip", "way", "sense", "feel"}
# "nothing helps at night", "won't go away", "isn't eased by rest", "legs aren't working":
# the cue is part of the warning sign itself.
STILL_A_SIGN_AFTER_CUE = {"help", "helps", "ease", "eased", "easing", "eases", "go", "stop", "stops", "settle",
                          "let", "shift", "budge", "improve", "better", "position", "comfortable",
                          "work", "working", "right", "normal", "relieve", "relieved", "touch"}
DENIAL_AFTER_WINDOW = 3
DENIAL_AT_SPAN_START = 3  # tokens at the start of a statistical span where a denial still denies it ("i do n't")
ENGLISH_SUFFIXES = ("able", "ible", "ly", "ness", "ment", "ful", "less", "ish", "ing", "ed", "er", "est", "s", "y")
# English a lemma table does not list: chat shorthand and common words it lacks.
CHAT_WORDS = frozenset({"ok", "okay", "lol", "idk", "tbh", "pls", "plz", "thx", "ty", "u", "ur", "ya", "yeah", "yep",
                        "nope", "nah", "hi", "hiya", "hey", "bye", "cheers", "maybe", "im", "ive", "dont", "cant",
                        "wont", "didnt", "doesnt", "isnt", "hasnt", "havent", "thats", "whats", "hmm", "mhm", "uh",
                        "um", "oh", "ah", "cos", "coz", "gonna", "wanna", "gotta", "kinda", "sorta", "dunno"})
SCOPE_BREAKS = {",", ".", ";", "!", "?", "...", "..", "…", "actually", "but", "although", "though", "however",
                "except", "and", "yet",
                "apart", "because", "so", "-", "—"}
INABILITY_BEFORE_NOT = {"can", "could", "ca"}
HONESTLY_WORDS = {"lie", "lying", "kidding", "joke", "joking", "kid", "exaggerating", "sugarcoat", "sugar-coat"}
AUXILIARIES = {"be", "been", "have", "being"}
REASSURANCE_WORDS = {"fine", "ok", "okay", "normal", "normally", "alright", "good", "unaffected", "strong", "stable",
                     "steady", "unchanged"}
# "chest pain, but I haven't got any": the sign named, then denied in the same sentence.
DENIED_AFTER = re.compile(r"^[\s,]*(?:but|and)?\s*(?:i|i've|ive)?\s*(?:have\s*n[o']t|haven'?t|don'?t|do\s+not|ain'?t|"
                          r"never)\s+(?:got|have|had|get)\s+(?:any|it|that|one|them)\b", re.IGNORECASE)
# Words that may stand between a sign and its reassurance ("bladder and bowels are both fine").
REASSURANCE_FILLERS = {"be", "have", "both", "all", "seem", "feel", "look", "to", "me", "totally", "completely",
                       "perfectly", "work", "still", "pretty", "quite", "absolutely", "'s", "been"}
# "and"/"or" may only join the sign to another sign ("bladder and bowels are fine").
CONJUNCTIONS = {"and", "or"}
DETERMINERS = {"my", "the", "me", "your"}
NEGATION_WINDOW = 6
WIDE_DENIAL_WINDOW = 12
WIDE_DENIAL_WORDS = {"any", "anything"}
DENIAL_FILLERS = {"really", "even", "quite", "actually", "properly", "exactly"}
FUZZY_MIN_LENGTH = 5
FUZZY_RATIO = 0.84
LOOSE_MIN_LENGTH = 4
LOOSE_RATIO = 0.75


@dataclass(frozen=True)
class Mention:
    """One vocabulary term found in a message (character offsets into the original text)."""

    entity: str
    value: str
    start: int
    end: int
    text: str
    negated: bool = False
    uncertain: bool = False  # a warning sign to ask about, not to assume (warning_sign_patterns.yml "uncertain")


def _blank_english() -> spacy.language.Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def _key(token: spacy.tokens.Token) -> str:
    """Lemma, except where spaCy splits a contraction ("ca" + "n't" → "can", "not")."""
    if token.norm_ in CONTRACTED and token.lemma_.lower() != token.norm_:
        return token.norm_
    if token.lower_ in KEEP_AS_WRITTEN:
        return token.lower_
    return token.lemma_.lower()


class VocabularyMatcher:
    """Matches every phrase of the vocabulary and the red flags against a message."""

    def __init__(self, knowledge: Knowledge):
        self.nlp = _blank_english()
        self._lemma_forms = self.nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
        self._lemmas = frozenset(self._lemma_forms.values())
        self.matcher = Matcher(self.nlp.vocab)
        self.labels: dict[str, tuple[str, str]] = {}
        self.single_words: dict[str, tuple[str, str]] = {}
        for category in CATEGORIES:
            for value, term in knowledge.vocabulary[category].items():
                self._add(category, value, term.phrases + (value.replace("_", " "),))
        for value, flag in knowledge.red_flags.items():
            self._add("red_flag", value, flag.phrases)
        self.detector = WarningSignDetector(self.nlp, _key, knowledge.red_flags)

    def _add(self, entity: str, value: str, phrases: Iterable[str]) -> None:
        label = f"{entity}|{value}"
        self.labels[label] = (entity, value)
        patterns = []
        for doc in self.nlp.pipe(phrases):
            keys = [_key(token) for token in doc if not token.is_space]
            # In a warning sign "legs" is both legs and "leg" one: those plurals are matched as written.
            written = [token.lower_ for token in doc if not token.is_space]
            pattern = [{"OP": "?"} if key == WILDCARD
                       else {"NORM": {"IN": sorted(OPTIONAL_WORDS)}, "OP": "?"} if key in OPTIONAL_WORDS
                       else {"LOWER": word} if entity == "red_flag" and word in AS_WRITTEN
                       else {"NORM": key} for key, word in zip(keys, written, strict=True)]
            while pattern and pattern[0].get("OP") == "?":
                pattern.pop(0)
            while pattern and pattern[-1].get("OP") == "?":
                pattern.pop()
            if pattern:
                patterns.append(pattern)
            if len(keys) == 1:
                for word in {keys[0], doc.text.lower()}:
                    if len(word) >= FUZZY_MIN_LENGTH:
                        self.single_words.setdefault(word, (entity, value))
        self.matcher.add(label, patterns)

    def doc(self, text: str) -> Doc:
        """The message as the matcher reads it (lemmas in ``norm_``, dropped g's and feelings mended)."""
        return self._doc(text)

    def _doc(self, text: str) -> Doc:
        doc = self.nlp(text)
        for token in doc:
            key = _key(token)
            if token.text != token.lower_ and key == token.lower_:
                # The lookup table is case-sensitive: "Leaning" must meet "lean" as "leaning" does.
                key = str(self._lemma_forms.get(token.lower_, key)).lower()
            for stem, lemma in FEELING_STEMS.items():
                if key.startswith(stem) and key not in self._lemmas and key not in self._lemma_forms:
                    key = lemma  # "numbish", "numby", "tinglin'"
            if key == token.lower_ and key.endswith("in") and key + "g" in self._lemma_forms:
                # A dropped g: "draggin", "liftin", "sittin".
                key = str(self._lemma_forms.get(key + "g")).lower()
            token.norm_ = key
        return doc

    def find(self, text: str) -> list[Mention]:
        """All vocabulary mentions, longest first where they overlap, in text order."""
        doc = self._doc(text)
        spans = [Span(doc, start, end, label=label) for label, start, end in
                 ((self.nlp.vocab.strings[match_id], start, end) for match_id, start, end in self.matcher(doc))]
        spans = filter_spans(spans)
        taken = {i for span in spans for i in range(span.start, span.end)}
        spans += self._fuzzy(doc, taken)
        covered = {i for span in spans for i in range(span.start, span.end)}
        mentions = []
        keys = self.detector.keys(doc)
        for span in sorted(spans, key=lambda s: s.start):
            entity, value = self.labels[span.label_]
            negated = is_negated(doc, span, covered)
            if entity == "red_flag":
                if self.detector.excepted(keys, value, span.start, span.end):
                    continue
                negated = negated or self.detector.is_denied(doc, span.start, span.end) \
                    or not self.detector.belongs_to_client(doc, keys, value, span.start, span.end)
            mentions.append(Mention(entity, value, span.start_char, span.end_char, span.text, negated))
        mentions = _denials_carried_over(doc.text, self._with_described_signs(doc, mentions))
        return [self._with_doubt(doc, keys, m) for m in mentions]

    def _with_doubt(self, doc: Doc, keys: list[str], mention: Mention) -> Mention:
        """A reported warning sign the patterns say to ask about is marked uncertain."""
        if mention.entity != "red_flag" or mention.negated:
            return mention
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None or not self.detector.is_uncertain(keys, mention.value, span.start, span.end):
            return mention
        return Mention(mention.entity, mention.value, mention.start, mention.end, mention.text, False, True)

    def uncertain(self, text: str, start: int, end: int, red_flag: str) -> bool:
        """Whether a statistical span naming ``red_flag`` at characters ``start:end`` is a sign to ask about."""
        doc = self._doc(text)
        span = doc.char_span(start, end, alignment_mode="expand")
        return span is not None and self.detector.is_uncertain(self.detector.keys(doc), red_flag, span.start,
                                                               span.end)

    def _with_described_signs(self, doc: Doc, mentions: list[Mention]) -> list[Mention]:
        """Add the warning signs told by description ("my bum's gone to sleep") that no phrase named.

        A sign the phrases found as reported stays as it is; one they found only as denied
        is reported after all when a description elsewhere in the message reports it.
        """
        live = {m.value for m in mentions if m.entity == "red_flag" and not m.negated}
        named = {m.value for m in mentions if m.entity == "red_flag"}
        for found in self.detector.detect(doc):
            if found.value in live or (found.negated and found.value in named):
                continue
            span = doc[found.start:found.end]
            mentions.append(Mention("red_flag", found.value, span.start_char, span.end_char, span.text,
                                    found.negated))
        return sorted(mentions, key=lambda m: m.start)

    def _fuzzy(self, doc: Doc, taken: set[int]) -> list[Span]:
        spans = []
        for token in doc:
            if token.i in taken or not token.is_alpha or len(token.text) < FUZZY_MIN_LENGTH:
                continue
            word = token.text.lower()
            if word in self._lemma_forms or word in self._lemmas:
                continue  # a real word ("leaning"), not a slip of another ("leaking")
            # Typos rarely change the first letter; requiring it keeps "logging" from becoming "jogging".
            candidates = [known for known in self.single_words if known[0] == word[0]]
            close = difflib.get_close_matches(word, candidates, n=1, cutoff=FUZZY_RATIO)
            if close:
                entity, value = self.single_words[close[0]]
                spans.append(Span(doc, token.i, token.i + 1, label=f"{entity}|{value}"))
        return spans

    def resolve(self, entity: str, text: str, loose: bool = False) -> str | None:
        """The canonical value of a span another extractor found, or None if it names nothing we know.

        ``loose``: the other extractor already says what kind of thing the span is, so a
        clumsier typo ("lifit the basket") may still be read, against that kind's words only.
        """
        values = [m.value for m in self.find(text) if m.entity == entity]
        if values or not loose:
            return values[0] if values else None
        words = {word: value for word, (kind, value) in self.single_words.items() if kind == entity}
        for token in self._doc(text):
            if token.is_alpha and len(token.text) >= LOOSE_MIN_LENGTH:
                close = difflib.get_close_matches(token.lower_, [w for w in words if w[0] == token.lower_[0]],
                                                  n=1, cutoff=LOOSE_RATIO)
                if close:
                    return words[close[0]]
        return None

    def is_english(self, word: str) -> bool:
        """Whether ``word`` is in spaCy's English lemma tables, its stop words or the vocabulary.

        Tables list base forms and irregular ones, so "it's" is read as "it" and common
        suffixes are tried off ("manageable" → "manage", "fairly" → "fair").
        """
        word = word.lower().replace("’", "'").split("'")[0]
        candidates = [word] + [word[:-len(suffix)] for suffix in ENGLISH_SUFFIXES
                               if word.endswith(suffix) and len(word) - len(suffix) >= 3]
        return any(candidate in self._lemma_forms or candidate in self._lemmas
                   or candidate in self.nlp.Defaults.stop_words or candidate in self.single_words
                   or candidate in CHAT_WORDS for candidate in candidates)

    def negated(self, text: str, start: int, end: int, suggested: bool = False, red_flag: str | None = None) -> bool:
        """Whether the characters ``start:end`` of ``text`` are negated in context.

        ``red_flag``: the warning sign the span names, if any, whose attribution is checked too.
        ``suggested``: the statistical extractor already read the span as denied; then a
        negation cue inside the span or just after it confirms the denial ("I haven't lost
        any weight", "my legs aren't getting weaker"), which the rule alone would miss.
        """
        doc = self._doc(text)
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            return False
        if is_negated(doc, span) or (suggested and denial_cue_nearby(doc, span)):
            return True
        if not red_flag:
            return False
        # A statistical warning-sign span obeys the phrases' rules: it may have swallowed its own denial
        # ("don't take any medicines that affect my immune system"), fall in one of the sign's exceptions
        # ("a cortisone injection once", "an accident in my pants" is no crash), or be someone else's or long past.
        keys = self.detector.keys(doc)
        if any(_denies(doc, i) for i in range(span.start, min(span.end, span.start + DENIAL_AT_SPAN_START))):
            return True
        if self.detector.excepted(keys, red_flag, span.start, span.end):
            return True
        return not self.detector.belongs_to_client(doc, keys, red_flag, span.start, span.end)


# Only connectors between two signs: "no problems with my bladder or my bowels" denies both.
_JUST_CONNECTORS = re.compile(r"^(?:\s|,|or|nor|and|my|the|with|any|of)*$", re.IGNORECASE)


def _denials_carried_over(text: str, mentions: list[Mention]) -> list[Mention]:
    """A warning sign joined to a denied one by "or"/"and" alone is denied too."""
    result: list[Mention] = []
    for mention in mentions:
        previous = next((m for m in reversed(result) if m.entity == "red_flag"), None)
        if mention.entity == "red_flag" and not mention.negated and previous is not None and previous.negated \
                and previous.end <= mention.start and _JUST_CONNECTORS.match(text[previous.end:mention.start]):
            mention = Mention(mention.entity, mention.value, mention.start, mention.end, mention.text, True)
        result.append(mention)
    return result


def is_negated(doc: Doc, span: Span, covered: set[int] | None = None) -> bool:
    """A negation cue shortly before (same clause), or a reassurance right after.

    After the span only fillers and other mentions ("bladder and bowels are fine")
    may stand before the reassurance, so "I wet myself and I'm fine" stays a warning.
    """
    for i in range(span.start - 1, max(-1, span.start - 1 - WIDE_DENIAL_WINDOW), -1):
        token = doc[i]
        word = token.norm_.lower()
        # "didn't actually fall": right after a denial, "actually" stresses it rather than turning the clause.
        stressed = word in DENIAL_FILLERS and i > 0 and doc[i - 1].norm_.lower() in NEGATION_CUES
        if word in SCOPE_BREAKS and not stressed:
            break
        near = span.start - i <= NEGATION_WINDOW
        # Further back, only a denial of "any" still reaches ("I don't take any medicines that affect my ...").
        if (near or _denies_any(doc, i)) and _denies(doc, i):
            return True
    return reassured_after(doc, span, covered)


def _denies_any(doc: Doc, i: int) -> bool:
    """Whether the cue at ``i`` is followed closely by "any": a denial whose scope is the whole clause."""
    return any(token.lower_ in WIDE_DENIAL_WORDS for token in doc[i + 1:i + 4])


def reassured_after(doc: Doc, span: Span, covered: set[int] | None = None) -> bool:
    """A reassurance right after the span ("bladder's fine", "legs are both normal"), past fillers only."""
    covered = covered or set()
    if DENIED_AFTER.match(doc.text[span.end_char:]):
        return True
    for i in range(span.end, min(len(doc), span.end + NEGATION_WINDOW)):
        word = doc[i].norm_.lower()
        if i in covered:
            continue
        if word in REASSURANCE_WORDS:
            return True
        if word == "not" and i + 1 < len(doc) and doc[i + 1].lower_ in {"affect", "affected", "a", "an"}:
            return True
        if word in CONJUNCTIONS or word in DETERMINERS:
            following = next((j for j in range(i + 1, len(doc)) if doc[j].norm_.lower() not in DETERMINERS), None)
            if following is None or following not in covered:
                break
            continue
        if word not in REASSURANCE_FILLERS:
            break
    return False


def _denies(doc: Doc, i: int) -> bool:
    """Whether the cue at ``i`` denies what follows rather than describing a loss or a failure.

    "can't seem to pee", "couldn't feel": not being able to is the symptom, not a denial.
    """
    word = doc[i].norm_.lower()
    if word not in NEGATION_CUES:
        return False
    # "not gonna lie", "no joke", "not kidding": a way of saying "honestly", not a denial.
    if {token.lower_ for token in doc[i + 1:i + 4]} & HONESTLY_WORDS:
        return False
    # "it's not just the back, my chest hurts too": "not just" adds, it does not deny.
    if word == "not" and i + 1 < len(doc) and doc[i + 1].lower_ in {"just", "only"}:
        return False
    # "don't really know if my bladder is full": a filler does not change what the cue is about.
    j = i + 1
    while j < len(doc) - 1 and doc[j].lower_ in DENIAL_FILLERS:
        j += 1
    following = {doc[j].norm_.lower(), doc[j].lower_} if j < len(doc) else set()
    if following & AUXILIARIES and i + 2 < len(doc):
        # "haven't been able to", "not been able to": the word after the auxiliary decides.
        following |= {doc[i + 2].norm_.lower(), doc[i + 2].lower_}
    inability = word == "not" and i > 0 and doc[i - 1].norm_.lower() in INABILITY_BEFORE_NOT
    # "doesn't get better with rest" is a sign; "aren't getting weaker" denies one.
    no_relief = i + 2 < len(doc) and doc[i + 1].norm_.lower() == "get" and doc[i + 2].lower_ in {
        "better", "easier", "any"}
    # "don't feel unwell": feeling is denied, not lost ("couldn't feel my feet" stays a sign).
    feeling_denied = i + 2 < len(doc) and doc[i + 1].lemma_.lower() == "feel" \
        and doc[i + 2].lower_ in FEELING_DENIED_AFTER_FEEL
    if feeling_denied:
        return not inability
    return not following & (NOT_A_DENIAL_AFTER_CUE | STILL_A_SIGN_AFTER_CUE) and not inability and not no_relief


def denial_cue_nearby(doc: Doc, span: Span) -> bool:
    """A denying cue inside the span, shortly before it or right after it, in the same clause.

    Too loose on its own ("legs aren't working" is a warning sign): only used to confirm
    a statistical reading of the span as denied.
    """
    inside = range(span.start, span.end)
    before = []
    for i in range(span.start - 1, max(-1, span.start - 1 - NEGATION_WINDOW), -1):
        if doc[i].norm_.lower() in SCOPE_BREAKS:
            break
        before.append(i)
    after = []
    for i in range(span.end, min(len(doc), span.end + DENIAL_AFTER_WINDOW)):
        if doc[i].norm_.lower() in SCOPE_BREAKS:
            break
        after.append(i)
    return any(_denies(doc, i) for i in [*before, *inside, *after])


@lru_cache(maxsize=1)
def default_matcher() -> VocabularyMatcher:
    """Built once per process: loading the lemma tables takes about a second."""
    return VocabularyMatcher(default_knowledge())
