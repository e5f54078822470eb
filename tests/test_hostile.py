"""Hostile and broken input: located errors with codes, never a traceback, nothing lost."""
from __future__ import annotations

import hashlib
import os
import shutil

import pytest

from scripts import build as build_module
from scripts.build import build, published_files
from scripts.validate import validate
from scripts.yamlio import YamlError, loads

from .conftest import FIXTURES, cli

VALID = FIXTURES / "valid" / "900.yaml"
SEED = FIXTURES / "seeds" / "900_6d49835614be8221.txt"


def _codes(layout):
    return [(p.code, p.file, p.field) for p in validate(layout).problems]


def _with_seed_bytes(layout, data: bytes, article_id="900") -> None:
    """Point the fixture record at a seed with these exact bytes (hash and name made to match) in
    place of its own (which no record would cite)."""
    digest = hashlib.sha256(data).hexdigest()
    name = f"{article_id}_{digest[:16]}.txt"
    (layout.seeds / SEED.name).unlink()
    (layout.seeds / name).write_bytes(data)
    record = layout.records / "900.yaml"
    text = record.read_text().replace("900_6d49835614be8221.txt", name).replace(
        "6d49835614be82217d876752cc4467d146c229f3cf2c840d8f423c911a532c42", digest)
    record.write_text(text)


# --- records and registries ---------------------------------------------------------------

@pytest.mark.parametrize("name", ["/etc/passwd", "../seeds/900_6d49835614be8221.txt", "..", "sub/900_6d49835614be8221.txt", "~root"])
def test_seed_reference_outside_seeds_is_refused(fixture_project, name):
    record = fixture_project.records / "900.yaml"
    record.write_text(record.read_text().replace("file: 900_6d49835614be8221.txt", f"file: '{name}'"))
    # A path is not a citation, but the seed it ends in is not called an orphan as well: the fix
    # is the record's (orphan-seed's hint would say to delete the seed).
    assert _codes(fixture_project) == [("seed-outside", "dataset/records/900.yaml", "seed.file")] + (
        [] if name.endswith(SEED.name) else [("orphan-seed", f"seeds/{SEED.name}", "")])


def test_seed_that_is_a_link_is_refused(fixture_project, tmp_path):
    outside = tmp_path / "elsewhere.txt"
    shutil.copy(SEED, outside)
    link = fixture_project.seeds / SEED.name
    link.unlink()
    link.symlink_to(outside)
    assert _codes(fixture_project) == [("seed-outside", "dataset/records/900.yaml", "seed.file")]


def test_seed_that_is_a_folder_is_refused(fixture_project):
    seed = fixture_project.seeds / SEED.name
    seed.unlink()
    seed.mkdir()
    assert _codes(fixture_project) == [("seed-outside", "dataset/records/900.yaml", "seed.file")]


def test_ids_cannot_collide_across_records(fixture_project):
    # Full ids carry their article's prefix (a borrowed prefix is id-prefix-mismatch, see its
    # fixture), so ids can only collide when two files claim one article: that is refused.
    other = fixture_project.records / "901.yaml"
    other.write_text(VALID.read_text())
    assert _codes(fixture_project) == [("duplicate-id", "dataset/records/901.yaml", "article_id")]
    shutil.copy(VALID, fixture_project.records / "0900.yaml")
    assert ("duplicate-id", "dataset/records/900.yaml", "article_id") in _codes(fixture_project)


