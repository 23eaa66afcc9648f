"""Project-wide test hooks (both environments): the summary of missing prerequisites."""

from __future__ import annotations

from typing import Any

from tests.prereq import MARK


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One loud line per distinct missing prerequisite (tests skipped because of it)."""
    reasons: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = getattr(report, "longrepr", None)
        reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else ""
        if MARK in str(reason):
            text = str(reason).split(f"{MARK}: ", 1)[-1]
            reasons[text] = reasons.get(text, 0) + 1
    if not reasons:
        return
    terminalreporter.section(f"{MARK}: these tests did NOT run", sep="!", red=True, bold=True)
    for text, count in sorted(reasons.items()):
        terminalreporter.write_line(f"{MARK}: {count} test(s) skipped: {text}", red=True, bold=True)
    terminalreporter.write_line("With CI=true these are failures.", red=True)
