"""Browsing the dataset in Datasette, through Datasette's own test client: every table, facet, canned
query, article page and the corroboration matrix, and hostile text shown as text."""
from __future__ import annotations

import copy
import re
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schema.tables import TABLES
from schema.vocab import Stance
from scripts.canned_queries import QUERIES
from scripts.corroboration import MIXED, SILENT, matrix
from scripts.db import DATABASE, build_db
from scripts.evidence_tables import EVIDENCE_TABLES
from scripts.highlight import Evidence, anchor, regions

from .conftest import cli
from .datasette_helpers import (HOSTILE_ACTOR, HOSTILE_CLAIM, HOSTILE_NOTES, HOSTILE_PROPOSITION, SCRIPT, TEMPLATE, Site, build_site,
                                escaped, hostile_project, text_of)


@pytest.fixture(scope="module")
def site(layout, tmp_path_factory):
    """The committed package, served as `make serve` serves it."""
    site = Site(build_db(layout, tmp_path_factory.mktemp("site")).files)
    yield site
    site.close()


def _articles(tables):
    return {a["article_id"]: a for a in tables["articles"]}


# --- tables, facets, labels, search --------------------------------------------------------------

@pytest.mark.parametrize("model", TABLES, ids=lambda m: m.TABLE.name)
def test_every_table_page_shows_its_rows(site, tables, model):
    spec = model.TABLE
    page = site.get(f"/{DATABASE}/{spec.name}").text
    assert escaped(spec.title) in page and escaped(spec.description) in page
    assert f"{len(tables[spec.name]):,} row" in page
    first = tables[spec.name][0]
    assert escaped(first[spec.primary_key[-1]]) in page


def test_claims_page_shows_statements_and_speaker_names(site, tables):
    page = site.get(f"/{DATABASE}/claims").text
    assert escaped(tables["claims"][0]["statement"]) in page
    assert "U.S. European Command" in page  # speaker_id rendered as the actor's name (label_column)


@pytest.mark.parametrize("model", [m for m in TABLES if m.TABLE.facets], ids=lambda m: m.TABLE.name)
def test_default_facets_are_shown_with_their_values(site, tables, model):
    spec = model.TABLE
    facets = site.get(f"/{DATABASE}/{spec.name}.json").json()["facet_results"]
    assert list(facets) == list(spec.facets)
    for column in spec.facets:
        counts = {r["value"]: r["count"] for r in facets[column]["results"]}
        expected = {}
        for row in tables[spec.name]:
            if row[column]:
                expected[row[column]] = expected.get(row[column], 0) + 1
        assert {k: v for k, v in counts.items() if k is not None} == expected, column
    page = site.get(f"/{DATABASE}/{spec.name}").text
    for column in spec.facets:
        assert f'data-column="{column}"' in page


def test_facet_on_a_foreign_key_shows_names(site):
    facet = site.get(f"/{DATABASE}/claims.json").json()["facet_results"]["speaker_id"]
    assert "U.S. European Command" in {r["label"] for r in facet["results"]}
    page = site.get(f"/{DATABASE}/claims?speaker_id=us-european-command").text
    assert "U.S. European Command" in page


def _facet_classes():
    from datasette.plugins import pm
    return [cls for classes in pm.hook.register_facet_classes() for cls in classes]


def _search_facet(site, word: str, extra: str = ""):
    """The claims page's column facet for a search, as Datasette makes it for that page."""
    from datasette.utils.asgi import Request
    (cls,) = [c for c in _facet_classes() if c.type == "column"]
    request = Request.fake(f"/{DATABASE}/claims?_search={word}{extra}")
    return cls(site.datasette, request, DATABASE, table="claims", params={"search": word},
               sql="select * from claims where rowid in (select rowid from claims_fts where claims_fts match escape_fts(:search))",
               metadata=site.datasette.table_metadata(DATABASE, "claims"))


def test_column_facets_are_replaced_not_doubled():
    assert [c.type for c in _facet_classes()].count("column") == 1
    assert {"column", "date", "array"} <= {c.type for c in _facet_classes()}


@pytest.mark.parametrize("word, extra", [("prisoner", "&_facet=kind"), ("talks", "&_facet=hedged&_facet=kind"),
                                         ("Russia", "&kind=quote&_facet_size=3"), ("nothingmatchesthis", "")])
def test_search_facets_counted_together_are_datasettes_own(site, word, extra):
    """One shared query gives, entry for entry, what Datasette's ColumnFacet gives one query per
    column: values, counts, order, truncation, foreign-key labels and toggle links."""
    from datasette.facets import ColumnFacet
    facet = _search_facet(site, word, extra)
    assert len(facet.get_configs()) >= 4 and facet.searching()
    shared = site._loop.run_until_complete(facet.facet_results())
    own, timed_out = site._loop.run_until_complete(ColumnFacet.facet_results(facet))
    assert shared == (type(facet).with_labels(copy.deepcopy(own)), timed_out)  # Datasette's, with article 000 labelled "000", not None
    if word == "prisoner":
        assert any(r["label"] != r["value"] for f in shared[0] if f["name"] == "speaker_id" for r in f["results"])


def test_a_requested_facet_that_is_a_default_is_counted_once(site):
    facets = site.get(f"/{DATABASE}/claims.json?_search=prisoner&_facet=kind&_facet=hedged").json()["facet_results"]
    assert list(facets) == ["article_id", "kind", "speaker_id", "proposition_id", "hedged"]


def _normalised(page: str) -> str:
    return re.sub(r">\s+<", "><", page).strip()


@pytest.mark.parametrize("path", ["/dataset/claims", "/dataset/claims?_search=prisoner&_facet=kind", "/dataset/articles",
                                  "/dataset/figures?_sort_desc=value_min", "/dataset/mentions?actor_id=russia", "/dataset/claims?_search=zzzz"])
def test_table_pages_are_datasettes_own_with_the_rows_written_in_python(site, layout, tmp_path_factory, path):
    """templates/_table.html with `table_rows` writes what Datasette's own _table.html writes."""
    own = Site(build_db(layout, tmp_path_factory.mktemp("own")).files, templates=None)
    try:
        ours, theirs = site.get(path).text, own.get(path).text
    finally:
        own.close()
    assert "<tbody>" in ours or "0 records" in ours
    # Datasette's own page differs only in white space and in what our other templates add
    # around the table (the stylesheet link comes from the plugin, so both have it).
    table = lambda page: _normalised(page[page.find('<div class="table-wrapper">'):page.find("</table>")])  # noqa: E731
    assert table(ours) == table(theirs)


