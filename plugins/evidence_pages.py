"""Datasette plugin: article pages with their evidence highlighted, and the corroboration matrix.

`make serve` loads it with --plugins-dir plugins (templates in templates/). Pages:
  /-/article/<article_id>   the seed text, furniture set apart, every evidence span highlighted and linked
  /-/corroboration          propositions × articles, each cell the article's stance and claims
It also links the article pages from the index and the articles table, and links every quote in
the evidence tables to its place in the article. The cutting and the matrix themselves are plain
Python in scripts/highlight.py and scripts/corroboration.py; this module only queries and renders.
All data reaches HTML through Jinja's autoescape or Markup.format, which escape it.
"""
from __future__ import annotations

import json
from urllib.parse import quote

from datasette import hookimpl
from datasette.utils import tilde_decode, tilde_encode
from datasette.utils.asgi import Response
from markupsafe import Markup

from schema.tables import TABLES
from scripts.corroboration import STATES, matrix
from scripts.db import DATABASE, SEEDS
from scripts.evidence_tables import ARTICLE_EVIDENCE_SQL, BY_TABLE, EVIDENCE_TABLES
from scripts.fragments import cell, columns_holding
from scripts.highlight import KINDS, Evidence, anchor, regions, seed_html
from scripts.serve import STATIC_MOUNT, error_response

METADATA_FIELDS = ("title", "publisher", "author", "published")


def article_url(datasette, article_id: str, fragment: str = "") -> str:
    url = datasette.urls.path(f"/-/article/{tilde_encode(article_id)}")
    return f"{url}#{fragment}" if fragment else url


def corroboration_url(datasette) -> str:
    return datasette.urls.path("/-/corroboration")


def row_url(datasette, table: str, *pk_values) -> str:
    return datasette.urls.row(DATABASE, table, ",".join(tilde_encode(str(v)) for v in pk_values))


async def not_found(datasette, request, message: str) -> Response:
    """Datasette's own error page, rendered here: raising NotFound from a route would make Datasette
    print a full traceback on the console for every mistyped URL."""
    return await error_response(datasette, request, 404, message)


def with_database(view):
    """A route over the dataset's database: a 404 page, not an error, when it is not served.
    (Datasette passes route views the arguments their parameters name: here datasette, request.)"""
    async def route(datasette, request):
        if DATABASE not in datasette.databases:
            return await not_found(datasette, request, f"Database {DATABASE!r} is not served")
        return await view(datasette, request, datasette.get_database(DATABASE))
    return route


def _cell(row, column: str):
    """A column's plain value in a row handed to render_cell, or None when the row lacks it (?_nocol=).
    Datasette hands expanded foreign keys over as {'value', 'label'}."""
    value = row[column] if column in row.keys() else None
    return value["value"] if isinstance(value, dict) else value


# --- the article page -------------------------------------------------------------------------

def metadata_spans(datasette, article: dict) -> list[Evidence]:
    url = row_url(datasette, "articles", article["article_id"])
    return [Evidence("metadata", name, article[f"{name}_start"], article[f"{name}_end"], f"{name}: {article[name] or ''}", url)
            for name in METADATA_FIELDS if article.get(f"{name}_start") is not None]


def footer(datasette) -> dict:
    """What Datasette's footer shows on its own pages (the licence, the source, its version): a
    plugin's page gets none of it unless given, and its footer said only "Powered by Datasette"."""
    from datasette.version import __version__

    return {"metadata": datasette.metadata(), "datasette_version": __version__}


@with_database
async def article_page(datasette, request, db):
    article_id = tilde_decode(request.url_vars["article_id"])
    found = (await db.execute("select * from articles where article_id = ?", [article_id])).rows
    if not found:
        return await not_found(datasette, request, f"No article {article_id!r}")
    article = dict(found[0])
    seed = (await db.execute(f"select text from {SEEDS} where article_id = ?", [article_id])).first()
    text = seed["text"] if seed else ""
    spans = [Evidence(r["kind"], r["id"], r["start"], r["end"], r["label"], row_url(datasette, r["tbl"], *json.loads(r["pk"])))
             for r in (await db.execute(ARTICLE_EVIDENCE_SQL, {"article_id": article_id})).rows]
    spans += metadata_spans(datasette, article)
    credits = (await db.execute("select c.actor_id, a.name from credits c join actors a on a.actor_id = c.actor_id "
                                "where c.article_id = ? order by a.name", [article_id])).rows
    counts = {k: sum(1 for s in spans if s.kind == k) for k in KINDS}
    filtered = f"?article_id={tilde_encode(article_id)}"
    tables = {e.kind: datasette.urls.table(DATABASE, e.table) + filtered for e in EVIDENCE_TABLES}
    context = {
        "database": DATABASE,
        "article": article,
        "article_url": row_url(datasette, "articles", article_id),
        "credits": [{"name": c["name"], "url": row_url(datasette, "actors", c["actor_id"])} for c in credits],
        "seed_html": seed_html(regions(text, spans, article["body_start"], article["body_end"])),
        "has_seed": seed is not None,
        "legend": [{"kind": k, "count": counts[k], "table_url": tables.get(k)} for k in KINDS],
        "corroboration_url": corroboration_url(datasette),
        "texts_licence": datasette.table_metadata(DATABASE, SEEDS).get("license"),
        **footer(datasette),
    }
    return Response.html(await datasette.render_template("article.html", context, request=request))


