"""Controlled vocabularies shared by the record models and the published tables.

Each enum member's docstring-like description lives in DESCRIPTIONS so the codebook, the
JSON Schema and datapackage.json explain every value from one place.
"""
from __future__ import annotations

from enum import Enum


class ClaimKind(str, Enum):
    report = "report"
    quote = "quote"
    paraphrase = "paraphrase"
    analysis = "analysis"


class Stance(str, Enum):
    supports = "supports"
    contradicts = "contradicts"
    qualifies = "qualifies"


class DateBasis(str, Enum):
    stated = "stated"
    inferred = "inferred"
    unknown = "unknown"


class ActorKind(str, Enum):
    country = "country"
    person = "person"
    government_body = "government-body"
    military = "military"
    organisation = "organisation"
    alliance = "alliance"
    media = "media"
    group = "group"


class SkipReason(str, Enum):
    headline = "headline"
    section_heading = "section-heading"
    duplicate_of_claim = "duplicate-of-claim"
    rhetorical = "rhetorical"
    no_checkable_content = "no-checkable-content"
    table_layout = "table-layout"
    attribution_only = "attribution-only"
    truncated = "truncated"


DESCRIPTIONS: dict[Enum, str] = {
    ClaimKind.report: "The outlet states it in its own voice, as fact.",
    ClaimKind.quote: "A speaker's own words, inside quotation marks in the text.",
    ClaimKind.paraphrase: "A speaker's statement reported without quotation marks.",
    ClaimKind.analysis: "The outlet's interpretation, opinion, expectation or prediction.",
    Stance.supports: "The claim says what the proposition says: its central assertion, and nothing against the rest. A claim that gives fewer of its details (no date, no place, not every party) still supports it; one that states a different fact (what the treaty was, the exchange's numbers) is not linked.",
    Stance.contradicts: "The claim says the opposite of the proposition, or excludes it.",
    Stance.qualifies: "The claim narrows, conditions or adds a reservation to the proposition.",
    DateBasis.stated: "The text prints the date (day, month and year as far as given).",
    DateBasis.inferred: "Part of the date is derived rather than printed (e.g. a weekday and month "
    "without a year); the record's note says how.",
    DateBasis.unknown: "The text gives no date; the value is empty.",
    ActorKind.country: "A state, or its government when the text names the country or capital.",
    ActorKind.person: "A named individual.",
    ActorKind.government_body: "A named office or body of a government other than its military.",
    ActorKind.military: "Armed forces or one of their commands.",
    ActorKind.organisation: "A non-state organisation that is not a news outlet.",
    ActorKind.alliance: "An alliance or union of states (NATO, the EU).",
    ActorKind.media: "A news outlet or agency.",
    ActorKind.group: "An unnamed or collective group the text treats as one speaker (experts, officials).",
    SkipReason.headline: "The article's title or a repeated headline inside the body.",
    SkipReason.section_heading: "A heading or label that introduces a section or list and asserts nothing.",
    SkipReason.duplicate_of_claim: "Restates a claim already recorded from the same article; the note names it.",
    SkipReason.rhetorical: "A rhetorical line, aphorism or appeal with no checkable content.",
    SkipReason.no_checkable_content: "Generic filler that asserts nothing specific enough to check.",
    SkipReason.table_layout: "Table rows or cells whose content is layout or is recorded elsewhere.",
    SkipReason.attribution_only: "Only names sources (e.g. a trailing 'Reuters and Channel News Asia.').",
    SkipReason.truncated: "A broken or cut-off fragment of text that cannot be read as a statement.",
}
