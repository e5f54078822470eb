"""CONTRIBUTING.md's steps, followed literally through the CLI with a fixture article."""
from __future__ import annotations

import json
import re
import shutil

from scripts.layout import ROOT

from .conftest import FIXTURES, cli

ARTICLE = FIXTURES / "contributor" / "article.txt"
FILLED = FIXTURES / "contributor" / "filled.yaml"


def test_contributing_lists_the_steps_this_test_follows():
    steps = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for command in ("make new SEED=", "make validate", "make format", "make build", "make test"):
        assert command in steps


def _next_id(layout) -> str:
    """The id `make new` should give: one past the highest in use, seeds and records alike (so
    the test still passes once contributors have added articles to the real project)."""
    used = [int(p.name[:3]) for p in [*layout.records.glob("*.yaml"), *layout.seeds.glob("*.txt")]]
    return f"{max(used) + 1:03d}"


def test_add_an_article_end_to_end(real_copy):
    root = str(real_copy.root)
    new = _next_id(real_copy)
    # Step 2: scaffold.
    res = cli("new", "--root", root, str(ARTICLE))
    assert res.exit_code == 0, res.output
    assert f"archived seeds/{new}_2f8af846c53244f6.txt" in res.output
    record = real_copy.records / f"{new}.yaml"
    scaffolded = record.read_text(encoding="utf-8")
    filled = FILLED.read_text(encoding="utf-8").replace("005", new)
    # What the scaffold computed is what the filled record keeps.
    for line in (f"article_id: '{new}'", f"  file: {new}_2f8af846c53244f6.txt",
                 "  sha256: 2f8af846c53244f6334ebfe5645fecedec3b630c73ddb6bd454adfefe101e997"):
        assert line in scaffolded and line in filled

    # Step 3: fill it in, with two mistakes a newcomer makes.
    record.write_text(filled.replace("speaker: experts", "speaker: analysts")
                      .replace("quote: The line works,", "quote: '\"The line works\" a spokesperson said'"), encoding="utf-8")
    # Step 4: validate: every problem, located.
    res = cli("validate", "--root", root, "--no-github")
    assert res.exit_code == 1
    out = res.output
    assert re.search(rf"dataset/records/{new}\.yaml:\d+: claims\[3\]\.speaker: unknown actor 'analysts' \[unknown-actor\]", out)
    assert re.search(rf"dataset/records/{new}\.yaml:\d+: claims\[2\]\.quote: quote not found in the body \[quote-not-found\]", out)
    assert "closest passage" in out and "left double quote “" in out

    # Fix, validate again, format, build.
    record.write_text(filled, encoding="utf-8")
    res = cli("validate", "--root", root)
    assert res.exit_code == 0, res.output
    assert cli("format", "--root", root).exit_code == 0
    assert cli("format", "--root", root, "--check").exit_code == 0
    res = cli("build", "--root", root)
    assert res.exit_code == 0, res.output

    # The new article is in the package, the tables and the JSON.
    claims = (real_copy.tables / "claims.csv").read_text(encoding="utf-8")
    assert f"{new}-c02,{new},Officials said the first test call lasted 20 minutes." in claims
    figures = (real_copy.tables / "figures.csv").read_text(encoding="utf-8")
    assert f"{new}-f01,{new},{new}-c02,length of the first test call,20," in figures
    docs = json.loads(real_copy.records_json.read_text(encoding="utf-8"))
    (doc,) = [d for d in docs if d["article_id"] == new]
    assert doc["publisher"] == "Example Gazette" and len(doc["claims"]) == 4
    package = json.loads(real_copy.datapackage.read_text(encoding="utf-8"))
    assert any(f"seeds/{new}_2f8af846c53244f6.txt" == s["path"] for s in package["sources"])
    res = cli("build", "--root", root, "--check")
    assert res.exit_code == 0, res.output
