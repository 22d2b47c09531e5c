"""Shared fixtures for the plain-Python assessment engine tests."""

from datetime import date
from pathlib import Path

import pytest

from bot.assessment import AssessmentInput, assess
from bot.clinic import Clinic
from bot.knowledge import default_knowledge

# A Sunday, so weekday arithmetic is easy to check by hand.
TODAY = date(2026, 11, 22)
REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def knowledge():
    return default_knowledge()


@pytest.fixture(scope="session")
def clinic():
    return Clinic(name="Test Clinic", emergency_number="112")


@pytest.fixture
def run(knowledge, clinic):
    """Assess one set of answers with the shipped knowledge, a 112 clinic and a fixed today."""

    def _run(**answers):
        return assess(AssessmentInput(**answers), knowledge, clinic, today=TODAY)

    return _run