def test_full_text_search_finds_a_claim(site, tables):
    claim = next(c for c in tables["claims"] if "prisoner" in c["statement"].lower())
    other = next(c for c in tables["claims"] if "prison" not in (c["statement"] + c["quote"]).lower())
    page = site.get(f"/{DATABASE}/claims?_search=prisoner").text
    assert f'/{DATABASE}/claims/{claim["claim_id"]}"' in page
    assert f'/{DATABASE}/claims/{other["claim_id"]}"' not in page


def test_markup_in_a_search_is_harmless(site):
    page = site.get(f"/{DATABASE}/claims?_search=%3Cscript%3E%22").text
    assert "<script>\"" not in page


def _search_count(site, table: str, search: str, extra: str = "") -> int:
    return site.get(f"/{DATABASE}/{table}.json?_size=0&_search={quote(search)}{extra}").json()["filtered_table_rows_count"]


def _claims_with_word(tables, word: str) -> set[str]:
    """Claims whose statement or quote holds the word, split as FTS5 splits text (on anything but a
    letter or digit). Stemming changes neither word tested here: in these claims no other word has
    the stem of "russia" or "ukraine" ("Russian" and "Ukrainian" have their own)."""
    return {c["claim_id"] for c in tables["claims"]
            if word in re.findall(r"[^\W_]+", f'{c["statement"]} {c["quote"]}'.lower())}


def test_plain_search_matches_all_words_and_raw_search_takes_operators(site, tables):
    russia, ukraine = _claims_with_word(tables, "russia"), _claims_with_word(tables, "ukraine")
    assert russia - ukraine and ukraine - russia and russia & ukraine
    # Plain: every word must be there; "-" and OR are read as words (no claim holds "or" with both).
    both = len(russia & ukraine)
    assert _search_count(site, "claims", "russia ukraine") == _search_count(site, "claims", "russia -ukraine") == both
    assert _search_count(site, "claims", "russia OR ukraine") == len(russia & ukraine & _claims_with_word(tables, "or"))
    # Raw: FTS5's operators.
    raw = "&_searchmode=raw"
    assert _search_count(site, "claims", "russia OR ukraine", raw) == len(russia | ukraine)
    assert _search_count(site, "claims", "russia NOT ukraine", raw) == len(russia - ukraine)


def test_the_search_box_offers_the_operators(site):
    page = site.get(f"/{DATABASE}/claims?_search=russia").text
    assert 'href="/dataset/claims?_search=russia&amp;_searchmode=raw">Turn on search operators</a>' in page
    page = site.get(f"/{DATABASE}/claims?_search=russia&_searchmode=raw").text
    assert 'href="/dataset/claims?_search=russia">Turn them off</a>' in page
    assert '<input type="hidden" name="_searchmode" value="raw">' in page  # the next search keeps the mode
    assert "search-help" not in site.get(f"/{DATABASE}/actors").text  # a table with no search says nothing


@pytest.mark.parametrize("table", ["claims", "articles", "seeds"])
@pytest.mark.parametrize("search", ["", " ", '"', '""', "-", "_", '" "'])
@pytest.mark.parametrize("mode", ["", "&_searchmode=raw"])
def test_a_search_with_no_word_shows_every_row_and_logs_nothing(site, tables, capfd, table, search, mode):
    capfd.readouterr()
    rows = len(tables["articles"]) if table == "seeds" else len(tables[table])  # one seed per article
    assert _search_count(site, table, search, mode) == rows
    site.get(f"/{DATABASE}/{table}?_search={quote(search)}{mode}")
    out, err = capfd.readouterr()
    assert out + err == ""


@pytest.mark.parametrize("table", ["claims", "seeds"])
@pytest.mark.parametrize("search", ["%00russia", "russia%00", "prisoner%01exchange%1f"])
@pytest.mark.parametrize("mode", ["", "&_searchmode=raw"])
def test_a_control_character_in_a_search_is_a_space(site, capfd, table, search, mode):
    """NUL ended FTS5's reading of a plain search: 400 "unterminated string", the SQL on the console."""
    capfd.readouterr()
    plain = search.replace("%00", " ").replace("%01", " ").replace("%1f", " ")
    got = site.get(f"/{DATABASE}/{table}.json?_size=0&_search={search}{mode}").json()["filtered_table_rows_count"]
    assert got == _search_count(site, table, plain, mode) > 0
    out, err = capfd.readouterr()
    assert "ERROR" not in out + err


@pytest.mark.parametrize("table", ["figures", "skips", "actors", "mentions"])
@pytest.mark.parametrize("key", ["_search", "_search_quote"])
def test_a_search_on_a_table_with_no_search_index_says_where_to_search(site, tables, table, key):
    """Datasette ignored it and showed every row, as if every row matched."""
    page = site.get(f"/{DATABASE}/{table}?{key}=soldiers", status=400).text
    assert f"The {table} table has no full-text search" in page and "/seeds?_search=" in page
    assert site.get(f"/{DATABASE}/{table}.json?{key}=", status=200)  # no word: no search, as elsewhere
    # An empty first value is dropped before Datasette sees it: the second is the search then.
    assert "no full-text search" in site.get(f"/{DATABASE}/{table}?{key}=&{key}=soldiers", status=400).text
    if table == "figures":  # what the README says to do instead
        rows = site.get(f"/{DATABASE}/figures.json?quote__contains=soldiers&_shape=array").json()
        assert rows and {r["figure_id"] for r in rows} == {f["figure_id"] for f in tables["figures"] if "soldiers" in f["quote"]}


@pytest.mark.parametrize("path", ["/dataset/claims_fts.json?_search=russia", "/dataset/seeds_fts.json?_search=russia",
                                  "/dataset/single_source_claims.json?_search=russia",
                                  "/dataset/claims.json?_search=russia", "/dataset/nonexistent.json?_search=russia"])
def test_a_search_where_datasette_can_search_or_answers_itself_is_not_refused(site, path):
    """A full-text table is its own index; a canned query or an unknown name is Datasette's to answer."""
    response = site.get(path, status=404 if "nonexistent" in path else 200)
    assert "no full-text search" not in response.text
    if "_fts" in path:
        assert 0 < len(response.json()["rows"]) < site.get(path.split("?")[0]).json()["filtered_table_rows_count"] + 1


