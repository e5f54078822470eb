"""Stable error codes: the one list that validation, CONTRIBUTING.md and the tests share.

A code never changes meaning once published; contributors and CI logs rely on it. Each entry
is (what it means, what to do about it).
"""
from __future__ import annotations

CODES: dict[str, tuple[str, str]] = {
    # Reading files
    "yaml-syntax": ("The file is not valid YAML.", "Fix the syntax at the line shown; indent with spaces, not tabs."),
    "yaml-duplicate-key": ("A mapping has the same key twice.", "Keep one of the two keys; YAML would silently drop one."),
    "yaml-anchor": ("YAML anchors and aliases (&name, *name) are not allowed.", "Write the value out in full; aliases can expand without bound."),
    "file-too-large": ("The file is larger than the size limit.", "Records are small; split the text or check the file is the right one."),
    "not-utf8": ("The file is not valid UTF-8.", "Save the file as UTF-8."),
    "bom": ("The file starts with a byte order mark.", "Save the file as UTF-8 without BOM."),
    "crlf": ("The file has Windows (CRLF) line endings.", "Save the file with LF line endings; offsets are defined on the stored text."),
    # Shape of a record
    "unknown-field": ("A field the models do not define.", "Check the spelling against schema/record.schema.json or the codebook."),
    "missing-field": ("A required field is missing.", "Add the field; `make new` scaffolds every required field."),
    "wrong-type": ("A value has the wrong type (e.g. text where a number or true/false is expected).", "Write numbers without quotes, booleans as true/false, text as text."),
    "invalid-value": ("A value is outside what the field allows (pattern, enum, range).", "Use one of the values listed in the message or the codebook."),
    "invalid-edtf": ("A date is not EDTF level 0-1.", "Write e.g. 2026-02-05, 2021, 2021-XX, 2026-02-05~ or 2026-02-05/.."),
    "basis-mismatch": ("A date's basis disagrees with its value.", "basis is 'unknown' exactly when the value is empty."),
    "missing-evidence": ("A metadata value has no quote.", "Add the quote of the seed text that gives the value, or leave the value empty with a note."),
    "unexplained-empty": ("An empty or inferred value has no note.", "Say in `note` why the text gives no value, or how it was inferred."),
    "stance-mismatch": ("A claim has a proposition without a stance, or a stance without a proposition.", "Set both or neither."),
    "speakerless-quote": ("A claim of kind 'quote' has no speaker.", "Name the speaker's actor id, or use kind 'report'/'analysis'."),
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
    # References
    "unknown-actor": ("An actor id is not in dataset/actors.yaml.", "Use a known id (listed in the message) or add the actor to the registry."),
    "unknown-proposition": ("A proposition id is not in dataset/propositions.yaml.", "Use a known id or add the proposition to the registry."),
    "unknown-claim": ("A figure points at a claim id that this record does not have.", "Use the id of a claim in the same record."),
    "duplicate-id": ("An id (claim, figure, skip, actor, proposition, alias) is used twice.", "Ids are never reused: take the next free number."),
    "id-prefix-mismatch": ("A full id's article prefix differs from the record's article_id.", "Write the local part (c01) or the right prefix."),
    "stale-mention-exclusion": ("A mention exclusion matches no mention found from aliases.", "Remove the exclusion; it no longer applies."),
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


def documented(code: str) -> bool:
    return code in CODES
