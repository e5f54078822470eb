"""Query parameters checked before Datasette reads them: a malformed one is a 400 that says what is
wrong (one console line), and a search with no word in it is no search.

Datasette 0.65 parses some parameters with bare int() and json.loads, so ?_timelimit=abc,
?_through=nope and ?column__in=[bad were 500s with a traceback. (Its own errors for a well-formed
but wrong parameter, ?_sort=nonexistent, are mapped to 400 in plugins/client_errors.py.)

A search with no letter or digit (?_search=, ?_search=%22) gives FTS5 nothing to match: Datasette
ran it anyway, answered 400 "fts5: syntax error" and printed the SQL on the console. Such a
search is dropped, so the page shows every row, as with no search. A search over MAX_SEARCH
characters is refused: Datasette echoes the whole URL in the page's Link header, and a 72 KB
header is more than clients such as Python's http.client accept. A raw search (?_searchmode=raw,
FTS5's own syntax) that FTS5 cannot read is a 400 as before, but found here first: Datasette would
also print the failed SQL on the console. A control character in a search is read as a space. A
search on a table with no full-text index is a 400 that says where to search: Datasette ignored
it and showed every row.
"""
from __future__ import annotations

import json
import re
from typing import Optional
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.utils import tilde_decode
from datasette.utils.sqlite import sqlite3
from datasette.utils.asgi import Request

from scripts.db import DATABASE
from scripts.serve import error_response

MAX_SEARCH = 1000
# What FTS5's tokenizer makes a word of: a letter or a digit (the underscore separates words).
_WORD = re.compile(r"[^\W_]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_THROUGH = '{"table": "claims", "column": "speaker_id", "value": "experts"}'
_TABLE_PATH = re.compile(rf"^/{DATABASE}/(?P<table>[^/]+?)(?:\.(?:json|csv))?$")


def is_search(key: str) -> bool:
    return key == "_search" or key.startswith("_search_")  # not _searchmode


def _json(value: str):
    try:
        return json.loads(value)
    except ValueError:
        return None


def problem(key: str, value: str) -> Optional[str]:
    """What is wrong with one query parameter, or None."""
    if key == "_timelimit":
        try:
            int(value)
        except ValueError:
            return f"_timelimit must be a whole number of milliseconds, not {value!r}"
    elif key == "_through":
        through = _json(value)
        if not (isinstance(through, dict) and {"table", "column", "value"} <= through.keys()
                and isinstance(through["table"], str) and isinstance(through["column"], str)):
            return f"_through must be a JSON object such as {_THROUGH}"
    elif key.endswith(("__in", "__notin")) and value.startswith("["):  # Datasette reads a list from JSON
        if not isinstance(_json(value), list):
            return f"{key} takes a JSON list or comma-separated values"
    elif is_search(key) and len(value) > MAX_SEARCH:
        return f"A search may be at most {MAX_SEARCH:,} characters long (this one has {len(value):,})"
    return None


async def unsearchable_problem(datasette, path: str, args: dict) -> Optional[str]:
    """A search on a table page whose table has no full-text index, or None. Datasette ignored it
    and showed every row, as if each matched: a researcher searching the figures' quotes was
    shown all the figures. A canned query, a view or a name that is no table is left to Datasette."""
    match = _TABLE_PATH.match(path)
    words = [k for k, v in args.items() if is_search(k) and _WORD.search(v)]
    if not match or not words or "_fts_table" in args or DATABASE not in datasette.databases:
        return None
    table = tilde_decode(match["table"])
    if datasette.table_metadata(DATABASE, table).get("fts_table"):
        return None  # the common case, answered without a query
    db = datasette.get_database(DATABASE)
    if not await db.table_exists(table) or await db.fts_table(table):
        return None
    # A full-text table is its own index (Datasette searches /dataset/claims_fts?_search= in it).
    sql = (await db.execute("select sql from sqlite_master where name = ?", [table])).first()
    if sql and sql[0] and re.search(r"\bvirtual\s+table\b.*\busing\s+fts", sql[0], re.I | re.S):
        return None
    return (f"The {table} table has no full-text search, so {words[0]} would match every row. Search the claims "
            f"(/{DATABASE}/claims?_search=...), the articles' titles (/{DATABASE}/articles?_search=...) or their "
            f"texts (/{DATABASE}/seeds?_search=...), or filter a column: ?column__contains=word")


async def raw_search_problem(datasette, path: str, args: dict) -> Optional[str]:
    """FTS5's syntax error for a table page's raw ?_search=, or None: the search run as the page
    would run it (here for one row), without Datasette's logging of a failed query."""
    match = _TABLE_PATH.match(path)
    search = args.get("_search", "")
    if (args.get("_searchmode") != "raw" or not match or not _WORD.search(search) or "_fts_table" in args
            or DATABASE not in datasette.databases):
        return None
    fts = datasette.table_metadata(DATABASE, tilde_decode(match["table"])).get("fts_table")
    if not fts:
        return None
    try:
        await datasette.get_database(DATABASE).execute(f"select 1 from [{fts}] where [{fts}] match :q limit 1",
                                                      {"q": search}, log_sql_errors=False)
    except QueryInterrupted:  # too slow here: the page's own query will say so
        return None
    except sqlite3.DatabaseError as error:  # syntax, or a column FTS5 does not have
        return f"The search {search!r} is not FTS5 syntax ({error}); without _searchmode=raw its words are searched for"
    return None


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def checked(scope, receive, send):
            if scope["type"] != "http" or not scope.get("query_string"):
                return await app(scope, receive, send)
            # As Datasette reads the query string (datasette.utils.asgi.Request.args).
            pairs = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
            # A control character in a search is no word: NUL ends FTS5's reading of the query
            # (400 "unterminated string" for ?_search=%00russia), so each is read as a space. A
            # search with no word is dropped; the checks see what Datasette will be given.
            cleaned = [(k, _CONTROL.sub(" ", v) if is_search(k) else v) for k, v in pairs]
            kept = [(k, v) for k, v in cleaned if not (is_search(k) and not _WORD.search(v))]
            first = {}  # each parameter's first value, as request.args.get gives it
            for key, value in kept:
                first.setdefault(key, value)
            said = (next(filter(None, (problem(k, v) for k, v in cleaned)), None)
                    or await unsearchable_problem(datasette, scope["path"], first)
                    or await raw_search_problem(datasette, scope["path"], first))
            if said:
                # Outside Datasette's own wrappers, so without the CSRF token its templates ask for
                # (the error page has no form).
                request = Request({**scope, "csrftoken": lambda: ""}, receive)
                response = await error_response(datasette, request, 400, said)
                return await response.asgi_send(send)
            if kept != pairs:
                scope = {**scope, "query_string": urlencode(kept).encode("latin-1")}
            await app(scope, receive, send)
        return checked
    return wrap