def test_claims_with_no_speaker_are_said_to_be_outside_the_speaker_facet_and_can_be_listed(site, tables):
    own_voice = sorted(c["claim_id"] for c in tables["claims"] if not c["speaker_id"])
    unlinked = sorted(c["claim_id"] for c in tables["claims"] if not c["proposition_id"])
    listed = site.get(f"/{DATABASE}/claims.json?speaker_id__isnull=1&_size=max&_shape=array&_col=claim_id").json()
    assert [r["claim_id"] for r in listed] == own_voice
    listed = site.get(f"/{DATABASE}/claims.json?proposition_id__isnull=1&_size=max&_shape=array&_col=claim_id").json()
    assert [r["claim_id"] for r in listed] == unlinked
    facets = site.get(f"/{DATABASE}/claims.json").json()["facet_results"]
    assert sum(r["count"] for r in facets["speaker_id"]["results"]) <= len(tables["claims"]) - len(own_voice)
    page = site.get(f"/{DATABASE}/claims").text
    assert "not counted in the speaker facet: filter them with ?speaker_id__isnull=1." in page
    assert "not counted in its facet: filter them with ?proposition_id__isnull=1." in page


# --- the licence: the dataset's, but for the article texts ----------------------------------------

@pytest.fixture(scope="module")
def dataset_licence(layout):
    import json
    return json.loads(layout.datapackage.read_text(encoding="utf-8"))["licenses"][0]


@pytest.mark.parametrize("path", [f"/{DATABASE}/seeds", f"/{DATABASE}/seeds/002", f"/{DATABASE}/seeds_fts"])
def test_the_article_texts_are_not_under_the_dataset_licence(site, dataset_licence, path):
    page = site.get(path).text
    assert dataset_licence["path"] not in page and dataset_licence["name"] not in page.replace("dataset&#39;s licence", "")
    assert "Data license:" in page and "Third-party text, not covered by the dataset&#39;s licence and not relicensed" in page
    data = site.get(f"{path}.json?_size=0").json()
    assert data["license"] == "Third-party text, not covered by the dataset's licence and not relicensed"
    assert "license_url" not in data and dataset_licence["path"] not in str(data)


def test_the_tables_are_under_the_dataset_licence(site, dataset_licence):
    assert f'<a href="{dataset_licence["path"]}">{dataset_licence["name"]}</a>' in site.get(f"/{DATABASE}/claims").text
    data = site.get(f"/{DATABASE}/claims.json?_size=0").json()
    assert (data["license"], data["license_url"]) == (dataset_licence["name"], dataset_licence["path"])


def test_a_query_page_says_the_quotes_and_texts_are_third_party(site):
    """A query's results can hold article text (seeds.text, any quote column); the site-wide
    licence shown beside them comes with a source line that says so."""
    page = site.get(f"/{DATABASE}?sql=select+quote+from+claims+limit+1").text
    assert "Data source:" in page and "their texts and the quotes from them: third-party, not relicensed" in page


# --- links between the pages ---------------------------------------------------------------------

def test_index_links_articles_matrix_and_queries(site, tables):
    page = site.get("/").text
    for article in tables["articles"]:
        assert f'href="/-/article/{article["article_id"]}"' in page
    assert 'href="/-/corroboration"' in page
    for name, query in QUERIES.items():
        assert f'href="/{DATABASE}/{name}"' in page and escaped(query["title"]) in page


def test_index_says_how_each_date_is_known(site, tables):
    page = site.get("/").text
    shown = dict(re.findall(r'<li><a href="/-/article/(\w+)">.*?<span class="browse-meta">([^<]*)</span>', page, re.S))
    assert shown.keys() == _articles(tables).keys()
    for article_id, article in _articles(tables).items():
        date, basis = article["published"], article["published_basis"]
        if date and "/" in date:
            continue  # an interval is said in words (below)
        said = f" · {date} ({basis}) · " if date and basis != "stated" else f" · {date or 'no date'} · "
        assert said in shown[article_id], (article_id, shown[article_id])
    assert any(a["published"] and a["published_basis"] == "inferred" for a in tables["articles"])  # the case tested
    # 002 prints "Thursday, February 05" with no year: the text bounds the year only from below.
    assert _articles(tables)["002"]["published"] == "2026-02-05/.."
    assert " · on or after 2026-02-05 (inferred) · " in shown["002"]


@pytest.mark.parametrize("value, words", [
    ("2026-02-05/..", "on or after 2026-02-05"), ("../2021", "on or before 2021"),
    ("2004-06-01/", "on or after 2004-06-01"), ("/2006", "on or before 2006"), ("../..", "../.."), ("2021~", "2021~"),
    ("2026-01/2026-02", "2026-01 to 2026-02"), ("2026-02-05", "2026-02-05"), ("", ""), (None, None)])
def test_a_date_interval_is_said_in_words_on_the_pages(value, words):
    from plugins.evidence_pages import date_in_words

    assert date_in_words(value) == words


@pytest.mark.parametrize("table, column", [("claims", "hedged"), ("figures", "approximate")])
def test_a_boolean_column_says_how_to_filter_it_and_the_filter_it_gives_works(site, tables, table, column):
    """Pages show true/false and SQLite holds 1/0: ?hedged=true matched no row, with no word why."""
    page = site.get(f"/{DATABASE}/{table}").text
    assert escaped(f"so filter with ?{column}=1 or ?{column}=0") in page
    for value, written in (("1", "true"), ("0", "false")):
        got = site.get(f"/{DATABASE}/{table}.json?{column}={value}&_size=max&_shape=objects").json()
        assert got["filtered_table_rows_count"] == sum(r[column] == written for r in tables[table]) > 0


def test_articles_table_and_quotes_link_to_article_pages(site, tables):
    page = site.get(f"/{DATABASE}/articles").text
    for article in tables["articles"]:
        assert f'href="/-/article/{article["article_id"]}"' in page
    claim = tables["claims"][0]
    page = site.get(f"/{DATABASE}/claims/{claim['claim_id']}").text
    assert f'href="/-/article/{claim["article_id"]}#claim-{claim["claim_id"]}"' in page


@pytest.mark.parametrize("evidence", EVIDENCE_TABLES, ids=lambda e: e.table)
def test_every_evidence_table_links_its_quotes_and_nothing_else(site, tables, evidence):
    """Each evidence table's page links its quote column to the quote's place in its article, and
    no other column to a place in an article."""
    page = site.get(f"/{DATABASE}/{evidence.table}?_size=max").text
    rows = [r for r in tables[evidence.table] if r[evidence.quote_column]]
    for row in rows:
        assert f'href="/-/article/{row["article_id"]}#{anchor(evidence.kind, row[evidence.id_column])}"' in page
    assert page.count('title="See it in the article"') == len(rows)


# --- canned queries ------------------------------------------------------------------------------

def _query(site, name, **params):
    args = "&".join(f"{k}={v}" for k, v in params.items())
    return site.get(f"/{DATABASE}/{name}.json?_shape=array&{args}").json()


@pytest.mark.parametrize("name", QUERIES)
def test_every_canned_query_page_answers(site, name):
    page = site.get(f"/{DATABASE}/{name}?speaker=us-european-command").text
    assert escaped(QUERIES[name]["title"]) in page


