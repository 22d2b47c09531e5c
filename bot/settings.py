"""Every environment variable the project's own Python code reads, in one place.

Read when asked (not at import), so a test or a restarted server sees the current
environment. Rasa itself reads the ``${VAR}`` values of ``endpoints*.yml`` and
``credentials*.yml``; those are listed in the settings table of
``docs/clinic-guide.md`` too, but are not read here. Secrets are only ever read
from the environment, never from a file in git.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    meaning: str

    def value(self) -> str:
        """The environment's value with surrounding spaces removed; the default when unset or blank."""
        return os.environ.get(self.name, "").strip() or self.default


CLINIC_CONFIG = Setting("CLINIC_CONFIG", "", "the clinic file: name, phones, hours (empty: clinic.yml)")
ACTION_TIMEOUT_S = Setting("ACTION_TIMEOUT_S", "3", "seconds Rasa waits for a custom action before giving up")
CORS_ORIGINS = Setting("CORS_ORIGINS", "http://localhost:8080",
                       "web pages (scheme://host[:port], space separated, * for all) allowed to talk to the assistant")
RASA_SPEEDUPS = Setting("RASA_SPEEDUPS", "on", "off turns every patch of Rasa's internals off (speedups)")
RETENTION_DAYS = Setting("RETENTION_DAYS", "30", "`make forget-old` deletes conversations idle longer than this")
RASA_ENDPOINTS = Setting("RASA_ENDPOINTS", "endpoints.yml", "the endpoints file (production: endpoints.production.yml)")
TELEGRAM_API_URL = Setting("TELEGRAM_API_URL", "https://api.telegram.org", "Telegram's API address (a proxy)")
FACEBOOK_GRAPH_URL = Setting("FACEBOOK_GRAPH_URL", "https://graph.facebook.com", "Messenger's API address (a proxy)")
TWILIO_API_URL = Setting("TWILIO_API_URL", "", "Twilio's API address (a proxy; empty: Twilio's own)")
SLACK_API_URL = Setting("SLACK_API_URL", "https://slack.com", "Slack's API address (a proxy)")
WEB_HOST = Setting("WEB_HOST", "127.0.0.1", "where the demo page is served (scripts/web_server.py)")
WEB_PORT = Setting("WEB_PORT", "8080", "the demo page's port")
RASA_PORT = Setting("RASA_PORT", "5005", "the Rasa server's port")
RASA_URL = Setting("RASA_URL", "", "the Rasa server's address as the demo page reaches it (empty: localhost:RASA_PORT)")

# Sending the summary to the clinic (bot/handoff.py). No CLINIC_INTAKE_EMAIL: the offer is not made.
CLINIC_INTAKE_EMAIL = Setting("CLINIC_INTAKE_EMAIL", "", "the clinic's address for summaries clients send (empty: "
                              "no sending)")
SMTP_HOST = Setting("SMTP_HOST", "localhost", "the mail server that sends summaries to the clinic")
SMTP_PORT = Setting("SMTP_PORT", "587", "its port")
SMTP_USER = Setting("SMTP_USER", "", "the login at the mail server (empty: no login)")
SMTP_PASSWORD = Setting("SMTP_PASSWORD", "", "its password (a secret: environment only)")
SMTP_STARTTLS = Setting("SMTP_STARTTLS", "auto", "on: require STARTTLS; off: never; auto: when the server offers it")
SMTP_FROM = Setting("SMTP_FROM", "", "the sender address (empty: SMTP_USER if it is an address, else "
                    "CLINIC_INTAKE_EMAIL)")
SEND_ATTEMPTS = Setting("SEND_ATTEMPTS", "3", "how many times a refused or failed sending is tried")
CLINIC_INTAKE_WEBHOOK_URL = Setting("CLINIC_INTAKE_WEBHOOK_URL", "", "also POST each summary as signed JSON here "
                                    "(a booking system; empty: no webhook)")
CLINIC_INTAKE_WEBHOOK_SECRET = Setting("CLINIC_INTAKE_WEBHOOK_SECRET", "", "the HMAC-SHA256 key of that signature "
                                       "(a secret: environment only)")

SETTINGS = (CLINIC_CONFIG, ACTION_TIMEOUT_S, CORS_ORIGINS, RASA_SPEEDUPS, RETENTION_DAYS, RASA_ENDPOINTS,
            TELEGRAM_API_URL, FACEBOOK_GRAPH_URL, TWILIO_API_URL, SLACK_API_URL, WEB_HOST, WEB_PORT, RASA_PORT,
            RASA_URL, CLINIC_INTAKE_EMAIL, SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD, SMTP_STARTTLS, SMTP_FROM,
            SEND_ATTEMPTS, CLINIC_INTAKE_WEBHOOK_URL, CLINIC_INTAKE_WEBHOOK_SECRET)


def clinic_config() -> Path | None:
    """The clinic file named in the environment; None for the project's own clinic.yml."""
    return Path(CLINIC_CONFIG.value()) if CLINIC_CONFIG.value() else None


def action_timeout_s() -> float:
    return float(ACTION_TIMEOUT_S.value())


def cors_origins() -> list[str]:
    return CORS_ORIGINS.value().replace(",", " ").split()


def speedups_enabled() -> bool:
    return RASA_SPEEDUPS.value().lower() not in {"off", "0", "false", "no"}


def retention_days() -> float:
    return float(RETENTION_DAYS.value())


def endpoints_file() -> Path:
    return Path(RASA_ENDPOINTS.value())


def api_url(setting: Setting, fallback: str = "") -> str:
    """A platform's API address without a trailing slash (``fallback`` when the setting has no default)."""
    return setting.value().rstrip("/") or fallback


def web_address() -> tuple[str, int]:
    return WEB_HOST.value(), int(WEB_PORT.value())


def rasa_url() -> str:
    return (RASA_URL.value() or f"http://localhost:{RASA_PORT.value()}").rstrip("/")


@dataclass(frozen=True)
class MailSettings:
    """Where summaries go and how: read from the environment each time a summary is sent."""

    to: str
    host: str
    port: int
    user: str
    password: str
    starttls: str  # "on", "off" or "auto"
    sender: str
    attempts: int
    webhook_url: str
    webhook_secret: str


def mail_settings() -> MailSettings | None:
    """None when the clinic takes no summaries (no CLINIC_INTAKE_EMAIL)."""
    to = CLINIC_INTAKE_EMAIL.value()
    if not to:
        return None
    user = SMTP_USER.value()
    starttls = SMTP_STARTTLS.value().lower()
    starttls = {"1": "on", "true": "on", "yes": "on", "0": "off", "false": "off", "no": "off"}.get(starttls, starttls)
    return MailSettings(to=to, host=SMTP_HOST.value(), port=int(SMTP_PORT.value()), user=user,
                        password=SMTP_PASSWORD.value(), starttls=starttls if starttls in ("on", "off") else "auto",
                        sender=SMTP_FROM.value() or (user if "@" in user else to),
                        attempts=max(1, int(SEND_ATTEMPTS.value())), webhook_url=CLINIC_INTAKE_WEBHOOK_URL.value(),
                        webhook_secret=CLINIC_INTAKE_WEBHOOK_SECRET.value())
