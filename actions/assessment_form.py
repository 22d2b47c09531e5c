"""The assessment form: questions asked from the knowledge files, answers read by ``bot.answers``.

Rasa's slot mappings pick up what a client volunteers in any message (a place, an
activity, a score); the question just asked is answered by the readers of
``bot.answers``, which understand "nope, not swollen, just sore" or "easily a 6".
An answer that cannot be read is asked again in other words, then with buttons, and
the third time it is recorded as "not sure", so no question repeats for ever. The
safety question follows ``bot.screening``: named signs win, a plain "no" clears, and
anything uncertain is asked one group of signs at a time.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import (
    ATTEMPTS,
    CHECKED,
    GROUPS,
    SCREENED,
    SEVERITY_WORDS,
    STEP,
    assessment_input,
    canonical_values,
    first_emergency_group,
    needs_emergency_screening,
    reported_warning_signs,
    session_texts,
    session_user_events,
)
from actions.handoff import SENT, can_offer, offer
from actions.replies import send_result
from actions.safety import possible_warning
from bot.answers import READERS, dates_the_pain, inflammation_already_told, read_screening
from bot.assessment import UNKNOWN, assess
from bot.entities import QUESTION, signs_to_confirm
from bot.input_check import INPUT_CHECK, VERDICTS
from bot.knowledge import SAFETY_LEVELS
from bot.pain import parse_pain_score
from bot.questions import reply
from bot.screening import CHECK_PREFIX, GROUP_PREFIX, default_screening, screening_step
from bot.treatment import read_treatment

REQUESTED_SLOT = "requested_slot"
# The third answer that cannot be read is recorded as "not sure" (after two re-asks).
MAX_FAILED_ANSWERS = 2
LIST_SLOTS = {"pain_location": "pain_location", "activities": "activity", "symptoms": "symptom"}
# What "sore" or "it hurts" says of how it feels: not an answer to the question about it.
VAGUE_SYMPTOMS = frozenset({"dull_ache"})
# Messages that are not answers: the form steps aside (Rasa's rules answer them), then asks again.
INTERRUPTIONS = ("faq", "request_human", "request_summary", "forget_me", "bot_challenge", "thank", "goodbye")
# A question the classifier is unsure of may be an answer in other words ("between my shoulders").
MIN_FAQ_CONFIDENCE = 0.85
# Interruptions a classifier may hear in a plain answer ("one week" as a goodbye); explicit requests are not here.
MISHEARD_INTERRUPTIONS = ("faq", "thank", "goodbye", "bot_challenge")


class ValidateAssessmentForm(FormValidationAction):
    def name(self) -> str:
        return "validate_assessment_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        if tracker.get_slot("consent") is False:
            return ["consent"]
        flags = reported_warning_signs(tracker)
        if tracker.get_slot(GROUPS) or (flags and not needs_emergency_screening(tracker, flags)):
            # A warning sign (or a "yes" to a group of them) ends the questions at once;
            # the result is the triage advice alone. Only an urgent sign waits for the
            # emergency signs to be asked about.
            return ["red_flags"]
        return domain_slots

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        values: dict[str, Any] = {}
        candidates = tracker.slots_to_validate()
        for slot, value in candidates.items():
            values.update(self._volunteered(slot, value, tracker))
        told = inflammation_already_told(e for event in _session_entities(tracker) for e in event)
        if told and tracker.get_slot("inflammation") is None:
            values["inflammation"] = told
        treatment = read_treatment(session_texts(tracker))
        if treatment.told and tracker.get_slot("treatment") is None:
            values["treatment"] = treatment.as_slot()  # "I've had two massages, no better": not asked again
        flags = values.get("red_flags") or []
        if flags and needs_emergency_screening(tracker, flags):
            # The urgent sign is kept in the session; the safety question stays open for the emergency groups.
            values["red_flags"] = None
            if tracker.get_slot(STEP) is None:
                dispatcher.utter_message(text=reply("urgent_then_emergency_check"))
                values.update({STEP: first_emergency_group(), ATTEMPTS: 0})
        requested = tracker.get_slot(REQUESTED_SLOT)
        intent = (tracker.latest_message or {}).get("intent") or {}
        steps_aside = intent.get("name") in INTERRUPTIONS and (
            intent.get("name") != "faq" or float(intent.get("confidence") or 0) >= MIN_FAQ_CONFIDENCE)
        if steps_aside and intent.get("name") in MISHEARD_INTERRUPTIONS and self._answers_the_question(requested,
                                                                                                      tracker):
            # "a dull ache, I've had two massages and it's no better" reads like an FAQ to the
            # classifier, "one week" like a goodbye, but neither is a question and each answers
            # the one asked: take the answer.
            steps_aside = False
        if steps_aside and not any(value is not None for value in values.values()):
            return []  # Rasa rejects the form for this message, and its rules take over
        answered_before = bool(requested) and requested not in candidates and tracker.get_slot(requested) is not None
        if requested and tracker.active_loop.get("name") and not answered_before:
            values.update(self._answer(requested, dispatcher, tracker))
        elif requested:
            values[ATTEMPTS] = 0
        tracker.slots.update(values)
        events = [SlotSet(slot, value) for slot, value in values.items()]
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        if required != self.domain_slots(domain):
            events.append(SlotSet(REQUESTED_SLOT, next((s for s in required if tracker.slots.get(s) is None), None)))
        return events

    # --- What the client volunteered, whatever was asked -------------------------------

    def _volunteered(self, slot: str, value: Any, tracker: Tracker) -> dict[str, Any]:
        """Slot candidates from Rasa's mappings, kept only when they hold vocabulary values."""
        if slot in LIST_SLOTS:
            known = [v for v in canonical_values(value, LIST_SLOTS[slot]) if v != UNKNOWN]
            before = [v for v in canonical_values(tracker.get_slot(slot), LIST_SLOTS[slot]) if v not in known]
            if slot == "symptoms" and not before and set(known) <= VAGUE_SYMPTOMS \
                    and tracker.get_slot(REQUESTED_SLOT) != "symptoms":
                # "sore", "it hurts" said in passing: how it feels is still asked, so that tingling,
                # numbness or weakness are asked about, not hoped for (the words still count for muscles).
                return {}
            return {slot: before + known or None}
        if slot == "red_flags":
            flags = canonical_values(value, "red_flag")
            return {"red_flags": flags} if flags else {}
        if slot == "pain_score" and value not in (None, UNKNOWN):
            reading = parse_pain_score(str(value))
            if reading.score is not None:
                return {"pain_score": str(reading.score)}
            return {"pain_score": reading.severity} if reading.severity in SEVERITY_WORDS else {"pain_score": None}
        if slot == "pain_duration" and isinstance(value, str) and value != UNKNOWN:
            # Said in passing, only a duration that can be dated counts ("for some weeks" or the
            # "morning" of "good morning" do not): otherwise the question is still asked.
            said = (tracker.latest_message or {}).get("text")
            return {"pain_duration": value if dates_the_pain(value, said) else None}
        return {}

    # --- The answer to the question just asked -----------------------------------------

    @staticmethod
    def _answers_the_question(slot: str | None, tracker: Tracker) -> bool:
        """A statement (not a question) that the open question's reader can read as an answer."""
        message = tracker.latest_message or {}
        text = message.get("text") or ""
        if slot not in READERS or QUESTION.search(text):
            return False
        intent = (message.get("intent") or {}).get("name")
        # "nothing seems to make it better or worse" answers "what makes it worse?" as much as "lifting" does.
        return READERS[slot](text, intent, message.get("entities") or []).kind in ("answer", "unknown")

    def _answer(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        message = tracker.latest_message or {}
        text, entities = message.get("text") or "", message.get("entities") or []
        intent = (message.get("intent") or {}).get("name")
        attempts = int(tracker.get_slot(ATTEMPTS) or 0)
        if slot == "red_flags":
            return self._screen(dispatcher, tracker, text, intent, entities, attempts)
        reading = READERS[slot](text, intent, entities)
        check = _check_to_ask(tracker, signs_to_confirm(entities)) if slot != "consent" else None
        if check:
            # "it goes tingly in my bum": one yes/no question about those signs comes first; an answer
            # to the question asked is kept, one that was not is asked again afterwards.
            dispatcher.utter_message(text=reply("check_sign"))
            value = {"answer": reading.value, "unknown": UNKNOWN}.get(reading.kind)
            return {slot: value, "red_flags": None, STEP: check, ATTEMPTS: 0}
        if reading.kind == "answer":
            return {slot: reading.value, ATTEMPTS: 0}
        if reading.kind == "unknown" and slot != "consent":
            return {slot: UNKNOWN, ATTEMPTS: 0}
        if attempts >= MAX_FAILED_ANSWERS:
            if slot == "consent":
                dispatcher.utter_message(text=reply("consent_assumed"))
                return {"consent": True, ATTEMPTS: 0}
            dispatcher.utter_message(text=reply("noted_not_sure"))
            return {slot: UNKNOWN, ATTEMPTS: 0}
        if intent == "report_red_flag":
            possible_warning(dispatcher, tracker)  # sounds like a warning sign no rule could name
        else:
            _say_input_problem(dispatcher, message)
        return {slot: None, ATTEMPTS: attempts + 1}

    @staticmethod
    def _cleared(dispatcher: CollectingDispatcher, tracker: Tracker, step: str | None,
                 known: list[str]) -> dict[str, Any]:
        """The screening said "no": a sign its answer came near is asked about, then the full check if it never ran."""
        checked = list(tracker.get_slot(CHECKED) or [])
        screening = default_screening()
        if (step or "").startswith(CHECK_PREFIX):
            checked += [sign for sign in screening.group_for_step(step).members if sign not in checked]
        screened = bool(tracker.get_slot(SCREENED)) or not (step or "").startswith(CHECK_PREFIX)
        # Only the answer itself: a sign the client came near before this question was in the list just answered.
        told = signs_to_confirm((tracker.latest_message or {}).get("entities") or [])
        tracker.slots[CHECKED], tracker.slots[STEP] = checked, None
        check = _check_to_ask(tracker, told)
        if check:
            dispatcher.utter_message(text=reply("check_sign"))
            return {"red_flags": None, STEP: check, ATTEMPTS: 0, CHECKED: checked, SCREENED: screened or None}
        if not screened:
            return {"red_flags": None, STEP: None, ATTEMPTS: 0, CHECKED: checked}
        return {"red_flags": known, STEP: None, ATTEMPTS: 0, SCREENED: True, CHECKED: checked}

    @staticmethod
    def _screen(dispatcher: CollectingDispatcher, tracker: Tracker, text: str, intent: str | None,
                entities: list[dict[str, Any]], attempts: int) -> dict[str, Any]:
        step = tracker.get_slot(STEP)
        kind, flags = read_screening(text, intent, entities)
        screening = default_screening()
        if (step or "").startswith((CHECK_PREFIX, GROUP_PREFIX)) and kind in ("clear", "hedged", "unclear") and any(
                sign in screening.group_for_step(step).members for sign in signs_to_confirm(entities)):
            # Answering that group's question by describing one of its signs again: not a "no".
            kind = "unsure"
        outcome = screening_step(step, kind, flags, attempts, screening)
        known = reported_warning_signs(tracker)
        if outcome.next_step and outcome.next_step.startswith(GROUP_PREFIX) and known and \
                screening.group(outcome.next_step[len(GROUP_PREFIX):]).level != "emergency":
            # An urgent sign is already known: once the emergency groups are clear, the check is done.
            return {"red_flags": known, STEP: None, ATTEMPTS: 0, SCREENED: True}
        if outcome.flags:
            return {"red_flags": list(dict.fromkeys(known + list(outcome.flags))), STEP: None, ATTEMPTS: 0,
                    SCREENED: True}
        if outcome.groups:
            groups = list(dict.fromkeys(list(tracker.get_slot(GROUPS) or []) + list(outcome.groups)))
            return {"red_flags": known, GROUPS: groups, STEP: None, ATTEMPTS: 0, SCREENED: True}
        if outcome.clear:
            return ValidateAssessmentForm._cleared(dispatcher, tracker, step, known)
        if outcome.next_step != step:
            if (outcome.next_step or "").startswith(GROUP_PREFIX) and not (step or "").startswith(GROUP_PREFIX):
                dispatcher.utter_message(text=reply("screening_by_group"))
            return {"red_flags": None, STEP: outcome.next_step, ATTEMPTS: 0}
        if not _say_input_problem(dispatcher, tracker.latest_message or {}):
            dispatcher.utter_message(text=reply("screening_unclear"))
        return {"red_flags": None, STEP: step, ATTEMPTS: attempts + 1}


def _check_to_ask(tracker: Tracker, signs: list[str]) -> str | None:
    """The one-group question for a sign a message came near, unless it was asked or a group question is open."""
    step = tracker.get_slot(STEP) or ""
    if step.startswith((CHECK_PREFIX, GROUP_PREFIX)):
        return None
    screening = default_screening()
    checked, said_yes = tracker.get_slot(CHECKED) or [], tracker.get_slot(GROUPS) or []
    pending = [sign for sign in signs if sign not in checked and screening.group_of(sign).id not in said_yes]
    return CHECK_PREFIX + screening.group_of(pending[0]).id if pending else None


def _say_input_problem(dispatcher: CollectingDispatcher, message: dict[str, Any]) -> bool:
    """Emoji, another language, an over-long message: say so kindly before the question comes again."""
    verdict = message.get(INPUT_CHECK)
    if verdict in VERDICTS:
        dispatcher.utter_message(text=reply(f"input_{verdict}"))
        return True
    return False


def _session_entities(tracker: Tracker) -> list[list[dict[str, Any]]]:
    return [(event.get("parse_data") or {}).get("entities") or [] for event in session_user_events(tracker)]


class ActionFinishAssessment(Action):
    def name(self) -> str:
        return "action_finish_assessment"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        if tracker.get_slot("consent") is False:
            dispatcher.utter_message(text=reply("no_consent"))
            return [SlotSet("consent", None)]
        result = assess(assessment_input(tracker))
        send_result(dispatcher, tracker, result, safety_only=result["triage"] in SAFETY_LEVELS)
        events: list[dict[str, Any]] = [SlotSet("assessment", result), SlotSet(SENT, None)]
        tracker.slots.update({"assessment": result, SENT: None})
        if can_offer(tracker):
            return events + offer(dispatcher, "send_offer")
        if result["triage"] not in SAFETY_LEVELS:
            dispatcher.utter_message(text=reply("anything_else"))
        return events