@pytest.mark.parametrize("name, claim_column, speaker_column", [
    ("single_source_claims", "claim_id", "speaker"), ("contradictions_and_qualifications", "claim_id", "speaker"),
    ("figures_with_claims", "claim_id", "claim_speaker")])
def test_canned_queries_name_every_speaker_of_a_claim(site, tables, name, claim_column, speaker_column):
    """A joint claim ("both sides") names all its speakers, in claim_speakers' order, not its first."""
    names = {a["actor_id"]: a["name"] for a in tables["actors"]}
    speakers: dict[str, list[str]] = {}
    for row in sorted(tables["claim_speakers"], key=lambda r: int(r["position"])):
        speakers.setdefault(row["claim_id"], []).append(names[row["actor_id"]])
    rows = [r for r in _query(site, name) if r[claim_column]]
    assert rows
    for row in rows:
        assert row[speaker_column] == " and ".join(speakers.get(row[claim_column], [])), row
    if name == "single_source_claims":
        assert any(len(speakers.get(r[claim_column], [])) > 1 for r in rows)  # the case tested (004-c34)


def test_propositions_by_support_lists_the_supporting_articles(site, tables):
    rows = _query(site, "propositions_by_support")
    assert [r["proposition_id"] for r in rows] == [p["proposition_id"] for p in sorted(
        tables["propositions"], key=lambda p: (-int(p["n_articles"]), -int(p["n_articles_contradicting"]), p["proposition_id"]))]
    titles = {a: t["title"] or "(no title)" for a, t in _articles(tables).items()}
    by_id = {p["proposition_id"]: p for p in tables["propositions"]}
    for row in rows:
        supporting = [a for a in by_id[row["proposition_id"]]["articles"].split(";") if a]
        assert (row["supporting_articles"] or "") == " | ".join(f"{a}: {titles[a]}" for a in supporting)


def test_single_source_claims(site, tables):
    n_articles = {p["proposition_id"]: int(p["n_articles"]) for p in tables["propositions"]}
    expected = sorted(c["claim_id"] for c in tables["claims"]
                      if not c["proposition_id"] or c["stance"] != "supports" or n_articles[c["proposition_id"]] <= 1)
    assert [r["claim_id"] for r in _query(site, "single_source_claims")] == expected
    # 001 c06 ("coincided") narrows a proposition four articles support: what it says is its own.
    assert "001-c06" in expected and n_articles["agreement-followed-ukraine-talks"] >= 2


def test_figures_with_claims(site, tables):
    statements = {c["claim_id"]: c["statement"] for c in tables["claims"]}
    rows = _query(site, "figures_with_claims")
    assert [r["figure_id"] for r in rows] == [f["figure_id"] for f in tables["figures"]]
    for row in rows:
        assert row["claim"] == statements.get(row["claim_id"])


def test_said_by_speaker(site, tables):
    claims = sorted(c["claim_id"] for c in tables["claims"] if c["speaker_id"] == "us-european-command")
    figures = sorted(f["figure_id"] for f in tables["figures"] if f["actor_id"] == "us-european-command")
    assert claims
    by_id = [r["id"] for r in _query(site, "said_by_speaker", speaker="us-european-command")]
    assert by_id == sorted(claims + figures)
    assert [r["id"] for r in _query(site, "said_by_speaker", speaker="u.s.+european+command")] == by_id
    assert _query(site, "said_by_speaker", speaker="nobody") == []
    # any alias finds the speaker, in any case; a part of an alias does not
    zelensky = [r["id"] for r in _query(site, "said_by_speaker", speaker="volodymyr-zelensky")]
    assert zelensky and [r["id"] for r in _query(site, "said_by_speaker", speaker="zelenskyy")] == zelensky
    assert [r["id"] for r in _query(site, "said_by_speaker", speaker="Zelensky")] == zelensky
    assert _query(site, "said_by_speaker", speaker="Zelen") == []


def test_said_by_speaker_finds_a_claim_said_jointly_for_each_speaker(site, tables):
    joint = [r for r in tables["claim_speakers"] if r["position"] != "1"]
    assert joint  # the case tested: 004 c24, "both sides confirmed", is Russia's and Ukraine's
    for row in joint:
        assert row["claim_id"] in [r["id"] for r in _query(site, "said_by_speaker", speaker=row["actor_id"])], row
    first = {c["claim_id"]: c["speaker_id"] for c in tables["claims"]}
    assert ("004-c24", "russia", "ukraine") in {(r["claim_id"], first[r["claim_id"]], r["actor_id"]) for r in joint}


@pytest.mark.parametrize("speaker, actor_id", [("Experts", "experts"), ("EXPERTS", "experts"),
                                               ("US-EUROPEAN-COMMAND", "us-european-command"),
                                               ("u.s. EUROPEAN command", "us-european-command"),  # the name
                                               ("us european COMMAND", "us-european-command")])  # an alias
def test_said_by_speaker_matches_ids_names_and_aliases_in_any_case(site, tables, speaker, actor_id):
    expected = sorted([c["claim_id"] for c in tables["claims"] if c["speaker_id"] == actor_id]
                      + [f["figure_id"] for f in tables["figures"] if f["actor_id"] == actor_id])
    assert expected
    assert [r["id"] for r in _query(site, "said_by_speaker", speaker=quote(speaker))] == expected


def test_contradictions_and_qualifications(site, tables):
    wanted = {Stance.contradicts.value, Stance.qualifies.value}
    expected = {c["claim_id"] for c in tables["claims"] if c["stance"] in wanted}
    assert {r["claim_id"] for r in _query(site, "contradictions_and_qualifications")} == expected


# --- the article pages ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def article_pages(site, tables):
    return {a: site.get(f"/-/article/{a}").text for a in _articles(tables)}


def test_article_page_shows_the_seed_text_exactly_once(article_pages, tables, seed_texts):
    for article_id, page in article_pages.items():
        seed = seed_texts[Path(_articles(tables)[article_id]["seed_file"]).name]
        assert text_of(page, "seed-text") == seed, f"article {article_id}: text lost or repeated"


def test_article_page_shows_metadata_and_sets_furniture_apart(article_pages, tables):
    for article_id, page in article_pages.items():
        article = _articles(tables)[article_id]
        assert escaped(article["title"] or "(no title printed)") in page
        date = article["published"]
        shown = "on or after " + date.removesuffix("/..") if date and date.endswith("/..") else date or "(no date)"
        assert f"<dt>Published</dt><dd>{escaped(shown)} " in page and f"({article['published_basis']})" in page
        for name in ("title", "publisher", "author", "published"):
            assert escaped(article[f"{name}_note"]) in page, (article_id, name)  # why a value is empty, how it was read
        if int(article["body_start"]) > 0:
            assert 'class="region region-before furniture"' in page
            assert f"Page furniture before the article body (characters 0–{article['body_start']})" in page
    credited = [c for c in tables["credits"]]
    for credit in credited:
        assert f'href="/{DATABASE}/actors/{credit["actor_id"]}"' in article_pages[credit["article_id"]]


