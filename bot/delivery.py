"""Getting the summary to the clinic: SMTP for the e-mail, an HTTP POST for the optional webhook.

A mail server that is down or refuses is tried again a few times, within a time budget
that fits inside the wait Rasa allows a custom action (``ACTION_TIMEOUT_S``), so the
client always hears the true outcome: the caller tells them "sent" only when this says
so. Failures are logged by kind only, never with the message, the name or the address.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from email.message import EmailMessage

from bot.handoff import SIGNATURE_HEADER, signature
from bot.settings import MailSettings

log = logging.getLogger(__name__)
RETRY_PAUSE_S = 0.2


def _deliver_once(message: EmailMessage, mail: MailSettings, timeout_s: float) -> None:
    with smtplib.SMTP(mail.host, mail.port, timeout=timeout_s) as smtp:
        smtp.ehlo()
        if mail.starttls == "on" or (mail.starttls == "auto" and smtp.has_extn("starttls")):
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if mail.user:
            smtp.login(mail.user, mail.password)
        smtp.send_message(message)


def _attempts(count: int, budget_s: float):
    """Yield the time left for each attempt, pausing between them, until the count or the budget runs out."""
    deadline = time.monotonic() + budget_s
    for attempt in range(count):
        left = deadline - time.monotonic()
        if left <= 0.05:
            return
        yield left
        if attempt + 1 < count:
            time.sleep(min(RETRY_PAUSE_S * (attempt + 1), max(0.0, deadline - time.monotonic())))


def send_mail(message: EmailMessage, mail: MailSettings, budget_s: float) -> bool:
    """True once the mail server accepted the message; False after every attempt failed."""
    for left in _attempts(mail.attempts, budget_s):
        try:
            _deliver_once(message, mail, left)
            return True
        except (OSError, smtplib.SMTPException) as error:
            log.warning("Sending the summary to the clinic failed (%s)", type(error).__name__)
    return False


def post_webhook(body: bytes, mail: MailSettings, budget_s: float) -> bool:
    """POST the signed JSON to the clinic's webhook; True on a 2xx answer."""
    headers = {"Content-Type": "application/json"}
    if mail.webhook_secret:
        headers[SIGNATURE_HEADER] = signature(body, mail.webhook_secret)
    for left in _attempts(mail.attempts, budget_s):
        request = urllib.request.Request(mail.webhook_url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=left) as response:
                if 200 <= response.status < 300:
                    return True
        except (OSError, urllib.error.URLError) as error:
            log.warning("The clinic's webhook failed (%s)", type(error).__name__)
    return False