@pytest.mark.parametrize("text, code, line", [
    ("actors:\n  - &a {id: x, name: X, kind: country, description: d}\n  - *a\n", "yaml-anchor", 2),
    ("actors: []\nactors: []\n", "yaml-duplicate-key", 2),
    ("actors:\n  - id: x\n    name: X\n    kind: country\n    description: d\n    colour: red\n", "unknown-field", 6),
    ("actors:\n  - id: x\n    name: X\n    kind: planet\n    description: d\n", "invalid-value", 4),
    ("actors:\n  - id: x\n    name: X\n    kind: country\n    description: d\n  - id: x\n    name: Y\n    kind: country\n    description: e\n", "duplicate-id", 6),
])
def test_broken_registry_is_located(fixture_project, text, code, line):
    fixture_project.actors.write_text(text)
    problems = [p for p in validate(fixture_project).problems if p.file == "dataset/actors.yaml"]
    assert [(p.code, p.file, p.line) for p in problems] == [(code, "dataset/actors.yaml", line)]


@pytest.mark.parametrize("payload", [b"\xef\xbb\xbf", b"\xff\xfe", b"\x00\x00", b"\t"])
def test_binary_and_control_bytes_in_a_record_never_raise(fixture_project, payload):
    record = fixture_project.records / "900.yaml"
    record.write_bytes(payload + record.read_bytes())
    problems = validate(fixture_project).problems
    assert problems and all(p.file == "dataset/records/900.yaml" for p in problems)


# --- seeds ----------------------------------------------------------------------------------

@pytest.mark.parametrize("mangle, code", [
    (lambda b: b"\xef\xbb\xbf" + b, "bom"),
    (lambda b: b.replace(b"Tuesday", b"Tu\xe9sday"), "not-utf8"),
    (lambda b: b.replace(b"\n", b"\r\n"), "crlf"),
    (lambda b: b + b"\n" * (1 << 20), "file-too-large"),
])
def test_broken_seed_is_reported_on_the_record(fixture_project, mangle, code):
    _with_seed_bytes(fixture_project, mangle(SEED.read_bytes()))
    problems = validate(fixture_project).problems
    assert [(p.code, p.file, p.field, p.line) for p in problems] == [(code, "dataset/records/900.yaml", "seed.file", 4)]


def test_changed_seed_is_never_silently_reanchored(fixture_project):
    seed = fixture_project.seeds / SEED.name
    seed.write_bytes(seed.read_bytes().replace(b"12 officers", b"13 officers"))
    assert _codes(fixture_project) == [("seed-hash-mismatch", "dataset/records/900.yaml", "seed.sha256")]


# --- spreadsheet formulas ---------------------------------------------------------------------

def test_formula_cell_can_be_declared_deliberate(fixture_project):
    record = fixture_project.records / "900.yaml"
    text = record.read_text().replace("    statement: The talks may resume in April.\n", "    statement: '-1 is how officials scored the talks.'\n")
    record.write_text(text)
    assert [c[0] for c in _codes(fixture_project)] == ["spreadsheet-formula"]
    record.write_text(text + "deliberate_formula_cells: ['claims[3].statement']\n")
    assert _codes(fixture_project) == []
    record.write_text(text.replace("'-1 is how", "'Minus one is how") + "deliberate_formula_cells: ['claims[3].statement']\n")
    assert _codes(fixture_project) == [("spreadsheet-formula", "dataset/records/900.yaml", "deliberate_formula_cells[0]")]


# --- builds never destroy ---------------------------------------------------------------------

def _published(layout):
    return {rel: (layout.root / rel).read_bytes() for rel in published_files(layout) if (layout.root / rel).exists()}


@pytest.fixture
def built(real_copy):
    assert not build(real_copy).problems
    return real_copy


def test_failed_validation_leaves_the_package_untouched(built):
    before = _published(built)
    record = built.records / "004.yaml"
    record.write_text(record.read_text().replace("kind: report", "kind: rumour", 1))
    res = cli("build", "--root", str(built.root))
    assert res.exit_code == 1 and "[invalid-value]" in res.output and "left as they were" in res.output
    assert _published(built) == before