@pytest.mark.parametrize("table, kind, id_column", [
    ("claims", "claim", "claim_id"), ("figures", "figure", "figure_id"), ("skips", "skip", "skip_id"),
    ("mentions", "mention", "mention_id"),
])
def test_every_evidence_span_is_highlighted_and_linked(article_pages, tables, table, kind, id_column):
    for row in tables[table]:
        page = article_pages[row["article_id"]]
        assert f'id="{kind}-{row[id_column]}"' in page, row[id_column]
        # Each span's words carry its colour somewhere, and something on the page links to its row.
        assert f'href="/{DATABASE}/{table}/{row[id_column]}"' in page, row[id_column]
        assert f"ev-{kind}" in page


def test_a_claim_highlight_links_to_its_claim(article_pages):
    page = article_pages["004"]
    link = re.search(r'<a class="ev ev-claim" href="([^"]+)" title="claim: 004-c01 ', page)
    assert link and link.group(1) == f"/{DATABASE}/claims/004-c01"


def test_a_joint_claims_highlight_names_every_speaker(article_pages, tables):
    joint = [r for r in tables["claim_speakers"] if r["position"] != "1"]
    assert joint  # the case tested
    names = {a["actor_id"]: a["name"] for a in tables["actors"]}
    claims = {c["claim_id"]: c for c in tables["claims"]}
    for row in joint:
        claim = claims[row["claim_id"]]
        title = re.search(rf'title="claim: {re.escape(claim["claim_id"])} \(([^)]*)\)', article_pages[claim["article_id"]])
        assert title and f" and {escaped(names[row['actor_id']])}" in title.group(1), (row, title and title.group(1))


def test_unknown_article_is_a_404(site):
    assert "No article" in site.get("/-/article/999", status=404).text
    page = site.get("/-/article/~3Cscript~3Ealert(1)", status=404).text  # Datasette's tilde-encoding of %3C
    assert "No article &#39;&lt;script&gt;alert(1)&#39;" in page and "<script>alert" not in page


def test_quote_cells_without_their_article_column_are_plain_text(site, tables):
    # Without article_id in the row there is nowhere to link to; the page must still render.
    for columns in ("_nocol=article_id", "_col=quote"):
        page = site.get(f"/{DATABASE}/claims?{columns}").text
        assert escaped(tables["claims"][0]["quote"]) in page and "/-/article/" not in page


# --- the corroboration matrix --------------------------------------------------------------------

def test_matrix_shows_every_proposition_by_support(site, tables):
    page = site.get("/-/corroboration").text
    order = [m.group(1) for m in re.finditer(rf'<th scope="row"><a href="/{DATABASE}/propositions/([^"]+)"', page)]
    props = {p["proposition_id"]: p for p in tables["propositions"]}
    assert sorted(order) == sorted(props)
    counts = [int(props[p]["n_articles"]) for p in order]
    assert counts == sorted(counts, reverse=True)
    for claim in tables["claims"]:
        if claim["proposition_id"]:  # each chip opens the claim in its article
            assert f'href="/-/article/{claim["article_id"]}#claim-{claim["claim_id"]}"' in page
    for proposition in props:  # a proposition's row can be linked to
        assert f'<tr id="{proposition}"' in page
    for article in tables["articles"]:
        assert f'href="/-/article/{article["article_id"]}"' in page
    assert "state-silent" in page and "state-supports" in page
    # the claims in no row are counted, and the query that lists them is linked
    unlinked = sum(1 for c in tables["claims"] if not c["proposition_id"])
    assert f"{unlinked} of {len(tables['claims'])} claims are linked to no proposition" in page
    assert f'href="/{DATABASE}/single_source_claims"' in page


def test_matrix_cells():
    counts = {"n_articles_contradicting": 0, "n_articles_qualifying": 0}
    props = [{"proposition_id": "p", "statement": "P", "n_articles": 1, **counts, "n_articles_contradicting": 1},
             {"proposition_id": "q", "statement": "Q", "n_articles": 2, **counts}]
    claims = [{"claim_id": "001-c01", "article_id": "001", "proposition_id": "p", "stance": "supports", "statement": "s"},
              {"claim_id": "002-c01", "article_id": "002", "proposition_id": "p", "stance": "contradicts", "statement": "s"},
              {"claim_id": "002-c02", "article_id": "002", "proposition_id": "p", "stance": "supports", "statement": "s"}]
    rows = matrix(props, ["001", "002", "003"], claims)
    assert [r.proposition_id for r in rows] == ["q", "p"]
    p = rows[1]
    assert [c.state for c in p.cells] == ["supports", MIXED, SILENT]
    assert [c.claim_id for c in p.cells[1].claims] == ["002-c01", "002-c02"]
    assert p.single_source and not rows[0].single_source


# --- overlapping spans ---------------------------------------------------------------------------

def _span(kind, start, end, i=0):
    return Evidence(kind, f"{kind}{i}", start, end, "label", f"/{kind}{i}")


def test_nested_and_crossing_spans_split_into_segments():
    text = "The United States and Russia agreed."
    claim, mention, crossing = _span("claim", 0, 36), _span("mention", 4, 17), _span("figure", 10, 30)
    (body,) = regions(text, [claim, mention, crossing], 0, len(text))
    assert [s.text for s in body.segments] == ["The ", "United", " States", " and Russia a", "greed."]
    assert [s.link.id for s in body.segments] == ["claim0", "mention0", "mention0", "figure0", "claim0"]
    assert body.segments[2].kinds == ["claim", "figure", "mention"]
    assert [(o.evidence.id, o.tag) for o in body.segments[0].opening] == [("claim0", "claim0")]
    assert [(o.evidence.id, o.tag) for o in body.segments[1].opening] == [("mention0", "")]


def test_a_span_hidden_by_another_gets_a_visible_tag():
    text = "the two countries agreed"
    first, second = _span("mention", 0, 17, 1), _span("mention", 0, 17, 2)
    (body,) = regions(text, [first, second], 0, len(text))
    assert body.segments[0].link == second
    assert [(o.evidence, o.tag) for o in body.segments[0].opening] == [(first, "+ label"), (second, "")]  # another actor of the words


