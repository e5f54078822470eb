"""Stable error codes: the one list that validation, CONTRIBUTING.md and the tests share.

A code never changes meaning once published; contributors and CI logs rely on it. Each entry
is (what it means, what to do about it). Where one code covers cases that need different fixes
(an alias used twice is not an id to renumber), CASES gives the hint for the case, found from
what the problem says (its field and message), so that a problem read back from the record cache
gets the same hint as when it was found.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Union

CODES: dict[str, tuple[str, str]] = {
    # Reading files
    "yaml-syntax": ("The file is not valid YAML.", "Fix the syntax at the line shown; indent with spaces, not tabs."),
    "yaml-duplicate-key": ("A mapping has the same key twice.", "Keep one of the two keys; YAML would silently drop one."),
    "yaml-anchor": ("YAML anchors and aliases (&name, *name) are not allowed.", "Write the value out in full; aliases can expand without bound."),
    "file-too-large": ("The file is larger than the size limit.", "Records and article texts are a few KB each: check that the file is the right one (an article's text holds one article, not a page dump or several)."),
    "not-utf8": ("The file is not valid UTF-8.", "Save the file as UTF-8."),
    "bom": ("The file starts with a byte order mark.", "Save the file as UTF-8 without BOM."),
    "crlf": ("The file has Windows (CRLF) line endings.", "Save the file with LF line endings; offsets are defined on the stored text."),
    "control-character": ("A record, or a text given to `new`, holds a control character (NUL, ESC, form feed ...): only tab and line breaks are allowed.", "Delete the character at the line and column shown (most editors do not show it); it is usually a stray byte from copying."),
    # Shape of a record
    "unknown-field": ("A field the models do not define.", "Check the spelling against schema/record.schema.json or the codebook."),
    "missing-field": ("A required field is missing.", "Add the field; docs/codebook.md lists the fields of every item."),
    "wrong-type": ("A value has the wrong type (e.g. text where a number or true/false is expected).", "Write numbers without quotes, booleans as true/false, text as text."),
    "invalid-value": ("A value is outside what the field allows (pattern, enum, range).", "Use one of the values listed in the message or the codebook."),
    "invalid-edtf": ("A date is not EDTF level 0-1.", "Write e.g. 2026-02-05, 2021, 2021-XX, 2026-02-05~ or 2026-02-05/.."),
    "basis-mismatch": ("A date's basis disagrees with its value.", "basis is 'unknown' exactly when the value is empty."),
    "missing-evidence": ("A metadata value has no quote.", "Add the quote of the seed text that gives the value, or leave the value empty with a note."),
    "duplicate-unnamed": ("A skip of reason duplicate-of-claim does not name the claim it restates.", "Name the claim in the skip's note (note: Restates c04.), so a reader can find what the sentence repeats."),
    "unexplained-empty": ("An empty or inferred value has no note.", "Say in `note` why the text gives no value, or how it was inferred."),
    "stance-mismatch": ("A claim has a proposition without a stance, or a stance without a proposition.", "Set both or neither."),
    "speakerless-quote": ("A claim of kind 'quote' or 'paraphrase' (a speaker's words) has no speaker.", "Name the speaker's actor id, or use kind 'report'/'analysis'."),
    "co-speakers-without-speaker": ("A claim lists co_speakers but no speaker.", "Name the first speaker the article names in speaker and the others in co_speakers; a claim in the outlet's own voice has neither."),
    "speaker-on-outlet-voice": ("A claim of kind 'report' or 'analysis' (the outlet's own voice) names a speaker.", "Leave the speaker empty, or use kind 'quote'/'paraphrase' if the text gives it as the speaker's statement."),
    "as-written-not-in-quote": ("A figure's as_written is not inside its quote.", "Copy the number exactly as written, and quote the words around it."),
    "value-range": ("A figure's bounds are inconsistent.", "Keep value_min <= value <= value_max."),
    "value-missing": ("A figure has no value and no bounds.", "Give value for an exact number, or value_min/value_max for a vague one."),
    # Against the seed text
    "seed-missing": ("The seed file named by the record does not exist in seeds/.", "Check the name: `make new SEED=path` needs an existing text file, and a record's seed.file names a file in seeds/ (which `make new` adds)."),
    "seed-outside": ("The seed reference points outside seeds/ (a path, '..' or a link).", "Give the bare file name of a regular file in seeds/."),
    "seed-name": ("The seed file name does not follow <article_id>_<first 16 hex of sha256>.txt.", "Rename via `make new`, which computes the name."),
    "seed-hash-mismatch": ("The seed's sha256 differs from the record: the text changed after the record cited it.", "Never edit a seed; restore it from git, or add the new text as a new article."),
    "article-id-mismatch": ("The record's article_id does not match its file name or seed.", "Name the record <article_id>.yaml and its seed <article_id>_<hash>.txt."),
    "quote-not-found": ("A quote is not in the text searched (the body, or the whole seed for metadata).", "Copy the characters exactly from the seed; the closest passage is shown."),
    "quote-ambiguous": ("A quote occurs more than once and has no occurrence.", "Add `occurrence: N` (1-based) or quote more words."),
    "occurrence-out-of-range": ("The occurrence asked for is more than the times the quote occurs.", "Use a number from 1 to the count shown."),
    "span-outside-body": ("An evidence span lies in page furniture, outside the body.", "Only metadata may quote furniture; check body.opens and body.closes."),
    "body-delimiters": ("The body's closing quote does not come after its opening quote.", "Quote the body's first and last characters."),
    "unaccounted-sentence": ("A body sentence is covered by no claim, figure or skip.", "Add a claim or figure that quotes it, or a skip with a reason."),
    "skip-overlaps-claim": ("A skip's quote overlaps a claim's quote: the words are coded, so the skip is a leftover (a scaffolded placeholder).", "Remove the skip, or quote only the part of the sentence no claim covers."),
    # References
    "unknown-actor": ("An actor id is not in dataset/actors.yaml.", "Use a known id (listed in the message) or add the actor to the registry."),
    "unknown-proposition": ("A proposition id is not in dataset/propositions.yaml.", "Use a known id or add the proposition to the registry."),
    "unknown-claim": ("A figure points at a claim id that this record does not have.", "Use the id of a claim in the same record."),
    "duplicate-id": ("An id (claim, figure, skip, actor, proposition, alias) is used twice.", "Ids are never reused: take the next free number."),
    "id-prefix-mismatch": ("A full id's article prefix differs from the record's article_id.", "Write the local part (c01) or the right prefix."),
    "stale-mention-exclusion": ("A mention exclusion matches no mention found from aliases.", "Remove the exclusion; it no longer applies."),
    "note-names-missing-item": ("A note names a claim, figure or skip (c06, or 002 c10 in another record) that does not exist.", "Name the item meant (it may have been renumbered or removed), or reword the note."),
    # Files in the wrong place
    "misplaced-record": ("A file in dataset/records/ is not named <article_id>.yaml, or lies in a subfolder: it is never validated or published.", "Rename it <article_id>.yaml (lower-case .yaml) directly in dataset/records/, or move it out of dataset/records/."),
    "orphan-seed": ("A file in seeds/ that no record cites.", "Restore the record that cites it from git, or delete the seed if the article was dropped."),
    # `new`
    "empty-text": ("`new` was given a text with nothing in it (empty, or only spaces and line breaks).", "Nothing was archived; save the article's text into the file, then run `make new` again."),
    "already-archived": ("`new` was given a text that is already archived in seeds/.", "The article has a record already; edit that record instead."),
    "would-overwrite": ("`new` would overwrite an existing seed or record.", "Nothing was written; pick the next free article_id or remove the stray file."),
    # Form and content of a record
    "not-canonical": ("A record or registry is not in canonical form (`format --check`).", "Run `make format` and commit the result; the diff shows what changes."),
    "placeholder": ("A note still starts with TODO: a scaffolded value or sentence has not been coded yet.", "Resolve it (code the sentence, check the guess) and delete the TODO note."),
    "spreadsheet-formula": ("A published text cell starts with =, +, -, @, tab or CR, which spreadsheets may execute.", "Reword the value, or start it differently."),
    # The published package, as `db` (and `make serve`) reads it
    "package-missing": ("A file of the published package is missing (datapackage.json, or a table it lists).", "Run `make build`, which writes the package from the records, then `make db` again."),
    "package-stale": ("A published file is not what datapackage.json says of it (its sha256, its header, its resources): edited by hand, or left from an older build.", "Never edit the published files by hand; run `make build` to write them again from the records."),
    "table-row": ("A row of a published table does not fit its schema: its cells, a type, a key, a required cell or a foreign key.", "Run `make build` to write the tables again from the records; a row a fresh build writes and `db` refuses is a bug to report."),
}


# The item a field path is in -> (the model, what to call it), for the fields an item needs.
_ITEMS = (
    (r"^claims\[\d+\]\.", "Claim", "a claim"), (r"^figures\[\d+\]\.", "Figure", "a figure"), (r"^skips\[\d+\]\.", "Skip", "a skip"),
    (r"^credited_sources\[\d+\]\.", "CreditedSource", "a credited source"), (r"^mentions\.add\[\d+\]\.", "MentionAdd", "a mention added"),
    (r"^mentions\.exclude\[\d+\]\.", "Evidence", "a mention excluded"), (r"^actors\[\d+\]\.", "Actor", "an actor"),
    (r"^propositions\[\d+\]\.", "Proposition", "a proposition"),
)


def documented(code: str) -> bool:
    return code in CODES


@lru_cache(maxsize=None)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def required_fields(model_name: str) -> list[str]:
    import schema.record as record
    import schema.registry as registry

    model = getattr(record, model_name, None) or getattr(registry, model_name)
    required = [name for name, info in model.model_fields.items() if info.is_required()]
    own = [name for name in model.__annotations__ if name in required]  # the item's own fields, then those it shares (quote)
    return own + [name for name in required if name not in own]


def _missing_field_hint(field: str) -> str:
    for pattern, model_name, what in _ITEMS:
        if _compiled(pattern).search(field):
            names = required_fields(model_name)
            listed = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
            return f"Add the field: {what} needs {listed} (docs/codebook.md says what each holds)."
    return "Add the field; `make new` scaffolds every field a new record needs (docs/codebook.md says what each holds)."


def _quote_it_hint(field: str) -> str:
    name = re.sub(r"\[\d+\]", "", field).rsplit(".", 1)[-1] or "article_id"
    return (f"Put the value in quotes: unquoted, YAML reads 005 as the number 5, 2026 as a number and true as "
            f"a boolean (write {name}: '...', the text between the quotes).")


# Hints for cases of a code that need another fix than the code's own hint: (code, what the
# field must match, what the message must match, hint). The first that matches is used. A hint
# is text, or a function of the field for a hint that depends on it (the fields an item needs).
_Case = tuple[str, str, str, Union[str, Callable[[str], str]]]
CASES: tuple[_Case, ...] = (
    ("yaml-syntax", "", r"is not closed", "Close the quote where the value ends; inside '...' write a ' as '', inside \"...\" write a \" as \\\"."),
    ("yaml-syntax", "", r"is a folder, not a file", "A folder has the name a file should have: rename it or move it away, and put the file there (a record is dataset/records/<article_id>.yaml)."),
    ("not-canonical", "", r"is a YAML comment, not part of the value", "Quote the value if the words after ' #' belong to it (note: 'see the #russia tag'), or move the comment into the item's note; then run `make format` again."),
    ("yaml-syntax", "", r"nesting too deep", "Write the value as the rules give it: a list of texts or ids is one level deep ([a, b]), a claim's fields one mapping."),
    ("yaml-syntax", "", r"cannot read: No such file", "There is no file at this path: a record is dataset/records/<article_id>.yaml (`make validate` with no path checks every record)."),
    ("yaml-syntax", "", r"indent", "Indent with spaces so that the keys of one mapping start in the same column: records indent each level by 2 spaces, the keys of a list item by 4."),
    ("control-character", "", r"nothing was archived", "Nothing was archived; delete the control characters from the text (or save it again as plain UTF-8 text), then run `make new` again."),
    ("file-too-large", "", r"scaffolded record would be", "Nothing was archived; check that the file holds one article's text (not a whole page dump or several articles), then run `make new` again."),
    ("missing-field", "", r"", _missing_field_hint),
    ("wrong-type", "", r"valid string, got (int|float|bool)", _quote_it_hint),
    ("wrong-type", "", r"valid string, got NoneType", "The value is empty: write it, or delete the line (a key or a '-' with nothing after it is empty, not text)."),
    ("wrong-type", "", r"valid list, got NoneType", "Write an empty list as [] (a key with nothing after it is empty, not a list), or list the items under it."),
    ("invalid-value", "", r"finite number", "Write the number the text gives: YAML's .nan and .inf, and numbers beyond 1e308, are no number a table or JSON can hold."),
    ("invalid-value", "", r" is not (a|an) .*: ", "Write the value in the form the message gives."),
    ("invalid-value", "", r"should be (greater|less) than", "Use a number in the range the message gives (occurrence counts from 1)."),
    ("invalid-value", "", r"should have at least 1 character", "Leave an empty value out (with a note where the rules ask for one) rather than giving an empty text."),
    ("invalid-edtf", "", r" has no [0-9]+(st|nd|rd|th) day", "Check the date against the text: that month is shorter (February has 28 days, 29 in a leap year)."),
    ("quote-not-found", "", r"longer than the whole", "Quote only the characters of the seed that say the item (a phrase or a sentence), copied from this article's seed."),
    ("seed-missing", "", r"is a folder, not a file", "SEED names a folder: give the path of the article's text file (make new SEED=path/to/article.txt)."),
    ("seed-name", "", r"sha256 begins", "Never edit a seed; restore it from git, or add the new text as a new article with `make new`."),
    ("duplicate-id", r"^actors\[\d+\]\.aliases", r"", "An alias names one actor: keep it on the actor it names and remove it from the other (or merge the two actors)."),
    ("duplicate-id", r"^actors\[\d+\]$", r"alias is listed twice", "List each alias once."),
    ("duplicate-id", r"^actors\[\d+\]\.id$", r"", "Each actor has one entry: merge the two entries (their names and aliases) into one, or give the new actor an id of its own."),
    ("duplicate-id", r"^propositions\[\d+\]\.id$", r"", "Each proposition has one entry: merge the two, or give the new proposition an id of its own."),
    ("duplicate-id", r"^article_id$", r"", "Each article has one record: merge the two files, or give the new article the next free article_id (`make new` does)."),
    ("duplicate-id", r"^credited_sources\[\d+\]\.actor$", r"", "Keep one credit per outlet."),
    ("duplicate-id", r"\.subjects$", r"", "List each actor once among the subjects."),
    ("duplicate-id", r"\.co_speakers$", r"", "List each speaker once: the first the article names in speaker, the others in co_speakers."),
    ("duplicate-id", r"^mentions\.add\[", r"", "Keep one of the two additions."),
    ("already-archived", "", r"no record cites it", "Restore the record from git (git checkout -- dataset/records/<article_id>.yaml), or delete the seed and run `make new` again."),
)

@lru_cache(maxsize=4096)
def hint_for(code: str, field: str = "", message: str = "") -> str:
    """The hint for a problem: its case's (CASES), else its code's."""
    for case_code, field_pattern, message_pattern, hint in CASES:
        if case_code == code and _compiled(field_pattern).search(field) and _compiled(message_pattern).search(message):
            return hint(field) if callable(hint) else hint
    return CODES[code][1]
