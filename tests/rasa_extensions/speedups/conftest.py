"""Each speedup's tests run with that speedup in place, whatever ``RASA_SPEEDUPS`` says.

The switch and the version guard are tested in ``test_install.py``; here each
module's own patch is applied for its tests (unless ``install()`` already did) and
taken off again afterwards.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest

from rasa_extensions import speedups


@pytest.fixture(autouse=True, scope="module")
def speedup_in_place(request: pytest.FixtureRequest) -> Iterator[None]:
    name = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    if name not in speedups.MODULES or name in speedups.installed():
        yield
        return
    patch = importlib.import_module(f"rasa_extensions.speedups.{name}").patch()
    patch.apply()
    try:
        yield
    finally:
        patch.undo()