def test_furniture_regions_are_cut_at_the_body():
    before, body, after = regions("HEAD body TAIL", [_span("claim", 5, 9)], 5, 9)
    assert (before.part, before.furniture, body.part, after.part) == ("before", True, "body", "after")
    assert "".join(s.text for s in before.segments) == "HEAD "
    assert [s.text for s in after.segments] == [" TAIL"]


@given(st.text(min_size=0, max_size=60),
       st.lists(st.tuples(st.sampled_from(["claim", "figure", "skip", "mention"]), st.integers(-5, 70), st.integers(0, 40)),
                max_size=12),
       st.integers(0, 70), st.integers(0, 70))
def test_segments_always_give_the_text_back(text, raw, body_start, body_end):
    spans = [_span(kind, start, start + length, i) for i, (kind, start, length) in enumerate(raw)]
    parts = regions(text, spans, body_start, body_end)
    assert "".join(s.text for r in parts for s in r.segments) == text
    for region in parts:
        for segment in region.segments:
            end = segment.start + len(segment.text)
            assert segment.text and all(e.start <= segment.start and end <= e.end for e in segment.covering)
            inside = [e for e in spans if e.start <= segment.start and end <= e.end and e.end <= len(text) and e.start >= 0]
            assert len(segment.covering) == len(inside)
            ordered = sorted(sorted(inside, key=lambda e: (e.start, e._precedence(), e.id)), key=Evidence._precedence)
            assert list(segment.covering) == ordered  # innermost last: the one the segment links to
            starting = sorted((e for e in spans if e.start == segment.start and 0 <= e.start <= e.end <= len(text)),
                              key=lambda e: (e.start, e._precedence(), e.id))
            assert [o.evidence for o in segment.opening] == starting


# The loop templates/article.html used before scripts/highlight.py wrote the seed text in Python
# (with data-ev, added since): the reference seed_html must match, byte for byte.
JINJA_SEED_TEXT = """<div class="seed-text">
{%- for region in regions -%}
<div class="region region-{{ region.part }}{% if region.furniture %} furniture{% endif %}" data-label="
  {%- if region.furniture %}Page furniture {{ region.part }} the article body (characters {{ region.start }}–{{ region.end }}), not extracted
  {%- else %}Article body (characters {{ region.start }}–{{ region.end }}){% endif %}">
{%- for seg in region.segments -%}
{%- for op in seg.opening -%}
{%- if op.tag -%}<a class="tag tag-{{ op.evidence.kind }}" id="{{ op.evidence.anchor }}" href="{{ op.evidence.url }}" data-tag="{{ op.tag }}" title="{{ op.evidence.kind }}: {{ op.evidence.label }}"></a>
{%- else -%}<span id="{{ op.evidence.anchor }}"></span>{%- endif -%}
{%- endfor -%}
{%- if seg.link -%}<a class="ev{% for k in seg.kinds %} ev-{{ k }}{% endfor %}{% if seg.shared_by_claims %} ev-shared{% endif %}" href="{{ seg.link.url }}" title="{{ seg.title }}" data-ev="{{ seg.covering|map(attribute='anchor')|join(' ') }}">{{ seg.text }}</a>
{%- else -%}{{ seg.text }}{%- endif -%}
{%- endfor -%}
</div>
{%- endfor -%}
</div>"""

HOSTILE_BITS = ["<script>alert(1)</script>", 'say "hi" & \'bye\'', "{{ 7*7 }}", "a\nb", "plain"]


def _both_renderings(site, text, spans, body_start, body_end):
    from markupsafe import Markup

    from scripts.highlight import seed_html

    parts = regions(text, spans, body_start, body_end)
    template = site.datasette.jinja_env.from_string(JINJA_SEED_TEXT)  # Datasette's own environment
    reference = site._loop.run_until_complete(template.render_async(regions=parts))
    return Markup('<div class="seed-text">') + seed_html(parts) + Markup("</div>"), reference


@given(st.text(min_size=0, max_size=60),
       st.lists(st.tuples(st.sampled_from(["claim", "figure", "skip", "mention", "metadata", "credit"]), st.integers(-5, 70),
                          st.integers(0, 40), st.sampled_from(HOSTILE_BITS), st.sampled_from(HOSTILE_BITS)), max_size=12),
       st.integers(0, 70), st.integers(0, 70))
def test_the_seed_text_is_written_as_the_template_loop_wrote_it(site, text, raw, body_start, body_end):
    spans = [Evidence(kind, f"{kind}{i}{ident}", start, start + length, label, f"/{kind}{i}?{label}")
             for i, (kind, start, length, label, ident) in enumerate(raw)]
    ours, reference = _both_renderings(site, text, spans, body_start, body_end)
    assert ours == reference


def test_hostile_text_and_labels_in_the_seed_text_are_escaped_as_the_template_escaped_them(site):
    text = "Head <b>bold</b> & {{ x }} \"quoted\" tail"
    spans = [Evidence("claim", "c<1>", 5, 20, SCRIPT, '/x?a="1"&b=<2>'), Evidence("mention", "m&", 8, 9, '"q"', "/m"),
             Evidence("claim", "c2", 10, 25, "second claim", "/c2"), Evidence("skip", "s1", 25, 25, "empty", "/s1")]
    ours, reference = _both_renderings(site, text, spans, 5, 30)
    assert ours == reference and "<script>" not in ours and "<b>" not in ours
    assert "ev-shared" in ours and 'id="skip-s1"' in ours  # two claims share words; an empty span keeps its anchor


# --- read-only -----------------------------------------------------------------------------------

def test_the_site_is_read_only(site):
    assert site.datasette.databases[DATABASE].is_mutable is False
    for path in (f"/{DATABASE}/said_by_speaker", f"/{DATABASE}/claims", "/-/article/004"):
        assert site.post(path, {"speaker": "x"}).status_code == 405, path


def test_styles_are_served(site):
    assert ".ev-claim" in site.get("/assets/browse.css").text
    assert 'href="/assets/browse.css"' in site.get("/").text


# --- hostile text --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    layout = hostile_project(tmp_path_factory.mktemp("hostile") / "project")
    site = Site(build_site(layout))
    yield site
    site.close()


def _shows_as_text(page: str, text: str) -> None:
    assert escaped(text) in page
    assert SCRIPT not in page
    assert "window.__pwned=1</script>" not in page
    assert "<img src=x" not in page


