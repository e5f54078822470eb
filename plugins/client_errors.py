"""One console line for a visitor's mistake; a traceback only for a failure of the server.

Datasette 0.65 prints every exception it turns into an error page with rich's traceback and every
local variable: a 404 for a mistyped table name and a refused `delete` in the SQL box printed 728
lines to the console of `make serve` between them. Here an error the visitor caused (a 4xx: not
found, bad SQL, a query over the time limit, a write refused) is one line on stderr,

    GET /dataset/nonexistent -> 404: Table not found

and an error of the server (a 5xx) keeps its full traceback (Datasette's own `traceback.print_exc`,
without the local variables, which may hold any row of the data). The page the visitor gets is
Datasette's own: its default hook still renders it. Datasette raises a few errors of the visitor
with its default status, 500 (MISTAKEN_500): those are answered, and logged, as the 400s they are.
(Parameters Datasette cannot even parse are refused before it sees them: plugins/query_checks.py.)
A failed query is not printed with its SQL, and a 4xx page that no handler logged (the SQL page's
own error) is logged in one line after it is sent.
"""
from __future__ import annotations

import re
import sys
import warnings
from http import HTTPStatus
from typing import Optional

import datasette.handle_exception as default_handler
from datasette import hookimpl
from datasette.database import Database
from datasette.utils.sqlite import sqlite3
from datasette.utils.asgi import Base400
from datasette.views.base import DatasetteError

from scripts.db import DATABASE
from scripts.serve import LOGGED, log_client_error

# Datasette's default hook prints rich's traceback when rich can be imported (it comes with
# Datasette's dependencies); without it, only a 5xx is printed, by traceback.print_exc.
default_handler.rich = None


# Datasette prints every failed query ("ERROR: conn=<sqlite3.Connection ...>, sql = '...'") before
# the error reaches a page: ?_facet=nonexistent and SQL with a typo printed the SQL, a dump a
# visitor's mistake does not need. The error itself is still raised and answered (and logged in
# one line, below); a failure of the server still prints its traceback.
_execute = Database.execute


# What a visitor's SQL or parameters cause; any other SQLite error ("database is locked", "disk
# I/O error") is the server's, and is printed as Datasette prints it.
_VISITORS_SQL_ERROR = re.compile(r"no such (column|table|function)|syntax error|unrecognized token|ambiguous column|"
                                 r"malformed JSON|fts5|misuse of|wrong number of arguments|incomplete input|"
                                 r"not authorized|only a single result|unterminated|no tables specified")


async def _execute_quietly(self, sql, params=None, truncate=False, custom_time_limit=None, page_size=None,
                           log_sql_errors=True):
    try:
        return await _execute(self, sql, params, truncate=truncate, custom_time_limit=custom_time_limit,
                              page_size=page_size, log_sql_errors=False)
    except sqlite3.DatabaseError as error:
        if log_sql_errors and error.args != ("interrupted",) and not _VISITORS_SQL_ERROR.search(str(error)):
            print(f"ERROR: sql = {sql!r}, params = {params}: {error}", file=sys.stderr)
        raise


Database.execute = _execute_quietly

# When one facet's query fails (?_facet=nonexistent), Datasette 0.65 raises from its gather of the
# facets' coroutines and leaves the others unawaited; Python then prints a RuntimeWarning block
# for each, on the console of `make serve`, after the one line that says what the visitor did.
warnings.filterwarnings("ignore", r"coroutine '.*(facet_results|execute_suggested_facets)' was never awaited",
                        RuntimeWarning)

# The messages of the DatasetteErrors that Datasette 0.65 raises, with no status (so 500), for a
# parameter naming what is not there: ?_sort=nonexistent, ?_sort_desc=…, both at once
# (views/table.py), a ?_through= table with no foreign key to this one (filters.py).
MISTAKEN_500 = ("Cannot sort table by ", "Cannot use _sort and _sort_desc at the same time", "Invalid _through")


def client_error(exception: BaseException) -> Optional[tuple[int, str]]:
    """(status, message) when the visitor caused the error (a 4xx), else None."""
    if isinstance(exception, Base400):
        return exception.status, str(exception.args[0]) if exception.args else ""
    if isinstance(exception, DatasetteError) and exception.status < 500:
        return exception.status, str(exception.message)
    if isinstance(exception, DatasetteError) and exception.status == 500 and str(exception.message).startswith(MISTAKEN_500):
        return 400, str(exception.message)
    return None


@hookimpl
def handle_exception(datasette, request, exception):
    said = client_error(exception)
    if said is None:
        return None
    log_client_error(request.method, request.path, *said)
    if said[0] != getattr(exception, "status", said[0]):  # a MISTAKEN_500: Datasette's own page, as a 400
        return default_handler.handle_exception(datasette, request, DatasetteError(said[1], status=said[0]))
    return None  # Datasette's own hook renders the page


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def logged(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            said: list = []
            token = LOGGED.set(said)
            status: list[int] = []

            async def sending(message):
                if message["type"] == "http.response.start":
                    status.append(message["status"])
                await send(message)
            try:
                await app(scope, receive, sending)
            finally:
                LOGGED.reset(token)
            # A 4xx nothing logged (the SQL page shows a refused query on a 400 page of its own,
            # with no exception for handle_exception to see): one line, as for the others.
            if status and 400 <= status[0] < 500 and not said:
                sql_page = scope["path"].rstrip("/").endswith(f"/{DATABASE}") or b"sql=" in scope.get("query_string", b"")
                log_client_error(scope.get("method", "GET"), scope["path"], status[0],
                                 "the query failed; the page says why" if sql_page else HTTPStatus(status[0]).phrase)
        return logged
    return wrap
