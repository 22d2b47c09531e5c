"""The summary a client sends to the clinic: an e-mail for the therapist, and a signed JSON body.

Written for the person who reads it before the visit: the client's own words, the
triage and why, how each warning-sign question was answered, cautions, pain, duration,
what makes it worse, treatment so far and the muscles to check. Headings come from
``knowledge/handoff.yml``. Nothing here logs or stores anything: the caller sends it
(bot/delivery.py) and the clinic's mailbox keeps it.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import EmailMessage
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.contact_details import Contact
from bot.knowledge import KNOWLEDGE_DIR, Knowledge, default_knowledge, read_texts_file

HANDOFF_FILE = "handoff.yml"
SIGNATURE_HEADER = "X-Signature-SHA256"
# Every heading the e-mail uses (checked at load, so a clinic's edit cannot break a sending).
KEYS = ("subject", "subject_callback", "heading", "heading_callback", "intro", "no_result", "client", "contact",
        "phone", "email", "sent", "asked_for_person", "answer_yes", "answer_no", "result", "why", "safety_check",
        "safety_reported", "safety_none", "safety_groups", "safety_checked", "safety_answer", "cautions", "facts",
        "pain_score", "severity", "duration", "where", "worse_with", "feels", "inflammation", "recent_injury",
        "treatment", "muscles", "muscle", "own_words", "footer", "safety_question_list", "safety_question_confirm",
        "safety_question_group", "button_deny", "button_affirm", "button_dont_know")


@lru_cache(maxsize=1)
def handoff_words(directory: Path = KNOWLEDGE_DIR) -> Mapping[str, str]:
    raw = read_texts_file(HANDOFF_FILE, KEYS, directory)
    return {key: " ".join(raw[key].split()) for key in KEYS}


@dataclass(frozen=True)
class Handoff:
    """What the client agreed to send."""

    name: str
    contact: Contact
    result: Mapping[str, Any] | None  # the assessment payload; None for a call-back request before any check
    said: Sequence[str] = ()  # the client's own messages, in order
    safety_answers: Sequence[tuple[str, str]] = ()  # (the question asked, the client's answer)
    checked_signs: Sequence[str] = ()  # signs asked about again (one group's question) and answered "no"
    asked_for_person: bool = False
    sent_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @property
    def callback_only(self) -> bool:
        return self.result is None


def _labels(values: Sequence[str], category: str, knowledge: Knowledge) -> str:
    if category == "red_flag":
        return "; ".join(knowledge.red_flags[v].label if v in knowledge.red_flags else v for v in values)
    terms = knowledge.vocabulary.get(category, {})
    return ", ".join(terms[v].label if v in terms else v for v in values)


def _sections(handoff: Handoff, knowledge: Knowledge) -> list[tuple[str, list[str]]]:
    """(heading, lines) pairs: the same content for the plain text and the HTML part."""
    w = handoff_words()
    contact_kind = w["phone"] if handoff.contact.kind == "phone" else w["email"]
    sections = [("", [f"{w['client']}: {handoff.name}", f"{w['contact']}: {handoff.contact.value} ({contact_kind})",
                      f"{w['sent']}: {handoff.sent_at.strftime('%Y-%m-%d %H:%M UTC')}",
                      f"{w['asked_for_person']}: {w['answer_yes'] if handoff.asked_for_person else w['answer_no']}"])]
    result = handoff.result
    if result is None:
        sections.append(("", [w["no_result"]]))
    else:
        advice = result.get("triage_advice") or {}
        lines = [f"{advice.get('title', '')} ({result.get('triage')})"]
        if result.get("triage_reasons"):
            lines.append(f"{w['why']}: " + "; ".join(result["triage_reasons"]))
        sections.append((w["result"], lines))
        signs = list(result.get("red_flags") or [])
        safety = [w["safety_reported"].format(signs=_labels(signs, "red_flag", knowledge)) if signs
                  else w["safety_none"]]
        if result.get("screening_groups"):
            safety.append(w["safety_groups"].format(groups=", ".join(result["screening_groups"])))
        if handoff.checked_signs:
            safety.append(w["safety_checked"].format(signs=_labels(handoff.checked_signs, "red_flag", knowledge)))
        safety += [w["safety_answer"].format(question=question, answer=answer)
                   for question, answer in handoff.safety_answers]
        sections.append((w["safety_check"], safety))
        if result.get("therapist_notes"):
            sections.append((w["cautions"], list(result["therapist_notes"])))
        sections.append((w["facts"], _facts(result, knowledge)))
        muscles = [w["muscle"].format(name=c["name"][:1].upper() + c["name"][1:], where=c["where"])
                   + "".join(f"\n  - {reason}" for reason in c["reasons"]) for c in result.get("culprits") or []][:5]
        if muscles:
            sections.append((w["muscles"], muscles))
    if handoff.said:
        sections.append((w["own_words"], [f'"{text}"' for text in handoff.said]))
    return sections


def _facts(result: Mapping[str, Any], knowledge: Knowledge) -> list[str]:
    w = handoff_words()
    facts = []
    if result.get("pain_score") is not None:
        facts.append(w["pain_score"].format(score=result["pain_score"], severity=result.get("severity")))
    elif result.get("severity"):
        facts.append(w["severity"].format(severity=result["severity"]))
    duration = result.get("duration") or {}
    if duration.get("text"):
        facts.append(w["duration"].format(duration=duration["text"], category=duration.get("category")))
    for key, category, template in (("pain_locations", "pain_location", "where"),
                                    ("activities", "activity", "worse_with"), ("symptoms", "symptom", "feels")):
        if result.get(key):
            named = _labels(result[key], category, knowledge)
            facts.append(w[template].format(places=named, activities=named, symptoms=named))
    if result.get("inflammation"):
        facts.append(w["inflammation"])
    if result.get("recent_injury"):
        facts.append(w["recent_injury"])
    if result.get("treatment_told"):
        facts.append(w["treatment"].format(treatment=result["treatment_told"]))
    return facts


def subject(handoff: Handoff) -> str:
    w = handoff_words()
    if handoff.result is None:
        return w["subject_callback"].format(name=handoff.name)
    title = (handoff.result.get("triage_advice") or {}).get("title") or handoff.result.get("triage")
    return w["subject"].format(name=handoff.name, result=title)


def plain_text(handoff: Handoff, knowledge: Knowledge | None = None) -> str:
    w = handoff_words()
    knowledge = knowledge or default_knowledge()
    parts = [w["heading_callback" if handoff.callback_only else "heading"], w["intro"]]
    for heading, lines in _sections(handoff, knowledge):
        parts.append("\n".join(([heading] if heading else []) + [f"- {line}" if heading else line for line in lines]))
    parts.append(w["footer"])
    return "\n\n".join(parts) + "\n"


def html_text(handoff: Handoff, knowledge: Knowledge | None = None) -> str:
    """The same content as HTML; everything the client typed is escaped."""
    w = handoff_words()
    knowledge = knowledge or default_knowledge()
    out = [f"<h1>{html.escape(w['heading_callback' if handoff.callback_only else 'heading'])}</h1>",
           f"<p>{html.escape(w['intro'])}</p>"]
    for heading, lines in _sections(handoff, knowledge):
        if heading:
            out.append(f"<h2>{html.escape(heading)}</h2>")
        items = "".join("<li>" + html.escape(line).replace("\n", "<br>") + "</li>" for line in lines)
        out.append(f"<ul>{items}</ul>")
    out.append(f"<p><small>{html.escape(w['footer'])}</small></p>")
    return "<!doctype html><html><body>" + "".join(out) + "</body></html>"


def email_message(handoff: Handoff, sender: str, to: str, knowledge: Knowledge | None = None) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject(handoff)
    message["From"] = sender
    message["To"] = to
    if handoff.contact.kind == "email":
        message["Reply-To"] = handoff.contact.value
    message.set_content(plain_text(handoff, knowledge))
    message.add_alternative(html_text(handoff, knowledge), subtype="html")
    return message


def webhook_body(handoff: Handoff) -> bytes:
    """The JSON a booking system receives: the client, the assessment payload and the client's words."""
    return json.dumps({"type": "callback_request" if handoff.callback_only else "self_check_summary",
                       "sent_at": handoff.sent_at.isoformat(), "client": {"name": handoff.name,
                       "contact": handoff.contact.as_slot()}, "asked_for_person": handoff.asked_for_person,
                       "assessment": handoff.result, "said": list(handoff.said),
                       "safety_answers": [{"question": q, "answer": a} for q, a in handoff.safety_answers]},
                      ensure_ascii=False, sort_keys=True).encode("utf-8")


def signature(body: bytes, secret: str) -> str:
    """HMAC-SHA256 of the exact body, hex; the receiver recomputes it with the shared secret."""
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
