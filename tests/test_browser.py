"""A researcher's walk through `make serve` in a real browser (Debian's Chromium, driven by Playwright).

The server is the real command (`python -m scripts serve`) on a free port, over a scratch copy of the
project holding every real article plus the fixture article 900 with markup in its records. Each
page is saved to test-artifacts/screenshots/ for a person to look at.
"""
from __future__ import annotations

import csv
import queue
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from scripts.layout import ROOT

from .datasette_helpers import HOSTILE_ACTOR, HOSTILE_CLAIM, HOSTILE_NOTES, HOSTILE_PROPOSITION, hostile_project

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
READY = "Serving the dataset at "
START_TIMEOUT = 60

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Chromium not installed at {CHROMIUM}: apt-get install chromium"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return hostile_project(tmp_path_factory.mktemp("browse") / "project", real=True)


@pytest.fixture(scope="module")
def server(project):
    """`python -m scripts serve` on a free port; yields its URL once it says it is serving."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "scripts", "serve", "--root", str(project.root), "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    output = []
    try:
        while True:
            try:
                line = lines.get(timeout=START_TIMEOUT)
            except queue.Empty:
                pytest.fail(f"the server said nothing for {START_TIMEOUT}s:\n{''.join(output)}")
            output.append(line)
            if line.startswith(READY):
                url = line[len(READY):].split()[0]
                assert url == f"http://127.0.0.1:{port}/"
                break
            if proc.poll() is not None and lines.empty():
                pytest.fail(f"the server exited ({proc.returncode}):\n{''.join(output)}")
        yield url.rstrip("/")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    page.close()
    assert errors == [], f"JavaScript errors: {errors}"


def _shot(page, name: str, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def _rows(project, table: str) -> list[dict]:
    with (project.tables / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_index_search_and_facet(page, server):
    page.goto(server + "/")
    assert page.get_by_role("link", name="Corroboration matrix").is_visible()
    assert page.get_by_role("link", name="Article 004: US and Russia Restart Military Talks", exact=False).is_visible()
    _shot(page, "index")

    page.goto(server + "/dataset/claims")
    page.fill("#_search", "prisoner")
    page.press("#_search", "Enter")
    page.wait_for_url("**_search=prisoner**")
    statements = page.locator("td.col-statement").all_inner_texts()
    assert statements and all("prisoner" in s.lower() for s in statements)
    _shot(page, "search", full_page=True)

    page.goto(server + "/dataset/claims")
    page.locator('.facet-info[data-column="kind"] a', has_text="quote").first.click()
    page.wait_for_url("**kind=quote**")
    kinds = page.locator("td.col-kind").all_inner_texts()
    assert kinds and set(kinds) == {"quote"}
    assert page.locator("td.col-speaker_id", has_text="U.S. European Command").count() > 0  # labels, not ids
    _shot(page, "facet", full_page=True)


def test_article_page_highlights_evidence_and_links_it(page, server, project):
    page.goto(server + "/-/article/004")
    article = next(a for a in _rows(project, "articles") if a["article_id"] == "004")
    seed = (project.root / article["seed_file"]).read_text(encoding="utf-8")
    assert page.locator(".seed-text").evaluate("el => el.textContent") == seed  # nothing lost or repeated
    furniture = page.locator(".region.furniture").first
    assert furniture.is_visible()
    assert furniture.evaluate("el => getComputedStyle(el, '::before').content").startswith('"Page furniture')
    claim = page.locator('a.ev.ev-claim[href="/dataset/claims/004-c01"]').first
    assert claim.is_visible()
    assert claim.evaluate("el => getComputedStyle(el).backgroundColor") not in ("rgba(0, 0, 0, 0)", "transparent")
    colours = {kind: page.locator(f"a.ev.ev-{kind}").first.evaluate("el => getComputedStyle(el).backgroundColor")
               for kind in ("claim", "figure", "skip", "metadata")}
    assert len(set(colours.values())) == len(colours), colours
    _shot(page, "article")

    claim.click()
    page.wait_for_url("**/dataset/claims/004-c01")
    statement = next(c["statement"] for c in _rows(project, "claims") if c["claim_id"] == "004-c01")
    assert page.get_by_text(statement).first.is_visible()
    _shot(page, "claim-row")


def test_arriving_at_a_quote_marks_all_of_its_text(page, server, project):
    """A quote link (/-/article/004#claim-004-c25) marks every segment of that claim's span, so the
    marked text is exactly the claim's quote; moving to another anchor moves the mark."""
    claims = {c["claim_id"]: c for c in _rows(project, "claims") if c["article_id"] == "004"}
    marked = "() => Array.from(document.querySelectorAll('a.ev.ev-target')).map(el => el.textContent).join('')"
    page.goto(server + "/-/article/004#claim-004-c25")
    assert page.evaluate(marked) == claims["004-c25"]["quote"]
    assert page.locator("a.ev.ev-target").first.is_visible()
    _shot(page, "article-target")
    page.evaluate("() => { location.hash = 'claim-004-c01'; }")
    page.wait_for_function("() => document.querySelector('a.ev.ev-target') && "
                           "document.querySelector('a.ev.ev-target').dataset.ev.split(' ').includes('claim-004-c01')")
    assert page.evaluate(marked) == claims["004-c01"]["quote"]


def test_corroboration_matrix(page, server, project):
    page.goto(server + "/-/corroboration")
    rows = page.locator("table.matrix tbody tr")
    assert rows.count() == len(_rows(project, "propositions"))
    counts = [int(n.split()[0]) for n in page.locator("table.matrix td.n").all_inner_texts()]  # "1 single source"
    assert counts == sorted(counts, reverse=True)
    _shot(page, "matrix", full_page=True)
    link = page.locator("table.matrix td.cell a.claim").first
    claim_id = link.get_attribute("title").split()[0]
    assert claim_id.endswith("-" + link.inner_text())
    link.click()  # opens the claim in its article, its text marked
    article_id = claim_id.rsplit("-", 1)[0]
    page.wait_for_url(f"**/-/article/{article_id}#claim-{claim_id}")
    quote = next(c["quote"] for c in _rows(project, "claims") if c["claim_id"] == claim_id)
    page.wait_for_function("() => document.querySelector('a.ev.ev-target')")
    assert page.evaluate("() => Array.from(document.querySelectorAll('a.ev.ev-target')).map(el => el.textContent).join('')") == quote


@pytest.mark.parametrize("path, visible", [
    pytest.param("/-/article/900", HOSTILE_NOTES, id="article"),
    pytest.param("/dataset/claims/900-c01", HOSTILE_CLAIM, id="claim-row"),
    pytest.param("/dataset/claims?article_id=900", HOSTILE_ACTOR, id="claims"),
    pytest.param("/-/corroboration", HOSTILE_PROPOSITION, id="matrix"),
])
def test_markup_in_records_is_shown_as_text_and_runs_nothing(page, server, request, path, visible):
    page.goto(server + path)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.get_by_text(visible, exact=False).first.is_visible()  # shown as the very characters
    if path.startswith("/-/article/"):  # and the claim's statement sits in its highlight's hover title
        assert page.locator('a.ev.ev-claim[href="/dataset/claims/900-c01"]').first.get_attribute("title").endswith(HOSTILE_CLAIM)
    _shot(page, f"hostile-{request.node.callspec.id}")


@pytest.mark.parametrize("path", ["/-/article/000", "/-/article/004", "/-/corroboration", "/dataset/claims",
                                  "/dataset/claims/004-c01", "/dataset/single_source_claims"])
def test_on_a_phone_the_page_does_not_scroll_sideways_and_no_text_is_cut_off(browser, server, path):
    """At 390 px a sha256, the matrix and a canned query's SQL widened the whole page (to 779-1962
    px), and the 22em cells of a table's cards ran past their edge."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto(server + path)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390 + 1
        cut = page.evaluate("""() => Array.from(document.querySelectorAll('.rows-and-columns td')).filter(td => {
            const row = td.closest('tr').getBoundingClientRect(), cell = td.getBoundingClientRect();
            return cell.width > 0 && cell.right > row.right + 1; }).length""")
        assert cut == 0
        _shot(page, "phone-" + path.strip("/").replace("/", "-"), full_page=False)
    finally:
        page.close()


def test_arriving_at_a_claim_leaves_text_above_it(page, server):
    """The browser's jump to the anchor put the claim at the top edge, its outline cut off."""
    page.goto(server + "/-/article/004#claim-004-c39")
    top = page.evaluate("() => document.querySelector('a.ev.ev-target').getBoundingClientRect().top")
    assert top > 100, top


def test_the_article_text_is_said_to_be_third_party_and_the_footer_names_the_licences(page, server, project):
    page.goto(server + "/-/article/002")
    notice = page.locator("p.third-party").inner_text()
    assert notice.startswith("The article text below: third-party text,") and "not relicensed" in notice
    footer = page.locator("footer").inner_text()
    assert "CC-BY-4.0" in footer and "third-party, not relicensed" in footer
    page.goto(server + "/-/corroboration")
    assert "CC-BY-4.0" in page.locator("footer").inner_text()


def test_a_claim_under_a_figure_still_shows_its_colour(page, server, project):
    """A figure drawn over a claim hid the claim's yellow (004-c02 was all green)."""
    page.goto(server + "/-/article/004")
    both = page.locator("a.ev.ev-claim.ev-figure").first
    assert both.count() == 1
    assert "linear-gradient" in both.evaluate("el => getComputedStyle(el).backgroundImage")
    legend = page.locator(".legend").inner_text()
    assert "words two claims share" in legend and "a figure inside a claim" in legend