@pytest.mark.parametrize("failure", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_failure_after_staging_leaves_the_package_untouched(built, failure):
    before = _published(built)
    record = built.records / "002.yaml"
    record.write_text(record.read_text().replace("This marks an important step", "This marks an important step", 1).replace(
        "statement: The US military announced the agreement.", "statement: The US military announced the agreement on record."))

    def fail(_staging):
        raise failure

    with pytest.raises(type(failure)):
        build(built, before_publish=fail)
    assert _published(built) == before
    assert not any(p.name.startswith("package-") for p in built.build_dir.iterdir())  # staging cleaned up


def _change_a_claim(layout) -> None:
    """A valid change, so that a build has new files to publish."""
    record = layout.records / "002.yaml"
    record.write_text(record.read_text().replace(
        "statement: The US military announced the agreement.", "statement: The US military announced the agreement on record."))


def _replace_failing_at(monkeypatch, call: int, failure: BaseException, *, after_rename: bool = False) -> None:
    """os.replace in the build raises `failure` at its `call`-th use (after renaming, if asked)."""
    real_replace, calls = os.replace, []

    def replace(src, dst):
        calls.append(dst)
        if len(calls) == call:
            if after_rename:
                real_replace(src, dst)
            raise failure
        return real_replace(src, dst)

    monkeypatch.setattr(build_module.os, "replace", replace)


def test_failure_in_the_middle_of_publishing_restores_every_file(built, monkeypatch):
    before = _published(built)
    _change_a_claim(built)
    _replace_failing_at(monkeypatch, 7, OSError(28, "No space left on device"))  # part-way through moving the new files in
    with pytest.raises(OSError):
        build(built)
    monkeypatch.undo()
    assert _published(built) == before
    assert build(built).problems == [] and _published(built) != before  # and a good build still lands


@pytest.mark.parametrize("after_rename", [False, True], ids=["before-a-rename", "after-a-rename"])
@pytest.mark.parametrize("call", [1, 2, 3, 16, 29, 30])  # the first move aside and in, one mid-way, the last
def test_an_interrupt_anywhere_in_publishing_leaves_the_previous_package(built, monkeypatch, call, after_rename):
    """Ctrl-C can land between a rename and the bookkeeping after it; the restore reads the
    files themselves, so no published file is lost or left from the new build."""
    before = _published(built)
    _change_a_claim(built)
    _replace_failing_at(monkeypatch, call, KeyboardInterrupt(), after_rename=after_rename)
    with pytest.raises(build_module.BuildInterrupted) as caught:
        build(built)
    monkeypatch.undo()
    assert caught.value.published is False
    assert _published(built) == before
    assert not any(p.name.startswith("package-") for p in built.build_dir.iterdir())


def test_an_interrupt_after_publishing_says_the_new_files_are_in_place(built, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(build_module, "_keep_fragments", interrupted)
    _change_a_claim(built)
    res = cli("build", "--root", str(built.root))
    assert res.exit_code == 130 and "build interrupted: the new files had all been published" in res.output
    assert "announced the agreement on record." in (built.tables / "claims.csv").read_text(encoding="utf-8")


def test_csvs_have_no_bom_and_are_utf8(built):
    for path in built.tables.glob("*.csv"):
        data = path.read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf")
        data.decode("utf-8")


def test_a_folder_named_as_a_record_is_located_with_its_own_hint(fixture_project):
    (fixture_project.records / "901.yaml").mkdir()
    problems = [p for p in validate(fixture_project).problems if p.file == "dataset/records/901.yaml"]
    assert [(p.code, p.message) for p in problems] == [("yaml-syntax", "cannot read: it is a folder, not a file")]
    assert "A folder has the name a file should have" in problems[0].hint
    res = cli("validate", "--root", str(fixture_project.root), str(fixture_project.records / "901.yaml"))
    assert res.exit_code == 1 and "Usage:" not in res.output and "it is a folder, not a file [yaml-syntax]" in res.output


def test_naming_the_records_folder_validates_every_record_in_it(fixture_project):
    record = fixture_project.records / "900.yaml"
    record.write_text(record.read_text().replace("value: '2026-03-03'", "value: '2026-02-30'"))
    res = cli("validate", "--root", str(fixture_project.root), str(fixture_project.records))
    assert res.exit_code == 1 and "folder, not a file" not in res.output
    assert "dataset/records/900.yaml" in res.output and "[invalid-edtf]" in res.output


@pytest.mark.parametrize("date", ["[2026-02-05..]", "{2021,2022}", "XXXX-02-05", "2004?-06-11", "156X-12-25",
                                  "1950S2", "1XXX", "XXXX", "1960/1XXX"])
def test_level_2_dates_are_refused_as_the_rules_say(fixture_project, date):
    """The edtf package reads every level; the contract allows levels 0-1 only."""
    record = fixture_project.records / "900.yaml"
    record.write_text(record.read_text().replace("value: '2026-03-03'", f"value: '{date}'"))
    problems = validate(fixture_project).problems
    assert [(p.code, p.field) for p in problems] == [("invalid-edtf", "published.value")], [p.format() for p in problems]
    assert "EDTF level 2" in problems[0].message and "only levels 0-1 are accepted" in problems[0].message


@pytest.mark.parametrize("date", ["2021-XX", "2026-02-05/..", "../2021", "2021~", "2026-02-05?", "2021-21", "2026-01/2026-02"])
def test_level_0_and_1_dates_are_accepted(fixture_project, date):
    record = fixture_project.records / "900.yaml"
    record.write_text(record.read_text().replace("value: '2026-03-03'", f"value: '{date}'\n  note: a test date"))
    assert not [p for p in validate(fixture_project).problems if p.code == "invalid-edtf"]


@pytest.mark.parametrize("date", ["0000", "2023-02-29", "2026-13-01", "2021-02-30~", "feb 5", "2026-02-05T25:00:00",
                                  "1984-1X"])
def test_impossible_dates_are_located_errors_not_crashes(fixture_project, date, capsys):
    record = fixture_project.records / "900.yaml"
    record.write_text(record.read_text().replace("value: '2026-03-03'", f"value: '{date}'"))
    problems = validate(fixture_project).problems
    assert [(p.code, p.file, p.field) for p in problems] == [("invalid-edtf", "dataset/records/900.yaml", "published.value")]
    assert problems[0].message.startswith(f"{date!r} is not an EDTF level 0-1 date")  # the value itself, not a placeholder
    assert build(fixture_project).problems  # and the build refuses rather than crashing
    assert capsys.readouterr().out == ""  # nothing printed around the located problem (edtf 5.0 prints on 1984-1X)


@pytest.mark.parametrize("text, line, says", [
    ("a: 1\n\tb: 2\n", 2, "indented with a tab (column 1)"),
    ("a:\n  - x\n  \t- y\n", 3, "indented with a tab (column 3)"),
    ("a: 1\nb: some\ttext\n", 2, "a tab at column 8, inside the line"),
])
def test_a_tab_is_named_where_it_is(text, line, says):
    with pytest.raises(YamlError) as caught:
        loads(text, "x.yaml")
    problem = caught.value.problem
    assert (problem.code, problem.line) == ("yaml-syntax", line), problem.format()
    assert any(says in d for d in problem.detail), problem.format()


def test_a_tab_inside_a_quoted_value_is_valid_and_not_blamed_for_the_next_line():
    assert loads("a: 'x\ty'\n", "x.yaml").data == {"a": "x\ty"}
    with pytest.raises(YamlError) as caught:
        loads("a: 'x\ty'\nb: c: d\n", "x.yaml")
    problem = caught.value.problem
    assert problem.line == 2 and not any("tab" in d for d in problem.detail), problem.format()


# --- hints that fit the case --------------------------------------------------------------------

ACTOR = "  - id: {id}\n    name: {name}\n    kind: person\n    description: d\n    aliases: [{alias}]\n"


@pytest.mark.parametrize("actors, field, message, hint", [
    (ACTOR.format(id="volodymyr-zelensky", name="Zelensky", alias="Zelensky") + ACTOR.format(id="zelenskyy", name="Z", alias="Zelensky"),
     "actors[1].aliases[0]", "alias 'Zelensky' already belongs to 'volodymyr-zelensky'; an alias names one actor", "An alias names one actor"),
    (ACTOR.format(id="zelensky", name="Zelensky", alias="Zelensky") + ACTOR.format(id="zelensky", name="Z", alias="Zelenskyy"),
     "actors[1].id", "actor id 'zelensky' is used twice", "Each actor has one entry: merge the two"),
    ("  - id: zelensky\n    kind: person\n    description: d\n", "actors[0].name", "required field 'name' is missing",
     "an actor needs id, name, kind and description"),
    ("  - id: Zelensky\n    name: Z\n    kind: person\n    description: d\n", "actors[0].id",
     "'Zelensky' is not an id: ids are lower-case letters and digits, words joined by single hyphens (united-states)",
     "Write the value in the form the message gives"),
])
def test_a_registry_problem_gets_the_hint_for_its_case(fixture_project, actors, field, message, hint):
    fixture_project.actors.write_text("actors:\n" + actors)
    problems = [p for p in validate(fixture_project).problems if p.file == "dataset/actors.yaml"]
    assert [(p.field, p.message) for p in problems] == [(field, message)], [p.format() for p in problems]
    assert hint in problems[0].hint and "Ids are never reused" not in problems[0].hint


@pytest.mark.parametrize("old, new, code, message, hint", [
    ("    statement: Officials said 12 officers would attend the first meeting.\n", "", "missing-field",
     "required field 'statement' is missing", "a claim needs id, statement, kind and quote"),
    ("article_id: '900'", "article_id: 900", "wrong-type", "Input should be a valid string, got int 900",
     "Put the value in quotes"),
    ("  - id: c02\n", "  - id: c2\n", "invalid-value",
     "'c2' is not a claim id: claim ids look like c01 (c and two or more digits), or 900-c01 with the article's prefix",
     "in the form the message gives"),
    ("value: '2026-03-03'", "value: '2026-02-30'", "invalid-edtf",
     "'2026-02-30' is not an EDTF level 0-1 date (February 2026 has no 30th day: it has 28 days)", "that month is shorter"),
    ("  - id: c04\n", "  - id: c03\n", "duplicate-id", "id '900-c03' is used twice in this record", "Ids are never reused"),
    ("    speaker: officials\n", "    speaker: officials\n    co_speakers: [officials]\n", "duplicate-id",
     "an actor is listed twice among the speakers (speaker and co_speakers)", "List each speaker once"),
])
def test_a_record_problem_gets_the_hint_for_its_case(fixture_project, old, new, code, message, hint):
    record = fixture_project.records / "900.yaml"
    text = record.read_text()
    assert old in text
    record.write_text(text.replace(old, new, 1))
    problems = validate(fixture_project).problems
    assert [p.code for p in problems] == [code], [p.format() for p in problems]
    assert problems[0].message.startswith(message) and hint in problems[0].hint, problems[0].format()
    assert "`make new` scaffolds every" not in problems[0].hint and "Write numbers without quotes" not in problems[0].hint


def test_validate_reports_a_broken_package_yaml_as_build_would(fixture_project):
    meta = fixture_project.package_meta
    meta.write_text(meta.read_text(encoding="utf-8").replace("\nversion: ", "\nversion: [", 1), encoding="utf-8")
    res = cli("validate", "--root", str(fixture_project.root), "--no-github")
    assert res.exit_code == 1 and "dataset/package.yaml:" in res.output and "[yaml-syntax]" in res.output
    # validating named records only checks those records
    assert cli("validate", "--root", str(fixture_project.root), str(fixture_project.records / "900.yaml")).exit_code == 0


@pytest.mark.parametrize("field", ["value", "value_min", "value_max"])
@pytest.mark.parametrize("number", [".nan", ".inf", "-.inf", "1e400"])
def test_a_figure_that_is_not_a_finite_number_is_refused(fixture_project, field, number):
    """NaN is not JSON and `nan`/`inf` in a CSV cell is no number a reader expects: both passed once."""
    record = fixture_project.records / "900.yaml"
    text = record.read_text()
    assert "    value: 12\n" in text
    record.write_text(text.replace("    value: 12\n", f"    {field}: {number}\n" if field == "value" else f"    value: 12\n    {field}: {number}\n"))
    problems = validate(fixture_project).problems
    assert [(p.code, p.field) for p in problems] == [("invalid-value", f"figures[0].{field}")], [p.format() for p in problems]
    assert problems[0].line == text.splitlines().index("    value: 12") + 1 + (field != "value")
    assert "finite" in problems[0].message
    assert build(fixture_project).problems


@pytest.mark.parametrize("written, code, says", [
    ("seeds/900_6d49835614be8221.txt", "seed-outside", "write the bare name of the file in seeds/: 900_6d49835614be8221.txt"),
    ("seeds\\\\900_6d49835614be8221.txt", "seed-outside", "write the bare name of the file in seeds/: 900_6d49835614be8221.txt"),
    ("900_6D49835614BE8221.txt", "seed-name", "seed names are in lower case (the hex of the sha256 too); write 900_6d49835614be8221.txt"),
])
def test_a_seed_named_as_the_readme_writes_it_gets_one_problem_that_says_the_fix(fixture_project, written, code, says):
    """Not a second problem on the seed itself (orphan-seed, whose hint says to delete it)."""
    record = fixture_project.records / "900.yaml"
    record.write_text(record.read_text().replace("file: 900_6d49835614be8221.txt", f'file: "{written}"'))
    problems = validate(fixture_project).problems
    assert [(p.file, p.code, p.field) for p in problems] == [("dataset/records/900.yaml", code, "seed.file")], [p.format() for p in problems]
    assert says in problems[0].message


def test_format_keeps_a_record_whose_comment_may_be_part_of_a_value(fixture_project):
    """' #' in an unquoted text starts a comment: the words after it were dropped, silently, and
    `make format` made the loss permanent."""
    record = fixture_project.records / "900.yaml"
    text = record.read_text()
    lines = text.splitlines(True)
    n = next(i for i, line in enumerate(lines) if line.startswith("notes: ") and "'" not in line and '"' not in line)
    lines[n] = lines[n].rstrip("\n") + " see the #talks tag\n"
    value = lines[n].split(": ", 1)[1].rstrip("\n")
    lines.insert(1, "# a reminder on a line of its own\n")
    record.write_text("".join(lines))
    before = record.read_bytes()
    res = cli("format", "--root", str(fixture_project.root))
    assert res.exit_code == 1 and record.read_bytes() == before
    assert f"dataset/records/900.yaml:{n + 2}: '#talks tag' after the value is a YAML comment" in res.output
    assert "Quote the value if the words after ' #' belong to it" in res.output
    # Quoted, the words are the value's; the comment on a line of its own goes, and format says so.
    record.write_text(before.decode().replace(value, f"'{value}'"))
    res = cli("format", "--root", str(fixture_project.root))
    assert res.exit_code == 0 and "dropped 1 comment line(s)" in res.output, res.output
    assert "see the #talks tag" in record.read_text() and "a reminder" not in record.read_text()
    assert cli("format", "--root", str(fixture_project.root), "--check").exit_code == 0


def test_a_list_nested_a_thousand_deep_is_located_not_a_traceback(fixture_project):
    record = fixture_project.records / "900.yaml"
    record.write_text(record.read_text() + "extra: " + "[" * 1000 + "]" * 1000 + "\n")
    problems = validate(fixture_project).problems
    assert [(p.code, p.message) for p in problems] == [("yaml-syntax", "nesting too deep: lists or mappings inside each other hundreds of levels deep")]
    assert problems[0].line == len(record.read_text().splitlines())
    assert build(fixture_project).problems


@pytest.mark.parametrize("broken, line_offset, says", [
    ("statement:Officials said", 0, "'statement' needs a space after its colon"),
    ("statement Officials said", 0, "'statement' has no colon"),
])
def test_a_key_without_its_colon_or_space_is_blamed_on_its_own_line(fixture_project, broken, line_offset, says):
    record = fixture_project.records / "900.yaml"
    lines = record.read_text().splitlines(True)
    n = next(i for i, line in enumerate(lines) if line.startswith("    statement: Officials said"))
    lines[n] = "    " + broken + "\n"
    record.write_text("".join(lines))
    problems = validate(fixture_project).problems
    assert [(p.code, p.line) for p in problems] == [("yaml-syntax", n + 1 + line_offset)], [p.format() for p in problems]
    assert says in problems[0].detail[0]


def test_a_list_item_indented_less_than_its_list_says_so(fixture_project):
    record = fixture_project.records / "900.yaml"
    lines = record.read_text().splitlines(True)
    n = next(i for i, line in enumerate(lines) if line.startswith("  - id: c02"))
    lines[n] = lines[n][2:]
    record.write_text("".join(lines))
    problems = validate(fixture_project).problems
    assert [(p.code, p.line) for p in problems] == [("yaml-syntax", n + 1)], [p.format() for p in problems]
    assert "this list item starts at column 1, the item of line" in problems[0].detail[0]


@pytest.mark.parametrize("written, field, actor", [("U.S. European Command", "claims[2].speaker", "us-european-command"),
                                                   ("Russia", "claims[0].subjects[1]", "russia"),
                                                   ("the united states", "claims[0].subjects[1]", None)])
def test_an_actors_name_where_its_id_is_due_says_the_id(fixture_project, written, field, actor):
    record = fixture_project.records / "900.yaml"
    text = record.read_text().replace("speaker: us-european-command", f"speaker: {written}" if "speaker" in field else "speaker: us-european-command")
    if "subjects" in field:
        text = text.replace("subjects: [united-states, russia]", f"subjects: [united-states, {written}]", 1)
    record.write_text(text)
    problems = validate(fixture_project).problems
    assert [(p.code, p.field) for p in problems] == [("invalid-value", field)], [p.format() for p in problems]
    said = [d for d in problems[0].detail if "is a spelling of the actor" in d]
    assert said == ([f"{written!r} is a spelling of the actor {actor}: write {actor}"] if actor else [])


@pytest.mark.parametrize("key, meant", [("figure", "figures"), ("co_speaker", "co_speakers"), ("speakers", "speaker")])
def test_a_misspelt_field_says_which_it_may_mean(fixture_project, key, meant):
    record = fixture_project.records / "900.yaml"
    text = record.read_text()
    text = text.replace("figures:\n", f"{key}:\n", 1) if key == "figure" else text.replace(
        "    speaker: officials\n", f"    speaker: officials\n    {key}: [russia]\n" if key == "co_speaker" else "    speakers: officials\n", 1)
    record.write_text(text)
    problems = [p for p in validate(fixture_project).problems if p.code == "unknown-field"]
    assert len(problems) == 1 and problems[0].message == f"unknown field {key!r}", [p.format() for p in problems]
    assert problems[0].detail[0].startswith("did you mean: ") and meant in problems[0].detail[0].split(": ", 1)[1].split(", ")


def test_an_unknown_proposition_says_which_it_may_mean(fixture_project):
    record = fixture_project.records / "900.yaml"
    record.write_text(record.read_text().replace("proposition: dialogue-restart-agreed", "proposition: dialogue-restart-agree"))
    problems = validate(fixture_project).problems
    assert [p.code for p in problems] == ["unknown-proposition"]
    assert problems[0].detail[0] == "did you mean: dialogue-restart-agreed"
