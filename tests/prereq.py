"""Missing test prerequisites: a loud skip on a developer machine, a failure in CI.

With ``CI=true`` (``.ci/run`` sets it) a test whose prerequisite is missing (Chromium, the page's
npm packages, PostgreSQL, the bot environment, the running stack) FAILS, so a green CI run means
that these tests ran. Locally the test is skipped and ``tests/conftest.py`` prints one summary
line per missing prerequisite at the end of the run.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType
from typing import NoReturn

import pytest

#: Skip reasons start with this; the terminal summary in tests/conftest.py looks for it.
MARK = "PREREQUISITE MISSING"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def missing(what: str, how: str = "") -> NoReturn:
    """Fail under CI=true, otherwise skip with a reason that the summary collects."""
    text = f"{what}" + (f" ({how})" if how else "")
    if in_ci():
        pytest.fail(f"{MARK} (CI=true): {text}", pytrace=False)
    pytest.skip(f"{MARK}: {text}", allow_module_level=True)


def require_module(name: str, how: str = "") -> ModuleType:
    """Import ``name`` or treat it as a missing prerequisite."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        missing(f"Python package {name!r} cannot be imported: {exc}", how)