def test_hostile_text_is_shown_as_text_everywhere(hostile_site):
    article = hostile_site.get("/-/article/900").text
    _shows_as_text(article, HOSTILE_CLAIM)  # in the claim's hover title
    _shows_as_text(article, HOSTILE_NOTES)  # as text at the top of the page
    assert escaped(HOSTILE_ACTOR) in article  # the speaker of claim 900-c02, in its hover title
    claims = hostile_site.get(f"/{DATABASE}/claims").text
    _shows_as_text(claims, HOSTILE_CLAIM)
    assert escaped(HOSTILE_ACTOR) in claims  # the speaker column's label
    matrix_page = hostile_site.get("/-/corroboration").text
    _shows_as_text(matrix_page, HOSTILE_PROPOSITION)
    row = hostile_site.get(f"/{DATABASE}/claims/900-c01").text
    _shows_as_text(row, HOSTILE_CLAIM)
    for page in (article, claims, matrix_page, row):
        assert TEMPLATE in page.replace("&#34;", '"') or escaped(TEMPLATE) in page
        assert "restart 49 military" not in page and "restore 49 military" not in page


def test_serve_refuses_to_serve_a_package_that_does_not_build(fixture_project):
    record = fixture_project.records / "900.yaml"
    record.write_text(record.read_text().replace("kind: report", "kind: rumour", 1))
    result = cli("serve", "--root", str(fixture_project.root), "--port", "0")
    assert result.exit_code == 1
    assert "dataset/records/900.yaml:" in result.output and "[invalid-value]" in result.output
    assert "nothing is served" in result.output and "Serving" not in result.output
    assert not (fixture_project.build_dir / f"{DATABASE}.db").exists()


# --- queries from strangers -----------------------------------------------------------------------

SLOW_SQL = ("with recursive n(i) as (select 1 union all select i + 1 from n where i < 100000000) "
            "select count(*) from n")


def test_a_slow_query_is_cut_off_by_the_time_limit(site):
    started = time.perf_counter()
    response = site.get(f"/{DATABASE}.json?sql={quote(SLOW_SQL)}", status=400)
    elapsed = time.perf_counter() - started
    assert "SQL query took too long" in response.text or "interrupted" in response.text
    assert elapsed < 5, f"the 1 s limit did not stop the query ({elapsed:.1f}s)"


@pytest.mark.parametrize("sql", ["delete from claims", "update claims set statement = 'x'", "drop table claims",
                                 "insert into claims (claim_id) values ('x')", "attach database '/tmp/x.db' as x",
                                 "pragma writable_schema = 1"])
def test_writing_sql_is_refused(site, tables, sql):
    response = site.get(f"/{DATABASE}.json?sql={quote(sql)}", status=400)
    assert "Statement must be a SELECT" in response.text or "not allowed" in response.text.lower() or "readonly" in response.text.lower()
    count = site.get(f"/{DATABASE}/claims.json?_size=0&_shape=objects").json()["filtered_table_rows_count"]
    assert count == len(tables["claims"])


# --- the console: a visitor's mistake is one line, not a traceback --------------------------------

@pytest.mark.parametrize("path, status, says", [
    ("/dataset/nonexistent", 404, "Table not found"),
    ("/dataset?sql=delete+from+claims", 400, "Statement must be a SELECT"),
    ("/-/article/999", 404, "999"),
    # Parameters Datasette 0.65 answered with a 500 (most with a traceback): each a 400 saying what is wrong.
    ("/dataset/claims?_sort=nonexistent", 400, "Cannot sort table by nonexistent"),
    ("/dataset/claims.json?_sort_desc=bogus", 400, "Cannot sort table by bogus"),
    ("/dataset/claims.csv?_sort=bogus", 400, "Cannot sort table by bogus"),
    ("/dataset/claims?_sort=claim_id&_sort_desc=kind", 400, "Cannot use _sort and _sort_desc at the same time"),
    ("/dataset/claims?_through=nope", 400, "_through must be a JSON object"),
    ("/dataset/claims?_through=%7B%7D", 400, "_through must be a JSON object"),
    ('/dataset/claims?_through={"table":"nope","column":"x","value":"y"}', 400, "Invalid _through"),
    ("/dataset/claims?_timelimit=abc", 400, "_timelimit must be a whole number of milliseconds"),
    ("/dataset/said_by_speaker?speaker=experts&_timelimit=abc", 400, "_timelimit must be a whole number"),
    ("/dataset.json?sql=select+1&_timelimit=abc", 400, "_timelimit must be a whole number"),
    ("/dataset/claims?claim_id__in=[bad", 400, "claim_id__in takes a JSON list"),
    # A raw search FTS5 cannot read: no SQL on the console.
    ("/dataset/claims?_search=russia+-ukraine&_searchmode=raw", 400, "is not FTS5 syntax (no such column: ukraine)"),
    ("/dataset/articles.json?_search=russia+AND+NOT&_searchmode=raw", 400, "is not FTS5 syntax (fts5: syntax error"),
    # An over-long search, and the matrix asked for as JSON.
    ("/dataset/claims?_search=" + "a" * 1001, 400, "A search may be at most 1,000 characters long (this one has 1,001)"),
    ("/-/corroboration.json", 404, "This page has no JSON version; its data is in /dataset/propositions.json"),
    # SQL that fails: Datasette printed the SQL too (ERROR: conn=...), or, for the SQL page, only that.
    ("/dataset?sql=select+nonexistent", 400, "no such column: nonexistent"),
    ("/dataset/claims?_facet=nonexistent", 400, "nonexistent"),
    ("/dataset/claims?_where=foo", 400, "no such column: foo"),
])
def test_a_client_error_is_one_console_line_and_datasettes_own_page(site, capfd, path, status, says):
    capfd.readouterr()
    page = site.get(path, status=status).text
    assert says in page  # the page is Datasette's (or the article route's) error page, as before
    out, err = capfd.readouterr()  # rich printed its traceback to stdout, the rest goes to stderr
    lines = [line for line in (out + err).splitlines() if line.strip()]
    assert "Traceback" not in out + err and "╭" not in out + err, (out + err)[:2000]
    assert len(lines) == 1 and lines[0].startswith(f"GET {path.split('?')[0]} -> {status}: "), lines


def test_only_client_errors_are_shortened():
    from datasette.utils.asgi import NotFound
    from datasette.views.base import DatasetteError

    from plugins.client_errors import client_error

    assert client_error(NotFound("Table not found")) == (404, "Table not found")
    assert client_error(DatasetteError("too slow", status=400)) == (400, "too slow")
    assert client_error(DatasetteError("broken", status=500)) is None
    assert client_error(RuntimeError("a bug")) is None  # a server error keeps its traceback
    assert client_error(DatasetteError("Cannot sort table by x")) == (400, "Cannot sort table by x")  # raised as a 500


@pytest.mark.parametrize("path", ["/dataset/claims.json?_sort=nonexistent", "/dataset/claims.json?_timelimit=abc",
                                  "/-/corroboration.json", "/dataset/claims.json?_search=" + "a" * 1001])
def test_a_client_error_asked_for_as_json_is_json(site, path):
    response = site.get(path, status=400 if "dataset" in path else 404)
    assert response.json()["ok"] is False and response.json()["error"]


