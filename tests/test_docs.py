"""The documentation says what the code does: codes, commands and targets are all documented."""
from __future__ import annotations

import re

from scripts.cli import main
from scripts.codes import CODES
from scripts.docs import END, START, sync
from scripts.layout import ROOT

from .conftest import FIXTURES, cli, make_project

CONTRIBUTING = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def test_every_error_code_is_documented_with_an_example():
    section = CONTRIBUTING.split(START, 1)[1].split(END, 1)[0]
    for code in CODES:
        block = section.split(f"### `{code}`", 1)
        assert len(block) == 2, f"{code} is not documented in CONTRIBUTING.md"
        example = block[1].split("### ", 1)[0]
        assert f"[{code}]" in example, f"{code} has no example message"


def test_error_code_section_is_current():
    assert sync(check=True), "CONTRIBUTING.md's error codes are stale: run `make docs`"


def test_every_command_has_a_make_target_and_help():
    targets = set(re.findall(r"^([a-z-]+):.*## ", MAKEFILE, re.M))
    for name, command in main.commands.items():
        assert command.help and "Example:" in command.help, f"{name} needs a docstring with an Example"
        assert f"-m scripts {name}" in MAKEFILE, f"no Makefile target runs `{name}`"
    for target in ("serve", "test", "validate", "build", "format", "new", "db", "bench", "docs", "check"):
        assert target in targets


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one():
    assert "make serve" in README and "make test" in README
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.M)


def test_format_check_fails_on_crlf_line_endings_and_format_fixes_them(tmp_path):
    layout = make_project(tmp_path / "p", records=[FIXTURES / "valid" / "900.yaml"], seeds=sorted((FIXTURES / "seeds").glob("*.txt")))
    record = layout.records / "900.yaml"
    lf = record.read_bytes()
    record.write_bytes(lf.replace(b"\n", b"\r\n"))
    res = cli("format", "--root", str(layout.root), "--check")
    assert res.exit_code == 1 and "has CR (Windows) line endings" in res.output
    assert cli("format", "--root", str(layout.root)).exit_code == 0
    assert record.read_bytes() == lf
    assert cli("format", "--root", str(layout.root), "--check").exit_code == 0


def test_format_check_shows_a_diff(tmp_path):
    layout = make_project(tmp_path / "p", records=[FIXTURES / "valid" / "900.yaml"], seeds=sorted((FIXTURES / "seeds").glob("*.txt")))
    record = layout.records / "900.yaml"
    record.write_text(record.read_text().replace("kind: report", "kind:   'report'"))
    res = cli("format", "--root", str(layout.root), "--check")
    assert res.exit_code == 1
    assert "dataset/records/900.yaml: not in canonical form; run `make format` [not-canonical]" in res.output
    assert "-    kind:   'report'" in res.output and "+    kind: report" in res.output
    assert cli("format", "--root", str(layout.root)).exit_code == 0
    assert "kind: report" in record.read_text()
    assert cli("format", "--root", str(layout.root), "--check").exit_code == 0
