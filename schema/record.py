"""The hand-written record of one article: dataset/records/<article_id>.yaml.

These models are the single source of truth for what a record may contain. The JSON Schema
for editors (schema/record.schema.json), the codebook and the Datasette metadata are generated
from them. Checks that need only the record itself live here (and raise PydanticCustomError
whose type is the stable error code, or collect it: `_inconsistent`); checks against the seed
text and the registries live in scripts/validate.py.
"""
from __future__ import annotations

from typing import Annotated, Optional

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

from .edtf_dates import check_edtf
from .vocab import ClaimKind, DateBasis, SkipReason, Stance

ARTICLE_ID = r"^[0-9]{3,}$"
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SHA256 = r"^[0-9a-f]{64}$"
CLAIM_ID = r"^([0-9]{3,}-)?c[0-9]{2,}$"
FIGURE_ID = r"^([0-9]{3,}-)?f[0-9]{2,}$"
SKIP_ID = r"^([0-9]{3,}-)?s[0-9]{2,}$"
LANGUAGE = r"^[a-z]{2}$"
COUNTRY = r"^[A-Z]{3}$"
WIKIDATA = r"^Q[1-9][0-9]*$"

# What each pattern asks for, in words: validation says this instead of the regular expression.
PATTERN_WORDS = {
    ARTICLE_ID: "an article_id: article ids are three or more digits, in quotes ('005')",
    SLUG: "an id: ids are lower-case letters and digits, words joined by single hyphens (united-states)",
    SHA256: "a sha256: 64 lower-case hexadecimal digits",
    CLAIM_ID: "a claim id: claim ids look like c01 (c and two or more digits), or 900-c01 with the article's prefix",
    FIGURE_ID: "a figure id: figure ids look like f01 (f and two or more digits), or 900-f01 with the article's prefix",
    SKIP_ID: "a skip id: skip ids look like s01 (s and two or more digits), or 900-s01 with the article's prefix",
    LANGUAGE: "an ISO 639-1 language code: two lower-case letters (en)",
    COUNTRY: "an ISO 3166-1 alpha-3 country code: three capital letters (USA)",
    WIKIDATA: "a Wikidata item id: Q and a number (Q30)",
}


def _edtf(value: Optional[str]) -> Optional[str]:
    if value is None:
        return value
    reason = check_edtf(value)
    if reason:
        raise PydanticCustomError(
            "invalid-edtf",
            # pydantic fills in {name} only, not {name!r}: the value is quoted here.
            "{value} is not an EDTF level 0-1 date ({reason}); write e.g. 2026-02-05, 2021, 2021-XX, 2026-02-05~",
            {"value": repr(value), "reason": reason},
        )
    return value


# Validation context key: a list to collect consistency problems in, instead of raising them.
INCONSISTENT = "inconsistent"


def _inconsistent(model: BaseModel, info: ValidationInfo, error: PydanticCustomError) -> None:
    """Raise `error`, a problem of consistency between a model's own fields; or, when the caller
    collects them (`model_validate(data, context={INCONSISTENT: []})`), keep it with the model it
    is about and go on. `validate` collects them, so that one run also reaches the checks against
    the seed text, which need only well-formed fields, and reports every problem at once."""
    found = info.context.get(INCONSISTENT) if isinstance(info.context, dict) else None
    if found is None:
        raise error
    found.append((model, error))


EDTF = Annotated[str, AfterValidator(_edtf)]
Slug = Annotated[str, Field(pattern=SLUG)]


class Strict(BaseModel):
    # Unknown fields are errors (a typo must not silently drop data). Scalars use pydantic's
    # Strict* types so `hedged: "no"` or `value: "157"` is reported rather than coerced; enums
    # stay lax so that their YAML strings validate.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Evidence(Strict):
    """An evidence span: exact characters of the seed text."""

    quote: str = Field(
        min_length=1,
        description="The exact characters of the seed text that say it (no normalisation of quotes, "
        "dashes or spaces). The build resolves it to start/end code point offsets.",
    )
    occurrence: Optional[StrictInt] = Field(
        default=None,
        ge=1,
        description="Which occurrence of the quote is meant (1-based), required when the quote "
        "appears more than once in the text searched (the body, or the whole seed for metadata).",
    )


class SeedRef(Strict):
    # The name's form (and that it stays inside seeds/) is checked by validation, which has
    # codes of its own for it (seed-name, seed-outside).
    file: str = Field(min_length=1, description="File name of the seed in seeds/: <article_id>_<16 hex>.txt.")
    sha256: str = Field(pattern=SHA256, description="sha256 of the seed file's bytes; a changed seed is an error.")
    url: Optional[str] = Field(default=None, description="Where the text was captured from; empty when not known (never guessed).")
    retrieved: Optional[EDTF] = Field(default=None, description="When the text was captured (EDTF); empty when not known.")


