"""Row models of the published tables (dataset/tables/*.csv).

Each model is one table: its fields are the columns in order, with type, description and
constraints; `TABLE` carries the key, foreign keys and a description. datapackage.json, the
codebook, the Datasette metadata and the CSV headers are all generated from these classes.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from typing import ClassVar, Optional

from pydantic import BaseModel, ConfigDict, Field

from .record import ARTICLE_ID, SHA256, SLUG
from .vocab import ActorKind, ClaimKind, DateBasis, SkipReason, Stance

CLAIM_ID = r"^[0-9]{3,}-c[0-9]{2,}$"
FIGURE_ID = r"^[0-9]{3,}-f[0-9]{2,}$"
SKIP_ID = r"^[0-9]{3,}-s[0-9]{2,}$"
MENTION_ID = r"^[0-9]{3,}-m[0-9]{6}-[a-z0-9]+(?:-[a-z0-9]+)*$"


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    table: str
    reference: tuple[str, ...]


@dataclass(frozen=True)
class TableSpec:
    name: str
    title: str
    description: str
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    # Columns Datasette facets on by default (issue: browse by actor, article, kind ...).
    facets: tuple[str, ...] = ()
    sort: Optional[str] = None
    label_column: Optional[str] = None
    units: dict[str, str] = field(default_factory=dict)


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid")
    TABLE: ClassVar[TableSpec]


def Col(description: str, **kw):  # noqa: N802 - reads like a declaration
    return Field(description=description, **kw)


def fk(column: str, table: str, ref: str) -> ForeignKey:
    return ForeignKey((column,), table, (ref,))


class ArticleRow(Row):
    TABLE = TableSpec(
        "articles", "Articles",
        "One row per archived article: its source metadata, where its body lies in the seed text, "
        "and how its publication date was found.",
        ("article_id",), facets=("publisher", "published_basis", "language"), sort="article_id", label_column="title",
    )
    article_id: str = Col("The seed file's number prefix, e.g. 004.", pattern=ARTICLE_ID)
    seed_file: str = Col("Path of the archived article text, relative to the package root (seeds/...).")
    seed_sha256: str = Col("sha256 of the seed file's bytes.", pattern=SHA256)
    title: Optional[str] = Col("Title as printed; empty when the text prints none.")
    publisher: Optional[str] = Col("Publisher as the text names it; empty when it names none (never guessed).")
    author: Optional[str] = Col("Byline as printed; empty when there is none.")
    url: Optional[str] = Col("Where the text was captured; empty when not known.")
    retrieved: Optional[str] = Col("When the text was captured (EDTF); empty when not known.")
    published: Optional[str] = Col("Publication date (EDTF); empty when the text gives none.")
    published_min: Optional[dt.date] = Col("Earliest ISO date covered by `published`.")
    published_max: Optional[dt.date] = Col("Latest ISO date covered by `published`.")
    published_basis: DateBasis = Col("How `published` was found: stated, inferred or unknown.")
    published_note: Optional[str] = Col("How the date was found: where a stated date is printed, how an inferred one was derived, or why there is none.")
    language: str = Col("ISO 639-1 language of the text.", pattern=r"^[a-z]{2}$")
    body_start: int = Col("Offset (0-based code points) where the article body starts in the seed text.", ge=0)
    body_end: int = Col("Offset (exclusive) where the article body ends; outside is page furniture.", ge=0)
    credited_sources: Optional[str] = Col("Actor ids of outlets the text credits as its sources, separated by ';' (spans in the credits table).")
    notes: Optional[str] = Col("Curator's notes on the article (quality, furniture, what is missing).")
    title_start: Optional[int] = Col("Start offset of the evidence for `title` in the seed text.", ge=0)
    title_end: Optional[int] = Col("End offset (exclusive) of the evidence for `title`.", ge=0)
    publisher_start: Optional[int] = Col("Start offset of the evidence for `publisher`.", ge=0)
    publisher_end: Optional[int] = Col("End offset (exclusive) of the evidence for `publisher`.", ge=0)
    author_start: Optional[int] = Col("Start offset of the evidence for `author`.", ge=0)
    author_end: Optional[int] = Col("End offset (exclusive) of the evidence for `author`.", ge=0)
    published_start: Optional[int] = Col("Start offset of the evidence for `published`.", ge=0)
    published_end: Optional[int] = Col("End offset (exclusive) of the evidence for `published`.", ge=0)
    # Added in 0.2.0, after every earlier column, so that no column moves for a reader by position.
    title_note: Optional[str] = Col("Why `title` is empty, or how it was read from its evidence.")
    publisher_note: Optional[str] = Col("Why `publisher` is empty (never guessed), or how it was read from its evidence.")
    author_note: Optional[str] = Col("Why `author` is empty, or how it was read from its evidence.")
    retrieved_min: Optional[dt.date] = Col("Earliest ISO date covered by `retrieved`.")
    retrieved_max: Optional[dt.date] = Col("Latest ISO date covered by `retrieved`.")


class CreditRow(Row):
    TABLE = TableSpec(
        "credits", "Credited sources",
        "Outlets an article credits as its sources (typical of aggregators), with the evidence for each credit.",
        ("article_id", "actor_id"),
        (fk("article_id", "articles", "article_id"), fk("actor_id", "actors", "actor_id")),
        facets=("actor_id",), sort="article_id",
    )
    article_id: str = Col("Article that credits the source.", pattern=ARTICLE_ID)
    actor_id: str = Col("Outlet credited (an actor of kind media).", pattern=SLUG)
    quote: str = Col("Exact characters of the seed text that credit it: seed_text[start:end].")
    start: int = Col("Start offset in the seed text (0-based code points).", ge=0)
    end: int = Col("End offset (exclusive).", ge=0)


class ActorRow(Row):
    TABLE = TableSpec(
        "actors", "Actors",
        "The controlled vocabulary of actors named in the articles: one row per real-world entity, "
        "whatever the spelling.",
        ("actor_id",), facets=("kind", "country"), sort="actor_id", label_column="name",
    )
    actor_id: str = Col("Lowercase slug, e.g. us-european-command.", pattern=SLUG)
    name: str = Col("Canonical name.")
    kind: ActorKind = Col("What sort of entity the actor is.")
    country: Optional[str] = Col("ISO 3166-1 alpha-3 code; empty for international bodies and for groups of no one country.", pattern=r"^[A-Z]{3}$")
    wikidata: Optional[str] = Col("Wikidata item id, only when certain.", pattern=r"^Q[1-9][0-9]*$")
    description: str = Col("Who or what the actor is.")
    aliases: Optional[str] = Col("Spellings the build finds in article bodies, separated by ';'.")


class MentionRow(Row):
    TABLE = TableSpec(
        "mentions", "Mentions",
        "Each place an article body names an actor: found from the actor's aliases (exact, word-bounded, "
        "longest match wins) or added by the record.",
        ("mention_id",),
        (fk("article_id", "articles", "article_id"), fk("actor_id", "actors", "actor_id")),
        facets=("actor_id", "article_id"), sort="mention_id", label_column="surface",
    )
    mention_id: str = Col("<article_id>-m<start, six digits>-<actor_id>: stable because seeds never change "
                          "(one phrase such as 'the two countries' may name two actors).", pattern=MENTION_ID)
    article_id: str = Col("Article the mention is in.", pattern=ARTICLE_ID)
    actor_id: str = Col("Actor named.", pattern=SLUG)
    surface: str = Col("The characters of the text, exactly: seed_text[start:end].")
    start: int = Col("Start offset in the seed text (0-based code points).", ge=0)
    end: int = Col("End offset (exclusive).", ge=0)
    found_by: str = Col("alias (found by the build from the actor's aliases) or record (added by hand).", pattern=r"^(alias|record)$")


class ClaimRow(Row):
    TABLE = TableSpec(
        "claims", "Claims",
        "Each claim an article makes, who makes it, the exact words that say it, and the cross-article "
        "proposition it supports, contradicts or qualifies.",
        ("claim_id",),
        (fk("article_id", "articles", "article_id"), fk("speaker_id", "actors", "actor_id"),
         fk("proposition_id", "propositions", "proposition_id")),
        facets=("article_id", "kind", "speaker_id", "proposition_id"), sort="claim_id", label_column="statement",
    )
    claim_id: str = Col("<article_id>-c<NN>, assigned by hand and never reused.", pattern=CLAIM_ID)
    article_id: str = Col("Article that makes the claim.", pattern=ARTICLE_ID)
    statement: str = Col("The claim normalised into one plain English sentence by the curator.")
    kind: ClaimKind = Col("report, quote, paraphrase or analysis.")
    speaker_id: Optional[str] = Col("Actor who says it; empty for the outlet's own voice. A claim several actors make together (\"both sides\", a joint credit) names the first the article names here, and every one of them in claim_speakers.", pattern=SLUG)
    quote: str = Col("Exact characters of the seed text: seed_text[start:end].")
    start: int = Col("Start offset in the seed text (0-based code points).", ge=0)
    end: int = Col("End offset (exclusive).", ge=0)
    hedged: bool = Col("True where the text hedges (may, might, could, potentially, expected, likely, signals, suggests).")
    event_date: Optional[str] = Col("When the claimed event happened (EDTF); empty when the text does not date it.")
    event_date_min: Optional[dt.date] = Col("Earliest ISO date covered by `event_date`.")
    event_date_max: Optional[dt.date] = Col("Latest ISO date covered by `event_date`.")
    event_date_basis: DateBasis = Col("stated, inferred or unknown.")
    proposition_id: Optional[str] = Col("Cross-article proposition the claim bears on.", pattern=SLUG)
    stance: Optional[Stance] = Col("supports, contradicts or qualifies the proposition.")
    note: Optional[str] = Col("Curator's note.")


class ClaimSubjectRow(Row):
    TABLE = TableSpec(
        "claim_subjects", "Claim subjects",
        "Which actors each claim is about (many to many).",
        ("claim_id", "actor_id"),
        (fk("claim_id", "claims", "claim_id"), fk("actor_id", "actors", "actor_id")),
        facets=("actor_id",), sort="claim_id",
    )
    claim_id: str = Col("Claim.", pattern=CLAIM_ID)
    actor_id: str = Col("Actor the claim is about.", pattern=SLUG)


class ClaimSpeakerRow(Row):
    TABLE = TableSpec(
        "claim_speakers", "Claim speakers",
        "Who says each claim that has a speaker: its speaker_id, and the actors who say it together with "
        "it (\"both sides\", a joint credit), so that a claim said jointly counts for every speaker.",
        ("claim_id", "actor_id"),
        (fk("claim_id", "claims", "claim_id"), fk("actor_id", "actors", "actor_id")),
        facets=("actor_id",), sort="claim_id",
    )
    claim_id: str = Col("Claim.", pattern=CLAIM_ID)
    actor_id: str = Col("Actor who says it.", pattern=SLUG)
    position: int = Col("1 for the claim's speaker_id; the others in the order the article names them.", ge=1)


class FigureRow(Row):
    TABLE = TableSpec(
        "figures", "Figures",
        "Quantities the articles report (counts, amounts, durations), with the words as written; vague "
        "amounts keep their words and bounds and never get a made-up exact value.",
        ("figure_id",),
        (fk("article_id", "articles", "article_id"), fk("claim_id", "claims", "claim_id"),
         fk("actor_id", "actors", "actor_id")),
        facets=("unit", "article_id", "actor_id"), sort="figure_id", label_column="measure",
        units={"value": "unit column", "value_min": "unit column", "value_max": "unit column"},
    )
    figure_id: str = Col("<article_id>-f<NN>, assigned by hand and never reused.", pattern=FIGURE_ID)
    article_id: str = Col("Article that reports the figure.", pattern=ARTICLE_ID)
    claim_id: Optional[str] = Col("Claim the figure belongs to.", pattern=CLAIM_ID)
    measure: str = Col("What is counted or measured.")
    value: Optional[float] = Col("The exact number, only when the text gives one.")
    value_min: Optional[float] = Col("Lower bound the words give, as the number they name (4 for \"more than four years\"; as_written says whether it is included).")
    value_max: Optional[float] = Col("Upper bound the words give, as the number they name (as_written says whether it is included).")
    approximate: bool = Col("True for a vague or rounded amount.")
    unit: str = Col("Unit of value/value_min/value_max, a singular slug (person, year, item).", pattern=SLUG)
    as_written: str = Col("The number exactly as the text writes it (digits or words).")
    actor_id: Optional[str] = Col("Actor who reports the figure; empty for the outlet's own voice.", pattern=SLUG)
    refers_to: Optional[str] = Col("Date or period the figure refers to (EDTF).")
    refers_to_min: Optional[dt.date] = Col("Earliest ISO date covered by `refers_to`.")
    refers_to_max: Optional[dt.date] = Col("Latest ISO date covered by `refers_to`.")
    quote: str = Col("Exact characters of the seed text: seed_text[start:end].")
    start: int = Col("Start offset in the seed text (0-based code points).", ge=0)
    end: int = Col("End offset (exclusive).", ge=0)
    note: Optional[str] = Col("Curator's note (how a bound was read from the words).")


class PropositionRow(Row):
    TABLE = TableSpec(
        "propositions", "Propositions",
        "Statements that claims from several articles bear on; the article counts are derived from the claims.",
        ("proposition_id",), facets=("topic",), sort="proposition_id", label_column="statement",
    )
    proposition_id: str = Col("Lowercase slug.", pattern=SLUG)
    statement: str = Col("The proposition in one plain sentence.")
    topic: str = Col("Topic slug grouping related propositions.", pattern=SLUG)
    n_articles: int = Col("Derived: number of articles with a claim that supports the proposition.", ge=0)
    articles: Optional[str] = Col("Derived: ids of those articles, separated by ';'.")
    n_articles_contradicting: int = Col("Derived: number of articles with a claim that contradicts it.", ge=0)
    n_articles_qualifying: int = Col("Derived: number of articles with a claim that qualifies it.", ge=0)


class SkipRow(Row):
    TABLE = TableSpec(
        "skips", "Skips",
        "Body sentences deliberately not extracted, each with a reason from a fixed vocabulary, so every "
        "sentence of every body is accounted for.",
        ("skip_id",), (fk("article_id", "articles", "article_id"),),
        facets=("reason", "article_id"), sort="skip_id",
    )
    skip_id: str = Col("<article_id>-s<NN>, assigned by hand and never reused.", pattern=SKIP_ID)
    article_id: str = Col("Article the skipped text is in.", pattern=ARTICLE_ID)
    reason: SkipReason = Col("Why it is not extracted.")
    quote: str = Col("Exact characters of the seed text: seed_text[start:end].")
    start: int = Col("Start offset in the seed text (0-based code points).", ge=0)
    end: int = Col("End offset (exclusive).", ge=0)
    note: Optional[str] = Col("Curator's note.")


# Publication order: referenced tables before the tables that point at them.
TABLES: tuple[type[Row], ...] = (
    ArticleRow, ActorRow, PropositionRow, CreditRow, ClaimRow, ClaimSubjectRow, ClaimSpeakerRow, FigureRow, MentionRow, SkipRow,
)


def enum_of(annotation) -> Optional[type[Enum]]:
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(candidate, type) and issubclass(candidate, Enum):
            return candidate
    return None