# --- the corroboration matrix -----------------------------------------------------------------

@with_database
async def corroboration_page(datasette, request, db):
    propositions = (await db.execute("select * from propositions")).rows
    articles = (await db.execute("select article_id, title, publisher from articles order by article_id")).rows
    claims = (await db.execute(
        "select claim_id, article_id, proposition_id, stance, statement from claims where proposition_id is not null")).rows
    rows = matrix([dict(p) for p in propositions], [a["article_id"] for a in articles], [dict(c) for c in claims])
    n_claims = (await db.execute("select count(*) from claims")).rows[0][0]
    context = {
        "database": DATABASE,
        "rows": rows,
        "articles": [{**dict(a), "url": article_url(datasette, a["article_id"])} for a in articles],
        "states": STATES,
        # A chip opens the claim where it is said, highlighted in its article (its row is one click on).
        "claim_url": lambda article_id, claim_id: article_url(datasette, article_id, anchor("claim", claim_id)),
        "proposition_url": lambda proposition_id: row_url(datasette, "propositions", proposition_id),
        "single_source": sum(1 for r in rows if r.single_source),
        # Claims linked to no proposition are in no row: the page says how many, and where they are.
        "n_claims": n_claims,
        "n_unlinked": n_claims - len(claims),
        "single_source_url": datasette.urls.query(DATABASE, "single_source_claims"),
        **footer(datasette),
    }
    return Response.html(await datasette.render_template("corroboration.html", context, request=request))


async def no_json(datasette, request):
    """/-/corroboration.json and /-/article/<id>.json: these pages are HTML only; the 404 says where
    their data is. (Without this route Datasette took the first for a database named "-" and said
    "Database not found"; the article route looked for an article "004.json".)"""
    if request.url_vars.get("article_id") is None:
        where = (f"{datasette.urls.table(DATABASE, 'propositions')}.json and {datasette.urls.table(DATABASE, 'claims')}.json "
                 "(each claim's proposition_id and stance)")
    else:
        article_id = tilde_decode(request.url_vars["article_id"])
        where = (f"{row_url(datasette, 'articles', article_id)}.json and the evidence tables filtered to it, "
                 f"e.g. {datasette.urls.table(DATABASE, 'claims')}.json?article_id={quote(article_id)}")
    return await not_found(datasette, request, f"This page has no JSON version; its data is in {where}")


# --- hooks ------------------------------------------------------------------------------------

@hookimpl
def register_routes(datasette):
    return [
        # Before the article route, which would read "004.json" as an article id.
        (r"^/-/(corroboration|article/(?P<article_id>[^/]+))\.json$", no_json),
        (r"^/-/article/(?P<article_id>[^/]+)$", article_page),
        (r"^/-/corroboration$", corroboration_page),
    ]


READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@hookimpl
def asgi_wrapper(datasette):
    """The site only reads: refuse every other method with 405 before Datasette sees it (its
    0.65 canned-query view answers a POST to a read-only query with a 500)."""
    def wrap(app):
        async def read_only(scope, receive, send):
            if scope["type"] == "http" and scope["method"] not in READ_ONLY_METHODS:
                await Response.text("This dataset is read-only.", status=405, headers={"Allow": "GET, HEAD"}).asgi_send(send)
                return
            await app(scope, receive, send)
        return read_only
    return wrap


def date_in_words(value):
    """An EDTF interval as a reader says it ('2026-02-05/..' is "on or after 2026-02-05"); any
    other value as it is. The EDTF stays in the tables, where its _min/_max columns explain it."""
    if not value or "/" not in value:
        return value
    lower, upper = value.split("/", 1)
    unbounded = ("", "..")  # EDTF: ".." an open end, nothing an unknown one; either way no bound
    if lower in unbounded and upper in unbounded:
        return value  # no bound to say
    if upper in unbounded:
        return f"on or after {lower}"
    if lower in unbounded:
        return f"on or before {upper}"
    return f"{lower} to {upper}"