class MetaValue(Strict):
    """A metadata value (title, publisher, author) and the evidence for it."""

    value: Optional[str] = Field(default=None, min_length=1, description="The value as the text gives it; empty when the text gives none.")
    quote: Optional[str] = Field(default=None, min_length=1, description="Exact characters of the seed that give the value (anywhere in the seed).")
    occurrence: Optional[StrictInt] = Field(default=None, ge=1, description="Which occurrence of the quote in the whole seed (1-based).")
    note: Optional[str] = Field(default=None, description="Why the value is empty, or how it was read from the quote.")

    @model_validator(mode="after")
    def _evidence_or_reason(self, info: ValidationInfo):
        if self.value is not None and self.quote is None:
            _inconsistent(self, info, PydanticCustomError("missing-evidence", "a value needs the quote that gives it"))
        if self.value is None and not self.note:
            _inconsistent(self, info, PydanticCustomError("unexplained-empty", "an empty value needs a note saying why the text gives none"))
        return self


class PublishedDate(Strict):
    value: Optional[EDTF] = Field(default=None, description="Publication date as EDTF; empty when the text gives none.")
    basis: DateBasis = Field(description="How the date was found: stated, inferred or unknown.")
    quote: Optional[str] = Field(default=None, min_length=1, description="Exact characters of the seed that give the date.")
    occurrence: Optional[StrictInt] = Field(default=None, ge=1, description="Which occurrence of the quote in the whole seed (1-based).")
    note: Optional[str] = Field(default=None, description="How the date was found: where a stated date is printed, how an inferred one was derived, or why there is none.")

    @model_validator(mode="after")
    def _basis_matches(self, info: ValidationInfo):
        if (self.value is None) != (self.basis == DateBasis.unknown):
            _inconsistent(self, info, PydanticCustomError("basis-mismatch", "basis is 'unknown' exactly when value is empty"))
        if self.value is not None and self.quote is None:
            _inconsistent(self, info, PydanticCustomError("missing-evidence", "a date needs the quote that gives it"))
        if self.basis != DateBasis.stated and not self.note:
            _inconsistent(self, info, PydanticCustomError("unexplained-empty", "an inferred or unknown date needs a note saying how or why"))
        return self


class CreditedSource(Evidence):
    actor: Slug = Field(description="Actor id (media) of an outlet the text credits as its source.")


class Body(Strict):
    """Where the article body starts and ends; everything outside is page furniture."""

    opens: Evidence = Field(description="The quote the body starts with (its first characters).")
    closes: Evidence = Field(description="The quote the body ends with (its last characters); searched after `opens`.")


_QUOTE, _PARAPHRASE, _REPORT, _ANALYSIS = ClaimKind.quote, ClaimKind.paraphrase, ClaimKind.report, ClaimKind.analysis


class Claim(Evidence):
    id: str = Field(pattern=CLAIM_ID, description="Claim id, local (c01) or full (004-c01); never reused.")
    statement: str = Field(min_length=1, description="What is claimed, normalised into one plain English sentence by the curator.")
    kind: ClaimKind = Field(description="report, quote, paraphrase or analysis.")
    speaker: Optional[Slug] = Field(default=None, description="Actor id of who says it; empty for the outlet's own voice. Actors speaking together (\"both sides\", a joint credit): the first the article names, the others in co_speakers.")
    co_speakers: list[Slug] = Field(default_factory=list, description="Actor ids of the others who say it together with speaker (\"both sides\", a joint credit), in the order the article names them.")
    subjects: list[Slug] = Field(default_factory=list, description="Actor ids the claim is about.")
    hedged: StrictBool = Field(default=False, description="True where the text hedges (may, might, could, potentially, expected, likely, signals, suggests).")
    event_date: Optional[EDTF] = Field(default=None, description="When the claimed event happened (EDTF), when the text dates it.")
    event_date_basis: Optional[DateBasis] = Field(default=None, description="stated or inferred; defaults to stated when event_date is set.")
    proposition: Optional[Slug] = Field(default=None, description="Id of the cross-article proposition this claim bears on.")
    stance: Optional[Stance] = Field(default=None, description="supports, contradicts or qualifies the proposition.")
    note: Optional[str] = Field(default=None, description="Curator's note (how an inferred date was derived, a caveat).")

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo):
        if (self.proposition is None) != (self.stance is None):
            _inconsistent(self, info, PydanticCustomError("stance-mismatch", "proposition and stance go together: set both or neither"))
        if self.event_date_basis == DateBasis.unknown and self.event_date is not None:
            _inconsistent(self, info, PydanticCustomError("basis-mismatch", "event_date_basis 'unknown' with an event_date"))
        if self.event_date_basis == DateBasis.inferred and not self.note:
            _inconsistent(self, info, PydanticCustomError("unexplained-empty", "an inferred event_date needs a note saying how"))
        if self.co_speakers and self.speaker is None:
            _inconsistent(self, info, PydanticCustomError(
                "co-speakers-without-speaker", "co_speakers name who says the claim together with its speaker, but speaker is empty"))
        kind = self.kind  # members compared by identity: an enum's own == and hash run in Python
        if self.speaker is None:
            if kind is _QUOTE or kind is _PARAPHRASE:
                _inconsistent(self, info, PydanticCustomError("speakerless-quote", "a claim of kind '{kind}' needs a speaker", {"kind": kind.value}))
        elif kind is _REPORT or kind is _ANALYSIS:
            _inconsistent(self, info, PydanticCustomError(
                "speaker-on-outlet-voice", "a claim of kind '{kind}' is the outlet's own voice and has no speaker, but names {speaker}",
                {"kind": self.kind.value, "speaker": repr(self.speaker)}))
        return self


