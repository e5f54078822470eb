"""EDTF (levels 0-1) validation and the ISO min/max bounds published beside every EDTF column."""
from __future__ import annotations

import calendar
import datetime as dt
import math
import re
import time
from functools import lru_cache


def parse_edtf(text: str):
    # Imported on first use: building the package's grammar takes 0.1 s of every command's start,
    # and plain dates never need it.
    import contextlib
    import io

    from edtf import parse_edtf as parse

    # edtf 5.0 prints ("trying to PartialUnspecified.__init__...") before re-raising some errors;
    # a located problem is reported instead, so the print would be noise in validate's output.
    with contextlib.redirect_stdout(io.StringIO()):
        return parse(text)


def _struct_to_date(value: time.struct_time | float | None) -> str:
    # Open ends ('..') come back as +/- infinity; the contract publishes them as empty cells.
    if value is None or isinstance(value, float) and math.isinf(value):
        return ""
    if isinstance(value, float):
        return ""
    return dt.date(value.tm_year, value.tm_mon, value.tm_mday).isoformat()


# A plain calendar date, year-month or year (EDTF level 0, the form nearly every value takes).
# The edtf package parses each value with pyparsing in about 6 ms; these are read directly, and
# tests/test_performance_paths.py checks that they give what the package gives.
_PLAIN = re.compile(r"([1-9][0-9]{3})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12][0-9]|3[01]))?)?")


def _plain_bounds(text: str) -> tuple[str, str] | None:
    """(earliest, latest) ISO dates of a plain date, year-month or year; None for anything else."""
    m = _PLAIN.fullmatch(text)
    if not m:
        return None
    year = int(m[1])
    if m[2] is None:
        return f"{year:04d}-01-01", f"{year:04d}-12-31"
    month = int(m[2])
    last = calendar.monthrange(year, month)[1]
    if m[3] is None:
        return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last:02d}"
    if int(m[3]) > last:
        return None  # not a date: the package says why
    return text, text


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _short_month(text: str) -> str | None:
    """What is wrong with a plain date whose day its month does not have (2026-02-30), if it is one."""
    for m in re.finditer(r"(?<![0-9])([1-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(?![0-9])", text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
        last = calendar.monthrange(year, month)[1]
        if day > last:
            return f"{calendar.month_name[month]} {year} has no {_ordinal(day)} day: it has {last} days"
    return None


# Level 2 forms the edtf package's level 0-1 grammar still reads (edtf 5.0): significant digits
# (1950S2) and a year with three or four unspecified digits (1XXX, XXXX-12); level 1 allows only
# the last one or two (201X, 20XX).
_LEVEL_2_MISREAD = re.compile(r"S[0-9]|(?:^|/)-?[0-9]?X{3}")


def _level_0_or_1(text: str) -> bool:
    if _LEVEL_2_MISREAD.search(text):
        return False
    from edtf.parser.grammar import level0Expression, level1Expression
    from pyparsing import ParseBaseException

    try:
        (level0Expression ^ level1Expression).parse_string(text.strip(), parse_all=True)
    except (ParseBaseException, ValueError, TypeError, AttributeError):  # the package's parse actions can raise too
        return False
    return True


@lru_cache(maxsize=4096)
def check_edtf(text: str) -> str | None:
    """Return None when `text` is EDTF level 0-1, else a short reason."""
    if _plain_bounds(text) is not None:
        return None
    short = _short_month(text)  # the package would say only where its parser stopped
    if short is not None:
        return short
    from edtf.parser.edtf_exceptions import EDTFParseException

    try:
        parsed = parse_edtf(text)
    except (EDTFParseException, ValueError, TypeError, AttributeError) as exc:
        # edtf 5.0's parse actions raise AttributeError on some partly unspecified dates (1984-1X).
        return (str(exc) if not isinstance(exc, AttributeError) else "") or "not EDTF at levels 0-1"
    # The package parses every level and its objects do not say which (edtf 5 has no `.level`):
    # a value is level 0-1 when the grammar of those levels alone reads all of it.
    if not _level_0_or_1(text):
        return ("EDTF level 2 (for example sets, significant digits, unspecified digits other than the last "
                "one or two of a year or the whole month or day, a qualifier on one part); only levels 0-1 are accepted")
    try:
        # The edtf grammar accepts some values no calendar has (2023-02-29) and years that
        # ISO min/max columns cannot hold (0000); both must be errors, not a crashed build.
        _struct_to_date(parsed.lower_strict()), _struct_to_date(parsed.upper_strict())
    except (ValueError, OverflowError) as exc:
        return f"not a calendar date in years 0001-9999 ({exc})"
    return None


@lru_cache(maxsize=4096)
def edtf_bounds(text: str | None) -> tuple[str, str]:
    """ISO dates (earliest, latest) covered by an EDTF value; empty strings when unknown/open."""
    if not text:
        return "", ""
    plain = _plain_bounds(text)
    if plain is not None:
        return plain
    parsed = parse_edtf(text)
    # Strict bounds: the range the printed precision covers ('2021' -> whole year). The edtf
    # package's fuzzy bounds pad '~'/'?' dates by a year or more, which would mislead a
    # spreadsheet filter; the qualifier stays visible in the EDTF column itself.
    return _struct_to_date(parsed.lower_strict()), _struct_to_date(parsed.upper_strict())
