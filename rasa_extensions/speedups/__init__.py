"""Every change this project makes to Rasa's internals, behind one guarded switch.

Each module here replaces one attribute of one Rasa object (``patch()`` says which,
with what and why) so that Rasa does the same work faster or without waiting:
``action_validation``, ``event_types``, ``incremental_states``,
``kept_connections``, ``model_loading`` and ``action_timeout``; each module's
docstring has the measurement that justifies it (bench/RESULTS.md has them all).

``install()`` is called from one place, ``rasa_extensions/nlu/__init__.py``, which
Rasa imports whenever it loads this project's model (server, shell, tests). It

- patches only the Rasa version the patches were written for (``WRITTEN_FOR``); on
  any other it changes nothing and says so once;
- does nothing with ``RASA_SPEEDUPS=off`` (Rasa then runs exactly as shipped: use it
  to rule the patches out when something looks wrong; CI runs the unit and
  conversation tests that way too);
- is safe to call twice, and logs one line per patch it applies.

Modelled on rasa-sdk's tracing instrumentation (``instrument()``,
``class_is_instrumented``).
"""

from __future__ import annotations

import importlib
import logging

import rasa

from bot import settings
from rasa_extensions.speedups.patch import Patch

logger = logging.getLogger(__name__)

WRITTEN_FOR = "3.6.21"
MODULES = ("action_validation", "event_types", "incremental_states", "kept_connections", "model_loading",
           "action_timeout")

_applied: dict[str, Patch] = {}
_said: set[str] = set()


def _say_once(key: str, level: int, message: str, *args: object) -> None:
    if key not in _said:
        _said.add(key)
        logger.log(level, message, *args)


def install() -> list[str]:
    """Apply every patch not applied yet, when the switch and the Rasa version allow; the names applied now."""
    if not settings.speedups_enabled():
        _say_once("off", logging.INFO, "Rasa speedups are off (RASA_SPEEDUPS=off): Rasa runs as shipped.")
        return []
    if rasa.__version__ != WRITTEN_FOR:
        _say_once("version", logging.WARNING, "Rasa speedups were written for Rasa %s, not %s: none applied.",
                  WRITTEN_FOR, rasa.__version__)
        return []
    applied = []
    for name in MODULES:
        if name in _applied:
            continue
        patch = importlib.import_module(f"{__name__}.{name}").patch()
        patch.apply()
        _applied[name] = patch
        applied.append(name)
        logger.info("Rasa speedup applied: %s (%s).", name, patch.why)
    return applied


def installed() -> list[str]:
    """The patches in place now."""
    return [name for name, patch in _applied.items() if patch.is_applied()]


def uninstall() -> None:
    """Put Rasa back as shipped (tests compare both ways)."""
    for name in reversed(list(_applied)):
        _applied.pop(name).undo()
