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
"""
from __future__ import annotations

from typing import Optional

import datasette.handle_exception as default_handler
from datasette import hookimpl
from datasette.utils.asgi import Base400
from datasette.views.base import DatasetteError

from scripts.serve import log_client_error

# Datasette's default hook prints rich's traceback when rich can be imported (it comes with
# Datasette's dependencies); without it, only a 5xx is printed, by traceback.print_exc.
default_handler.rich = None


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
