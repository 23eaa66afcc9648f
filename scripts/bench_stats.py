"""Helpers shared by the benchmark scripts (``scripts/bench*.py``): percentiles and resident memory.

The scripts run as ``python scripts/<name>.py``, so this folder is on ``sys.path`` and they import
it as ``bench_stats``.
"""

from __future__ import annotations


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile ``q`` (0-1) of ``values`` (no interpolation)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory of process ``pid`` in MB from ``/proc/<pid>/status``; NaN if unreadable."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")
