"""The command line's numeric option types, in one place: each refuses a value the command could
not use with argparse's own error (exit 2, the option named), before any work starts.

An environment default (`$OFSTED_KG_TIMEOUT`) is given to argparse as text, so it goes through
the same type and a bad one is reported the same way, not as a traceback.
"""

from __future__ import annotations

import argparse
import math
import sys

# A request or query waiting longer than a day has hung; the socket layer refuses much larger
# values (and infinity) with an OverflowError, so the bound is also what keeps that out.
MAX_SECONDS = 86_400.0


def count(text: str) -> int:
    """0 or more (--limit, --offset, --show). A count past what any answer holds means the same
    as the largest one Python can slice by, so it is capped there."""
    return _whole(text, 0, "0 or more")


def positive_int(text: str) -> int:
    """1 or more (--jobs, --top, --per-finding, --max-result-mb)."""
    return _whole(text, 1, "at least 1")


def width(text: str) -> int:
    """A table width: at least 20 columns (narrower cannot show a column's name)."""
    return _whole(text, 20, "at least 20")


def seconds(text: str) -> float:
    """A timeout: a number of seconds more than 0, at most a day (not nan or infinity)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not (math.isfinite(value) and 0 < value <= MAX_SECONDS):
        raise argparse.ArgumentTypeError(f"{text!r}: must be more than 0 seconds and at most {MAX_SECONDS:g}")
    return value


def _whole(text: str, least: int, wording: str) -> int:
    """A whole number of at least `least` (`wording` says so in the error), capped at the
    largest Python can index by."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"{text!r}: must be {wording}")
    return min(value, sys.maxsize)
