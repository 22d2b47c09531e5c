"""What every messaging platform's webhook shares: refusing a call that failed authentication.

(Each platform's API address can be changed for a proxy, or for the local fakes the
tests capture outgoing calls with: the ``*_API_URL`` settings in ``bot/settings.py``.)
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from sanic import response
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)


def refused(reason: str) -> HTTPResponse:
    """Answer a webhook call that failed authentication, without reading its content."""
    logger.warning("Refused a webhook call: %s.", reason)
    return response.text("forbidden", status=HTTPStatus.FORBIDDEN)