@hookimpl
def prepare_jinja2_environment(env, datasette):
    env.filters["date_in_words"] = date_in_words


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.path(f"/{STATIC_MOUNT[0]}/browse.css")]


# From the models: the columns whose SQLite values are not what the CSV writes (booleans as 0/1,
# numbers as floats), each foreign key's target and label column, and, for a query's results,
# which table an id column names a row of (each table's one-column key, then the keys pointing
# at actors by another name: speaker_id).
_BOOLEANS = columns_holding(bool)
_AS_PUBLISHED = {table: set(columns) for table, columns in columns_holding(bool, float).items()}
_LABELS = {model.TABLE.name: model.TABLE.label_column for model in TABLES}
_KEYS = {(model.TABLE.name, fk.fields[0]): (fk.table, fk.reference[0], _LABELS.get(fk.table))
         for model in TABLES for fk in model.TABLE.foreign_keys if len(fk.fields) == 1}
_ROW_OF = {model.TABLE.primary_key[0]: model.TABLE.name for model in TABLES if len(model.TABLE.primary_key) == 1}
_ROW_OF.update({column: key[0] for (_, column), key in _KEYS.items() if column not in _ROW_OF})


def _row_link(datasette, table: str, key, text=None) -> Markup:
    return Markup('<a href="{}">{}</a>').format(row_url(datasette, table, key), key if text is None else text)


def _key_link(datasette, database: str, key: tuple, target):
    """The row a foreign key points at, linked and named as Datasette writes an expanded key on a
    table page (`<a>label</a>&nbsp;<em>id</em>`), or by its id when it has no label."""
    other, other_column, label_column = key

    async def link():
        label = None
        if label_column:
            rows = (await datasette.get_database(database).execute(
                f"select [{label_column}] from [{other}] where [{other_column}] = ?", [target])).rows
            label = rows[0][0] if rows else None
        if label in (None, "") or label == target:
            return _row_link(datasette, other, target)
        return _row_link(datasette, other, target, label) + Markup("&nbsp;<em>{}</em>").format(target)
    return link()


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Show cells as the published files say them, and link them: a key whose row has no label
    by its id (not "None"), a key Datasette did not expand (row pages) and a query's id columns
    to their rows, booleans and numbers as the CSV writes them, the articles table to the article
    pages, and every quote to its place in its article."""
    if database != DATABASE or value in (None, "") or row is None:
        return None
    if isinstance(value, dict):  # a key Datasette expanded: its label is shown, unless there is none
        if value.get("label") in (None, "") and (table, column) in _KEYS:
            return _row_link(datasette, _KEYS[table, column][0], value["value"])
        return None
    if table is None and column in _ROW_OF and isinstance(value, str):
        return _row_link(datasette, _ROW_OF[column], value)
    if (table, column) in _KEYS:
        return _key_link(datasette, database, _KEYS[table, column], value)
    if column in _AS_PUBLISHED.get(table, ()) and isinstance(value, (int, float)):
        return cell(bool(value) if column in _BOOLEANS.get(table, ()) else float(value))
    article_id = _cell(row, "article_id")
    if article_id is None:
        return None
    if table == "articles" and column == "seed_file":
        return Markup('<a href="{}" title="Read the article with its evidence highlighted">{}</a> (read with evidence)').format(
            article_url(datasette, article_id), value)
    evidence = BY_TABLE.get(table)
    span_id = _cell(row, evidence.id_column) if evidence and column == evidence.quote_column else None
    if span_id is None:
        return None
    return Markup('<a href="{}" title="See it in the article">{}</a>').format(
        article_url(datasette, article_id, anchor(evidence.kind, span_id)), value)


@hookimpl
def extra_template_vars(template, datasette, request, view_name):
    if view_name != "index" or DATABASE not in datasette.databases:
        return {}

    async def browse_links():
        rows = (await datasette.get_database(DATABASE).execute(
            "select a.article_id, a.title, a.publisher, a.published, a.published_basis, "
            "(select count(*) from claims c where c.article_id = a.article_id) as n_claims "
            "from articles a order by a.article_id")).rows
        queries = await datasette.get_canned_queries(DATABASE, request.actor if request else None)
        return {
            "browse": {
                "articles": [{**dict(r), "url": article_url(datasette, r["article_id"])} for r in rows],
                "corroboration_url": corroboration_url(datasette),
                "queries": [{"title": q.get("title") or name, "description": q.get("description", ""),
                             "url": datasette.urls.query(DATABASE, name)} for name, q in queries.items()],
            }
        }

    return browse_links