class Figure(Evidence):
    id: str = Field(pattern=FIGURE_ID, description="Figure id, local (f01) or full (004-f01); never reused.")
    claim: Optional[str] = Field(default=None, pattern=CLAIM_ID, description="Id of the claim in this record that the figure belongs to.")
    measure: str = Field(min_length=1, description="What is counted or measured, in plain words.")
    value: Optional[StrictFloat] = Field(default=None, allow_inf_nan=False, description="The exact number, only when the text gives one.")
    value_min: Optional[StrictFloat] = Field(default=None, allow_inf_nan=False, description="Lower bound the words give, as the number they name (4 for 'more than four years'; as_written says whether it is included).")
    value_max: Optional[StrictFloat] = Field(default=None, allow_inf_nan=False, description="Upper bound the words give, as the number they name (as_written says whether it is included).")
    approximate: StrictBool = Field(default=False, description="True for a vague or rounded amount ('tens of thousands', 'about').")
    unit: str = Field(pattern=SLUG, description="Unit, singular slug: person, year, soldier, item, usd, percent.")
    as_written: str = Field(min_length=1, description="The number exactly as the text writes it (digits or words); must lie inside the quote.")
    actor: Optional[Slug] = Field(default=None, description="Actor id of who reports the figure; empty for the outlet's own voice.")
    refers_to: Optional[EDTF] = Field(default=None, description="The date or period the figure refers to (EDTF), when the text gives it.")
    note: Optional[str] = Field(default=None, description="Curator's note (how a bound was read from the words).")

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo):
        if self.as_written not in self.quote:
            _inconsistent(self, info, PydanticCustomError("as-written-not-in-quote", "as_written '{as_written}' is not inside the quote", {"as_written": self.as_written}))
        lo, hi = self.value_min, self.value_max
        if lo is not None and hi is not None and lo > hi:
            _inconsistent(self, info, PydanticCustomError("value-range", "value_min is greater than value_max"))
        if self.value is not None and ((lo is not None and self.value < lo) or (hi is not None and self.value > hi)):
            _inconsistent(self, info, PydanticCustomError("value-range", "value lies outside value_min..value_max"))
        if self.value is None and lo is None and hi is None:
            _inconsistent(self, info, PydanticCustomError("value-missing", "a figure needs value, or value_min/value_max for a vague amount"))
        return self


class Skip(Evidence):
    id: str = Field(pattern=SKIP_ID, description="Skip id, local (s01) or full (004-s01); never reused.")
    reason: SkipReason = Field(description="Why the sentence is not extracted; one of the fixed skip reasons.")
    note: Optional[str] = Field(default=None, description="Curator's note (which claim it duplicates).")


class MentionAdd(Evidence):
    actor: Slug = Field(description="Actor id the quoted words refer to, where the actor's aliases cannot find it.")


class Mentions(Strict):
    add: list[MentionAdd] = Field(default_factory=list, description="Mentions the aliases cannot find (e.g. 'the two superpowers').")
    exclude: list[Evidence] = Field(default_factory=list, description="Alias matches that are not the actor; an exclusion matching no alias match is an error.")


class Record(Strict):
    """One article: its source metadata, body bounds and the evidence extracted from it."""

    article_id: str = Field(pattern=ARTICLE_ID, description="The seed file's number prefix, e.g. '004'.")
    seed: SeedRef = Field(description="The archived seed text this record cites.")
    language: str = Field(pattern=LANGUAGE, description="ISO 639-1 language of the text.")
    title: MetaValue = Field(description="The article's title as printed.")
    publisher: MetaValue = Field(description="Publishing outlet as the text names it; empty when it names none.")
    author: MetaValue = Field(description="Byline as printed; empty when there is none.")
    published: PublishedDate = Field(description="Publication date with its basis.")
    credited_sources: list[CreditedSource] = Field(default_factory=list, description="Outlets the text credits as its sources (aggregators).")
    body: Body = Field(description="Where the article body starts and ends.")
    claims: list[Claim] = Field(default_factory=list, description="Claims the body makes.")
    figures: list[Figure] = Field(default_factory=list, description="Quantities the body reports.")
    skips: list[Skip] = Field(default_factory=list, description="Body sentences deliberately not extracted, with a reason.")
    mentions: Mentions = Field(default_factory=Mentions, description="Corrections to the mentions found from actor aliases.")
    notes: Optional[str] = Field(default=None, description="Curator's notes on the article as a whole (quality, furniture).")
    deliberate_formula_cells: list[str] = Field(
        default_factory=list,
        description="Field paths (e.g. claims[3].quote) whose text deliberately starts with =, +, -, @, tab or CR; "
        "any other such text is an error because spreadsheets may execute it. An entry matching no such text is an error.",
    )

    def full_id(self, local: str) -> str:
        return local if "-" in local else f"{self.article_id}-{local}"
