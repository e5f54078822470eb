"""One console line for a visitor's mistake; a traceback only for a failure of the server.

Datasette 0.65 prints every exception it turns into an error page with rich's traceback and every
local variable: a 404 for a mistyped table name and a refused `delete` in the SQL box printed 728
lines to the console of `make serve` between them. Here an error the visitor caused (a 4xx: not
found, bad SQL, a query over the time limit, a write refused) is one line on stderr,

    GET /dataset/nonexistent -> 404: Table not found

and an error of the server (a 5xx) keeps its full traceback (Datasette's own `traceback.print_exc`,
without the local variables, which may hold any row of the data). The page the visitor gets is
Datasette's own: its default hook still renders it.
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


def client_error(exception: BaseException) -> Optional[tuple[int, str]]:
    """(status, message) when the visitor caused the error (a 4xx), else None."""
    if isinstance(exception, Base400):
        return exception.status, str(exception.args[0]) if exception.args else ""
    if isinstance(exception, DatasetteError) and exception.status < 500:
        return exception.status, str(exception.message)
    return None


@hookimpl
def handle_exception(datasette, request, exception):
    said = client_error(exception)
    if said is not None:
        log_client_error(request.method, request.path, *said)
    return None  # Datasette's own hook renders the page
