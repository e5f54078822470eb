"""EDTF (levels 0-1) validation and the ISO min/max bounds published beside every EDTF column."""
from __future__ import annotations

import datetime as dt
import math
import time
from functools import lru_cache

from edtf import parse_edtf
from edtf.parser.edtf_exceptions import EDTFParseException


def _struct_to_date(value: time.struct_time | float | None) -> str:
    # Open ends ('..') come back as +/- infinity; the contract publishes them as empty cells.
    if value is None or isinstance(value, float) and math.isinf(value):
        return ""
    if isinstance(value, float):
        return ""
    return dt.date(value.tm_year, value.tm_mon, value.tm_mday).isoformat()


@lru_cache(maxsize=4096)
def check_edtf(text: str) -> str | None:
    """Return None when `text` is EDTF level 0-1, else a short reason."""
    try:
        parsed = parse_edtf(text)
    except (EDTFParseException, ValueError, TypeError) as exc:
        return str(exc) or "not EDTF"
    level = getattr(parsed, "level", None)
    if isinstance(level, int) and level > 1:
        return f"EDTF level {level}; only levels 0-1 are accepted"
    return None


@lru_cache(maxsize=4096)
def edtf_bounds(text: str | None) -> tuple[str, str]:
    """ISO dates (earliest, latest) covered by an EDTF value; empty strings when unknown/open."""
    if not text:
        return "", ""
    parsed = parse_edtf(text)
    # Strict bounds: the range the printed precision covers ('2021' -> whole year). The edtf
    # package's fuzzy bounds pad '~'/'?' dates by a year or more, which would mislead a
    # spreadsheet filter; the qualifier stays visible in the EDTF column itself.
    return _struct_to_date(parsed.lower_strict()), _struct_to_date(parsed.upper_strict())