def test_the_longest_search_is_answered(site, tables):
    """1,000 characters are allowed (500 times the word "a"); one more is refused, in a short response."""
    assert _search_count(site, "claims", "a " * 500) == len(_claims_with_word(tables, "a"))
    assert len(site.get(f"/{DATABASE}/claims?_search=" + "a" * 1001, status=400).headers.get("link", "")) < 100


def test_good_parameters_still_work(site, tables):
    claim = tables["claims"][0]["claim_id"]
    assert site.get(f'/{DATABASE}/claims.json?_timelimit=500&claim_id__in=["{claim}"]&_sort_desc=kind').json()["rows"]
    through = quote('{"table": "claims", "column": "claim_id", "value": "%s"}' % claim)
    assert site.get(f"/{DATABASE}/articles.json?_through={through}").json()["filtered_table_rows_count"] == 1


@pytest.mark.parametrize("path", ["/dataset/claims", "/dataset/skips", "/dataset/mentions", "/dataset/claims?_search=dialogue"])
def test_an_article_with_no_title_is_shown_by_its_id_not_as_none(site, path):
    """Article 000 prints no title, so it has no label: its cells and facet entries show "000",
    linked to its row, where Datasette would write "None 000" and "None"."""
    page = site.get(path).text
    assert not re.findall(r"None(&nbsp;| )000|>None<", page)
    assert f'href="/{DATABASE}/articles/000">000</a>' in page


def test_booleans_and_numbers_are_shown_as_the_csv_writes_them(site, tables):
    """SQLite holds `hedged` as 0/1 and a figure's value as a float (3.0); the pages show what the
    published CSV holds: false/true and 3."""
    figure = next(f for f in tables["figures"] if f["value"])
    page = site.get(f"/{DATABASE}/figures/{figure['figure_id']}").text
    assert re.search(rf'<td class="col-value[^"]*"[^>]*>{re.escape(figure["value"])}</td>', page), figure["value"]
    assert re.search(rf'<td class="col-approximate[^"]*"[^>]*>{figure["approximate"]}</td>', page)
    page = site.get(f"/{DATABASE}/claims").text
    shown = re.findall(r'<td class="col-hedged[^"]*"[^>]*>([^<]*)</td>', page)
    assert shown and set(shown) <= {"true", "false"}


def test_a_row_page_names_and_links_its_foreign_keys(site, tables):
    """A claim's row page shows its article, speaker and proposition as the table page does: the
    name, linked to its row, then the id (Datasette's row page wrote the bare id)."""
    claim = next(c for c in tables["claims"] if c["speaker_id"] and c["proposition_id"] and c["article_id"] != "000")
    page = site.get(f"/{DATABASE}/claims/{claim['claim_id']}").text
    article = next(a for a in tables["articles"] if a["article_id"] == claim["article_id"])
    actor = next(a for a in tables["actors"] if a["actor_id"] == claim["speaker_id"])
    proposition = next(p for p in tables["propositions"] if p["proposition_id"] == claim["proposition_id"])
    for table, key, label in (("articles", claim["article_id"], article["title"]), ("actors", claim["speaker_id"], actor["name"]),
                              ("propositions", claim["proposition_id"], proposition["statement"])):
        assert f'<a href="/{DATABASE}/{table}/{key}">{escaped(label)}</a>&nbsp;<em>{key}</em>' in page, table


def test_query_results_link_their_ids_to_rows(site, tables):
    """In a canned query's results, claim, article, proposition and figure ids link to their rows."""
    page = site.get(f"/{DATABASE}/figures_with_claims").text
    figure = tables["figures"][0]
    assert f'<a href="/{DATABASE}/figures/{figure["figure_id"]}">{figure["figure_id"]}</a>' in page
    assert f'<a href="/{DATABASE}/articles/{figure["article_id"]}">{figure["article_id"]}</a>' in page
    page = site.get(f"/{DATABASE}/contradictions_and_qualifications").text
    claim = next(c for c in tables["claims"] if c["stance"] == "qualifies")
    assert f'<a href="/{DATABASE}/claims/{claim["claim_id"]}">{claim["claim_id"]}</a>' in page
    assert f'<a href="/{DATABASE}/propositions/{claim["proposition_id"]}">{claim["proposition_id"]}</a>' in page


def test_a_client_errors_console_line_carries_no_html_and_no_sql(capsys):
    """Datasette words a query over the time limit in HTML, with the SQL in a textarea and a script
    after it; the console line was cut-off markup, then the SQL and the script."""
    from scripts.serve import log_client_error

    log_client_error("GET", "/dataset", 400, "<p>SQL query took too long. The time limit is controlled by the\n"
                                             "<a href=\"https://docs.datasette.io\">sql_time_limit_ms</a> setting &amp; more.</p>"
                                             "<textarea>select x &lt; 1</textarea><script>let ta = 1;</script>")
    assert capsys.readouterr().err == ("GET /dataset -> 400: SQL query took too long. The time limit is controlled by the "
                                       "sql_time_limit_ms setting & more.\n")


def test_a_slow_query_is_one_console_line_without_its_sql(site, capfd):
    capfd.readouterr()
    slow = ("with recursive c(x) as (select 1 union all select x + 1 from c where x < 100000000) "
            "select count(*) from c")
    site.get(f"/{DATABASE}?sql={quote(slow)}&_timelimit=20", status=400)
    out, err = capfd.readouterr()
    lines = [line for line in (out + err).splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("GET /dataset -> 400: SQL query took too long"), lines
    assert "recursive" not in lines[0] and "textarea" not in lines[0]


def test_a_missing_static_file_is_logged_as_not_found(site, capfd):
    capfd.readouterr()
    site.get("/-/static/nope.css", status=404)
    out, err = capfd.readouterr()
    assert [line for line in (out + err).splitlines() if line.strip()] == ["GET /-/static/nope.css -> 404: Not Found"]


def test_a_servers_own_sql_error_is_still_printed_with_its_sql(capsys):
    """Only a visitor's errors are kept to one line: "database is locked" is the server's."""
    import asyncio
    from unittest import mock

    from datasette.utils.sqlite import sqlite3

    import plugins.client_errors as client_errors

    for error, printed in ((sqlite3.OperationalError("database is locked"), True), (sqlite3.OperationalError("no such column: x"), False)):
        with mock.patch.object(client_errors, "_execute", mock.AsyncMock(side_effect=error)):
            with pytest.raises(sqlite3.OperationalError):
                asyncio.run(client_errors._execute_quietly(None, "select x"))
        assert ("ERROR: sql = 'select x'" in capsys.readouterr().err) is printed
