"""Shared helpers of the benchmarks: Django set-up on a benchmark database, timing, memory."""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(default_db="sqlite:///bench/bench.sqlite3"):
    os.environ.setdefault("DATABASE_URL", default_db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sammachip.settings_test")
    os.chdir(ROOT)
    import django

    django.setup()


def rss_mib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_mib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def reset_peak():
    """Linux: writing 5 to clear_refs resets the peak resident set size (VmHWM)."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass


def measure(function):
    """Run ``function``; return (its result, seconds, peak RSS growth in MiB)."""
    import gc

    gc.collect()
    reset_peak()
    before = rss_mib()
    start = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - start
    return result, seconds, max(0.0, peak_mib() - before)


def table(rows):
    header = "| benchmark | data | this project | baseline | ratio | target | met |"
    lines = [header, "|---|---|---|---|---|---|---|"]
    for row in rows:
        lines.append("| " + " | ".join(str(cell) for cell in row) + " |")
    return "\n".join(lines)
