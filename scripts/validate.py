"""Validate every record against the models, its seed text and the registries.

All problems are collected and returned (never raised), so a contributor sees every problem
at once. The result also carries what the build needs: each article's resolved evidence spans
and mentions.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, NamedTuple, Optional

import orjson
from pydantic import BaseModel, ValidationError

from schema.record import INCONSISTENT, PATTERN_WORDS, Record
from schema.vocab import SkipReason
from schema.registry import Actor, ActorRegistry, Proposition, PropositionRegistry

from .codes import CODES
from .layout import LEGACY_SEEDS, RECORD_NAME, SEED_NAME, Layout
from .mentions import AliasMatcher, Mention
from .problems import Problem
from .sentences import unaccounted
from .spans import Miss, Span, resolve
from .stageclock import NO_CLOCK, StageClock
from .yamlfast import fast_load
from .yamlio import CONTROL, Loaded, YamlError, decode_text, dotted, loads, read_text

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Article:
    """A valid record with everything resolved against its seed text."""

    record: Record
    path: Path
    text: str
    body: Span
    meta_spans: dict[str, Span] = field(default_factory=dict)
    spans: dict[str, Span] = field(default_factory=dict)  # full claim/figure/skip id -> span
    mentions: list[Mention] = field(default_factory=list)

    @property
    def article_id(self) -> str:
        return self.record.article_id


@dataclass
class Registries:
    actors: dict[str, Actor]
    propositions: dict[str, Proposition]
    matcher: AliasMatcher

    def actor_spelled(self, written: str) -> Optional[str]:
        """The id of the actor whose name or alias `written` is (exactly, else in any case)."""
        return self.matcher.aliases.get(written) or next(
            (a.id for a in self.actors.values() if written.casefold() in {a.name.casefold(), *(x.casefold() for x in a.aliases)}), None)


def did_you_mean(written: str, known: Iterable[str], cutoff: float = 0.6) -> tuple[str, ...]:
    """A detail line naming the known values closest to a mistyped one, or none."""
    import difflib

    near = difflib.get_close_matches(written, sorted(known), n=3, cutoff=cutoff)
    return (f"did you mean: {', '.join(near)}",) if near else ()


@dataclass
class Result:
    articles: list[Article]
    registries: Optional[Registries]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


# --- pydantic errors → located problems -------------------------------------------------

def _code_for(error_type: str) -> str:
    if error_type in CODES:
        return error_type  # our own PydanticCustomError types are the codes
    if error_type == "extra_forbidden":
        return "unknown-field"
    if error_type == "missing":
        return "missing-field"
    if error_type.endswith("_type") or error_type.endswith("_parsing") or error_type in {"model_attributes_type", "dict_type", "list_type"}:
        return "wrong-type"
    return "invalid-value"


@lru_cache(maxsize=None)
def _field_names(model: type[BaseModel]) -> frozenset[str]:
    """Every field name of `model` and of the models inside it (what a misspelt key may mean)."""
    import typing

    names, todo, seen = set(), [model], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for name, info in current.model_fields.items():
            names.add(name)
            stack = [info.annotation]
            while stack:
                t = stack.pop()
                if isinstance(t, type) and issubclass(t, BaseModel):
                    todo.append(t)
                stack += list(typing.get_args(t))
    return frozenset(names)


# Fields that hold an actor id: (the field) or (the list, index).
_ACTOR_FIELDS, _ACTOR_LISTS = {"speaker", "actor"}, {"subjects", "co_speakers"}


def model_problems(exc: ValidationError, loaded: Loaded, display: str, model: Optional[type[BaseModel]] = None,
                   actor_spelled: Optional[Callable[[str], Optional[str]]] = None) -> list[Problem]:
    """`actor_spelled`: the registry's lookup of an actor's name or alias, so that one written where
    its id is due (speaker: U.S. European Command) says which id it is."""
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        code = _code_for(err["type"])
        msg = err["msg"]
        detail: tuple[str, ...] = ()
        if code == "unknown-field":
            msg = f"unknown field {loc[-1]!r}"
            if model is not None and isinstance(loc[-1], str):
                detail = did_you_mean(loc[-1], _field_names(model), cutoff=0.75)
        elif code == "wrong-type":
            msg = f"{msg}, got {type(err.get('input')).__name__} {err.get('input')!r}"[:300]
        elif code == "missing-field":
            msg = f"required field {loc[-1]!r} is missing"
        elif err["type"] == "string_pattern_mismatch" and (err.get("ctx") or {}).get("pattern") in PATTERN_WORDS:
            msg = f"{err.get('input')!r} is not {PATTERN_WORDS[err['ctx']['pattern']]}"[:300]
            written = err.get("input")
            is_actor = loc[-1] in _ACTOR_FIELDS or (len(loc) > 1 and isinstance(loc[-1], int) and loc[-2] in _ACTOR_LISTS)
            if actor_spelled is not None and is_actor and isinstance(written, str) and (found := actor_spelled(written)):
                detail = (f"{written!r} is a spelling of the actor {found}: write {found}",)
        out.append(Problem(display, loaded.line_of(loc), dotted(loc), code, msg, detail))
    return out


def parse(model: type[BaseModel], path: Path, display: str, *, fast: bool = False,
          clock: StageClock = NO_CLOCK, raw: Optional[bytes] = None,
          actor_spelled: Optional[Callable[[str], Optional[str]]] = None) -> tuple[Optional[BaseModel], Optional[Loaded], list[Problem]]:
    """The file as `model`, its values with their lines, and its problems: those that stop it
    parsing (the model is then None), or the consistency problems of a model whose fields are all
    well-formed (the model comes with them, so that the checks against the seed text run too).

    With `fast`, a file in canonical form is read by the fast reader, which keeps no lines, and
    the model is returned only if its fields are well-formed (its consistency problems, if any,
    then come without lines); anything else is read again by the full reader, so that the
    problems that stop parsing come with their lines. A caller that finds problems, where lines
    are needed, parses again without `fast`. `raw`: the file's bytes, when the caller has read
    them (the record cache keeps the sha256 of exactly the bytes checked). `actor_spelled`: as for
    `model_problems`.
    """
    def text() -> str:
        return read_text(path, display) if raw is None else decode_text(raw, display)

    if fast:
        with clock.stage("parse", 1):
            try:
                # The fast reader takes no escape but \" and \\ (scripts/yamlfast.py), so a control
                # character written as one ("\e") goes to the full reader's check below.
                data = fast_load(text())
            except YamlError:
                data = None
        if data is not None:
            with clock.stage("validate", 1):
                try:
                    parsed, found = _validated(model, data)
                except ValidationError:
                    pass
                else:  # consistency problems come without lines: the caller checks again without `fast`
                    fast_loaded = Loaded(data, {})
                    return parsed, fast_loaded, inconsistency_problems(parsed, found, fast_loaded, display)
    with clock.stage("parse (full reader)", 1):
        try:
            source = text()  # decoding can fail too (a BOM, not UTF-8): a located problem, not a traceback
            loaded = loads(source, display)
        except YamlError as exc:
            return None, None, [exc.problem]
    data = loaded.data if loaded.data is not None else {}
    if "\\" in source:  # a raw control character stops the reader; one written as an escape does not
        escaped = list(_escaped_controls(data, loaded, display))
        if escaped:
            return None, loaded, escaped
    with clock.stage("validate", 0 if fast else 1):
        try:
            parsed, found = _validated(model, data)
        except ValidationError as collected:
            # Some fields are not well-formed, so the checks against the seed text must wait. The
            # model is validated again raising, so that the consistency problems come with the
            # others, located by pydantic (without the context, the same data only fails more).
            try:
                model.model_validate(data)
            except ValidationError as exc:
                collected = exc
            return None, loaded, model_problems(collected, loaded, display, model, actor_spelled)
        return parsed, loaded, inconsistency_problems(parsed, found, loaded, display)


def _validated(model: type[BaseModel], data: Any) -> tuple[BaseModel, list]:
    """`data` as `model`, with the consistency problems its models collected instead of raising."""
    found: list = []
    return model.model_validate(data, context={INCONSISTENT: found}), found


def _submodels(model: BaseModel, loc: tuple) -> Iterator[tuple[tuple, BaseModel]]:
    yield loc, model
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            yield from _submodels(value, loc + (name,))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _submodels(item, loc + (name, i))


def inconsistency_problems(model: BaseModel, found: list, loaded: Loaded, display: str) -> list[Problem]:
    """The consistency problems the models collected (schema/record.py, `_inconsistent`), located
    as pydantic locates the same problems when it raises them: at the item they are about."""
    if not found:
        return []
    where = {id(sub): loc for loc, sub in _submodels(model, ())}
    out = []
    for sub, error in found:
        loc = where[id(sub)]
        out.append(Problem(display, loaded.line_of(loc), dotted(loc), error.type, error.message()))
    return out


# --- registries -------------------------------------------------------------------------

def load_registries(layout: Layout, *, fast: bool = False) -> tuple[Optional[Registries], list[Problem]]:
    registries, problems = _load_registries(layout, fast)
    if fast and problems:
        return _load_registries(layout, False)  # again with the full reader, for the problems' lines
    return registries, problems


def _load_registries(layout: Layout, fast: bool) -> tuple[Optional[Registries], list[Problem]]:
    problems: list[Problem] = []
    actors_display, props_display = layout.rel(layout.actors), layout.rel(layout.propositions)
    actor_reg, actor_lines, p1 = parse(ActorRegistry, layout.actors, actors_display, fast=fast)
    prop_reg, prop_lines, p2 = parse(PropositionRegistry, layout.propositions, props_display, fast=fast)
    problems += p1 + p2
    if actor_reg is None or prop_reg is None:
        return None, problems
    actors: dict[str, Actor] = {}
    aliases: dict[str, str] = {}
    for i, actor in enumerate(actor_reg.actors):
        if actor.id in actors:
            problems.append(Problem(actors_display, actor_lines.line_of(("actors", i, "id")), f"actors[{i}].id", "duplicate-id", f"actor id {actor.id!r} is used twice"))
        actors[actor.id] = actor
        for j, alias in enumerate(actor.aliases):
            if alias in aliases and aliases[alias] != actor.id:
                problems.append(Problem(actors_display, actor_lines.line_of(("actors", i, "aliases", j)), f"actors[{i}].aliases[{j}]", "duplicate-id",
                                        f"alias {alias!r} already belongs to {aliases[alias]!r}; an alias names one actor"))
            aliases[alias] = actor.id
    propositions: dict[str, Proposition] = {}
    for i, prop in enumerate(prop_reg.propositions):
        if prop.id in propositions:
            problems.append(Problem(props_display, prop_lines.line_of(("propositions", i, "id")), f"propositions[{i}].id", "duplicate-id", f"proposition id {prop.id!r} is used twice"))
        propositions[prop.id] = prop
    return Registries(actors, propositions, AliasMatcher(aliases)), problems


# --- one record -------------------------------------------------------------------------

class RecordChecker:
    """Checks one parsed record against its seed and the registries; collects problems."""

    def __init__(self, layout: Layout, registries: Registries, record: Record, loaded: Loaded, path: Path, clock: StageClock = NO_CLOCK,
                 display: Optional[str] = None):
        self.layout, self.reg, self.record, self.loaded, self.path = layout, registries, record, loaded, path
        self.clock = clock
        self.display = display or layout.rel(path)
        self.problems: list[Problem] = []
        self.unresolved = 0  # evidence quotes that did not resolve to a span
        self.coverage: list[Span] = []  # every resolved claim/figure/skip span, duplicates included
        self.seed_seen: Optional[tuple[str, os.stat_result]] = None  # (sha256, lstat) of the seed as read
        # What notes say of other records' items, for the caller, who sees every record:
        # (location of the note, article id, full item id, the words as written).
        self.references: list[tuple[tuple, str, str, str]] = []

    def problem(self, loc: tuple, code: str, message: str, detail: Iterable[str] = ()) -> None:
        self.problems.append(Problem(self.display, self.loaded.line_of(loc), dotted(loc), code, message, tuple(detail)))

    # The seed ---------------------------------------------------------------------------
    def read_seed(self) -> Optional[str]:
        rec = self.record
        name = rec.seed.file
        stem = RECORD_NAME.match(self.path.name)
        if not stem or stem["article_id"] != rec.article_id:
            self.problem(("article_id",), "article-id-mismatch", f"article_id {rec.article_id!r} but the file is named {self.path.name!r}")
        if "/" in name or "\\" in name or name in {".", ".."} or name.startswith("~"):
            bare = _bare_name(name)
            if SEED_NAME.match(bare) and (self.layout.seeds / bare).is_file():
                # 'seeds/005_….txt', as the README names seeds: say the fix, not only the rule.
                message = f"{name!r} is a path; write the bare name of the file in seeds/: {bare}"
            else:
                message = f"{name!r} is a path; give the bare file name of a seed in seeds/"
            self.problem(("seed", "file"), "seed-outside", message)
            return None
        m = SEED_NAME.match(name)
        if not m:
            if SEED_NAME.match(name.lower()):
                message = f"{name!r}: seed names are in lower case (the hex of the sha256 too); write {name.lower()}"
            else:
                message = f"{name!r} does not follow <article_id>_<16 hex>.txt"
            self.problem(("seed", "file"), "seed-name", message)
            return None
        if m["article_id"] != rec.article_id:
            self.problem(("seed", "file"), "article-id-mismatch", f"seed {name!r} belongs to article {m['article_id']}, not {rec.article_id}")
            return None
        path = self.layout.seeds / name
        # One lstat and one read: the seed's bytes are hashed, decoded and handed to the record
        # cache (seed_seen) from the same read.
        try:
            st = path.lstat()
        except FileNotFoundError:
            st = None
        except OSError as exc:
            self.problem(("seed", "file"), "seed-missing", f"seeds/{name} cannot be read: {exc.strerror}")
            return None
        if st is not None and not stat.S_ISREG(st.st_mode):
            self.problem(("seed", "file"), "seed-outside", f"seeds/{name} is a link or not a regular file")
            return None
        if st is None:
            self.problem(("seed", "file"), "seed-missing", f"seeds/{name} does not exist")
            return None
        try:
            raw = path.read_bytes()
        except OSError as exc:
            self.problem(("seed", "file"), "seed-missing", f"seeds/{name}: cannot read: {exc.strerror}")
            return None
        digest = hashlib.sha256(raw).hexdigest()
        self.seed_seen = (digest, st)
        if digest != rec.seed.sha256:
            self.problem(("seed", "sha256"), "seed-hash-mismatch", f"seeds/{name} has sha256 {digest}, the record says {rec.seed.sha256}")
            return None
        # The name's 16 hex are the text's as `new` archived it: a seed edited and its new sha256
        # written into the record is caught here. The five original seeds, named by their
        # capture, are exempt with their exact bytes only (layout.LEGACY_SEEDS).
        if m["hash16"] != digest[:16] and LEGACY_SEEDS.get(name) != digest:
            self.problem(("seed", "file"), "seed-name",
                         f"seeds/{name} has sha256 {digest}, but its name says the sha256 begins {m['hash16']}: "
                         "the text changed after it was archived")
            return None
        try:
            text = decode_text(raw, f"seeds/{name}")
        except YamlError as exc:
            p = exc.problem
            self.problem(("seed", "file"), p.code, f"seeds/{name}: {p.message}")
            return None
        if "\r" in text:
            self.problem(("seed", "file"), "crlf", f"seeds/{name} contains carriage returns (CRLF line endings)")
            return None
        return text

    # Evidence ---------------------------------------------------------------------------
    def span(self, loc: tuple, ev: Any, text: str, within: Span, scope: str) -> Optional[Span]:
        got = resolve(text, ev.quote, ev.occurrence, within, scope=scope)
        if isinstance(got, Miss):
            field = "occurrence" if got.code == "occurrence-out-of-range" else "quote"
            self.problem(loc + (field,), got.code, got.message, got.detail)
            self.unresolved += 1
            return None
        return got

    def check(self) -> Optional[Article]:
        with self.clock.stage("validate"):
            self.check_notes()
            text = self.read_seed()
        if text is None:
            return None
        with self.clock.stage("evidence spans"):
            article = self.check_spans(text)
        if article is None:
            return None
        with self.clock.stage("mentions"):
            article.mentions = self.check_mentions(text, article.body)
        self.clock.count("mentions", len(article.mentions))
        with self.clock.stage("sentence accounting", 1):
            self.check_sentences(article)
        with self.clock.stage("validate"):
            self.check_formula_cells()
        return article

    def check_spans(self, text: str) -> Optional[Article]:
        """The body, then every evidence span of the record (metadata, claims, figures, skips)."""
        rec = self.record
        whole = Span(0, len(text))
        opens = self.span(("body", "opens"), rec.body.opens, text, whole, "seed")
        if opens is None:
            return None
        closes = resolve(text, rec.body.closes.quote, rec.body.closes.occurrence, Span(opens.start, len(text)), scope="seed")
        if isinstance(closes, Miss):
            if closes.code == "quote-not-found" and text.find(rec.body.closes.quote) != -1:
                self.problem(("body", "closes", "quote"), "body-delimiters", "the closing quote occurs only before the opening quote")
            else:
                self.span(("body", "closes"), rec.body.closes, text, Span(opens.start, len(text)), "seed")
            return None
        body = Span(opens.start, closes.end)
        article = Article(rec, self.path, text, body)

        for name in ("title", "publisher", "author", "published"):
            meta = getattr(rec, name)
            if meta.quote is not None:
                span = self.span((name,), meta, text, whole, "seed")
                if span:
                    article.meta_spans[name] = span
        credited: set[str] = set()
        for i, src in enumerate(rec.credited_sources):
            self.actor_ref(("credited_sources", i, "actor"), src.actor)
            if src.actor in credited:
                self.problem(("credited_sources", i, "actor"), "duplicate-id", f"{src.actor!r} is credited twice; keep one credit per outlet")
            credited.add(src.actor)
            span = self.span(("credited_sources", i), src, text, whole, "seed")
            if span:
                article.meta_spans[f"credited_sources[{i}]"] = span

        coverage = self.coverage
        self.check_items(article, "claims", body)
        claims = len(coverage)
        self.check_items(article, "figures", body)
        figures = len(coverage)
        self.check_items(article, "skips", body)
        self.check_skip_overlaps(article, coverage[:claims], coverage[figures:])
        self.clock.count("evidence spans", 2 + len(article.meta_spans) + len(article.spans))
        return article

    def check_items(self, article: Article, section: str, body: Span) -> None:
        # Some 50 items a record: locations are made, and the registries asked through
        # actor_ref, only for an item with a problem.
        rec = self.record
        actors, propositions = self.reg.actors, self.reg.propositions
        claim_ids = {rec.full_id(c.id) for c in rec.claims}
        prefix = rec.article_id + "-"  # a full id is <article_id>-<local id>
        spans, text = article.spans, article.text
        for i, item in enumerate(getattr(rec, section)):
            full = rec.full_id(item.id)
            if not full.startswith(prefix):
                self.problem((section, i, "id"), "id-prefix-mismatch", f"id {item.id!r} does not belong to article {rec.article_id}")
            if full in spans:
                self.problem((section, i, "id"), "duplicate-id", f"id {full!r} is used twice in this record")
            span = self.span((section, i), item, text, body, "body")
            if span:
                spans.setdefault(full, span)
                self.coverage.append(span)
            if section == "claims":
                if item.speaker and item.speaker not in actors:
                    self.actor_ref((section, i, "speaker"), item.speaker)
                if item.co_speakers:
                    for j, other in enumerate(item.co_speakers):
                        if other not in actors:
                            self.actor_ref((section, i, "co_speakers", j), other)
                    speakers = [item.speaker, *item.co_speakers]
                    if len(set(speakers)) != len(speakers):
                        self.problem((section, i, "co_speakers"), "duplicate-id", "an actor is listed twice among the speakers (speaker and co_speakers)")
                for j, subject in enumerate(item.subjects):
                    if subject not in actors:
                        self.actor_ref((section, i, "subjects", j), subject)
                if len(set(item.subjects)) != len(item.subjects):
                    self.problem((section, i, "subjects"), "duplicate-id", "an actor is listed twice among the subjects")
                if item.proposition and item.proposition not in propositions:
                    self.problem((section, i, "proposition"), "unknown-proposition", f"unknown proposition {item.proposition!r}",
                                 did_you_mean(item.proposition, propositions) + (f"known: {', '.join(sorted(propositions))}",))
            elif section == "figures":
                if item.actor and item.actor not in actors:
                    self.actor_ref((section, i, "actor"), item.actor)
                if item.claim and rec.full_id(item.claim) not in claim_ids:
                    self.problem((section, i, "claim"), "unknown-claim", f"no claim {item.claim!r} in this record")

    def check_skip_overlaps(self, article: Article, claims: list[Span], skips: list[Span]) -> None:
        """A skip quotes no words a claim quotes (a scaffolded placeholder left over a coded
        sentence). `claims`, `skips`: their resolved spans. By claim start, with the furthest end
        reached so far: a skip overlaps a claim when one that starts before the skip ends reaches
        past the skip's start. Which claim, and which skip, is worked out only for a skip that does."""
        if not claims or not skips:
            return
        claims = sorted(claims)
        starts = [claim[0] for claim in claims]
        reach = list(accumulate([claim[1] for claim in claims], max))
        for start, end in skips:
            k = bisect_left(starts, end)
            if k and reach[k - 1] > start:
                break
        else:
            return
        rec, spans = self.record, article.spans
        for i, skip in enumerate(rec.skips):
            span = spans.get(rec.full_id(skip.id))
            claim = span and next((c for c in rec.claims if (s := spans.get(rec.full_id(c.id))) and s.overlaps(span)), None)
            if claim is not None:
                at = spans[rec.full_id(claim.id)]
                self.problem(("skips", i), "skip-overlaps-claim",
                             f"skip {skip.id} ({span.start}..{span.end}) overlaps claim {claim.id} ({at.start}..{at.end}), "
                             "which codes the same words", (f"skip quotes: {skip.quote[:200]!r}", f"claim quotes: {claim.quote[:200]!r}"))

    # Notes ------------------------------------------------------------------------------
    @cached_property
    def items(self) -> frozenset[str]:
        """The full ids of the record's claims, figures and skips: for the notes that name them,
        here and (through check_file) in other records."""
        return items_of(self.record)

    def check_notes(self) -> None:
        """Each item a note names exists: this record's here, another record's by the caller
        (`project_problems`), which sees every record."""
        rec = self.record
        for loc, note in _notes(rec):
            for article, item, words in item_references(note):
                if article is not None and article != rec.article_id:
                    self.references.append((loc, article, f"{article}-{item}", words))
                    continue
                if f"{rec.article_id}-{item}" not in self.items:
                    self.problem(loc, "note-names-missing-item", f"the note names {words!r}, but this record has no {item}")
        for i, skip in enumerate(rec.skips):
            # The codebook's reason says "the note names it": without the claim, nothing shows what
            # the sentence repeats, or that it repeats anything.
            if skip.reason is SkipReason.duplicate_of_claim and not any(
                    item.startswith("c") for _, item, _ in item_references(skip.note or "")):
                self.problem(("skips", i, "note"), "duplicate-unnamed",
                             "a skip of reason duplicate-of-claim must name the claim it restates in its note")

    def actor_ref(self, loc: tuple, actor_id: str) -> None:
        if actor_id not in self.reg.actors:
            self.problem(loc, "unknown-actor", f"unknown actor {actor_id!r}",
                         did_you_mean(actor_id, self.reg.actors) + (f"known: {', '.join(sorted(self.reg.actors))}",))

    def check_mentions(self, text: str, body: Span) -> list[Mention]:
        found = self.reg.matcher.find(text, body)
        by_span = {m.span: m for m in found}
        for i, ex in enumerate(self.record.mentions.exclude):
            span = self.span(("mentions", "exclude", i), ex, text, body, "body")
            if span is None:
                continue
            if span not in by_span:
                self.problem(("mentions", "exclude", i, "quote"), "stale-mention-exclusion",
                             f"no alias match at {span.start}..{span.end}; the quote must be exactly the alias occurrence")
            by_span.pop(span, None)
        added: list[Mention] = []
        for i, add in enumerate(self.record.mentions.add):
            self.actor_ref(("mentions", "add", i, "actor"), add.actor)
            span = self.span(("mentions", "add", i), add, text, body, "body")
            if span is not None:
                if any(m.span == span and m.actor_id == add.actor for m in added):
                    self.problem(("mentions", "add", i), "duplicate-id", f"the same mention of {add.actor!r} is added twice")
                added.append(Mention(add.actor, span, "record"))
        # A hand-added mention overrides any alias match it overlaps.
        kept = [m for m in by_span.values() if not any(m.span.overlaps(a.span) for a in added)]
        return sorted(kept + added, key=lambda m: (m.span.start, m.span.end))

    def check_sentences(self, article: Article) -> None:
        if self.unresolved:
            return  # a quote that did not resolve covers an unknown sentence: fix it first
        for sentence in unaccounted(article.text, article.body, self.coverage):
            snippet = article.text[sentence.start : sentence.end]
            self.problem(("body",), "unaccounted-sentence",
                         f"sentence at {sentence.start}..{sentence.end} is covered by no claim, figure or skip",
                         (f"sentence: {snippet[:300]!r}",))

    def check_formula_cells(self) -> None:
        deliberate = set(self.record.deliberate_formula_cells)
        used: set[str] = set()
        for loc, value in _suspect_strings(self.record, self.loaded.data):
            if loc and loc[-1] in {"file", "sha256"}:
                continue
            if loc and loc[-1] in _NOTES and value.lstrip().startswith("TODO"):
                self.problem(loc, "placeholder", f"still a placeholder: {value[:80]!r}")
                continue
            if value.startswith(FORMULA_START):
                if dotted(loc) in deliberate:
                    used.add(dotted(loc))
                    continue
                self.problem(loc, "spreadsheet-formula", f"text starts with {value[:1]!r}: {value[:40]!r}",
                             (f"if it is deliberate, list {dotted(loc)!r} under deliberate_formula_cells",))
        for i, path in enumerate(self.record.deliberate_formula_cells):
            if path not in used:
                self.problem(("deliberate_formula_cells", i), "spreadsheet-formula",
                             f"{path!r} is listed as a deliberate formula cell but its text does not start with =, +, -, @, tab or CR")


_NOTES = {"note", "notes"}

# A claim, figure or skip a note names: "c06", "f01", "s09", or another record's "002 c10" (or
# its full id, "002-c10", or "002's c10"): the item, then the article's id just before it, if
# there is one. An id listed after another record's ("004 c30 and c31", "002 c10, c11",
# "002 c10/c11", "004 c28-c31") is that record's too.
_ITEM_REFERENCE = re.compile(r"\b[cfs][0-9]{2,}\b")
_ARTICLE_BEFORE = re.compile(r"(?:^|[^0-9A-Za-z_])([0-9]{3,})(?:'s|’s)?[ -]$")
_LISTED_AFTER = re.compile(r"\s*(?:,|/|-|–|and|or|to|, and|, or)\s*")


def item_references(note: str) -> Iterator[tuple[Optional[str], str, str]]:
    """(article id or None for this record's, local item id, the words as written) of each item
    `note` names."""
    listing, end = None, -1  # the other record whose items are being listed, where the last ended
    for m in _ITEM_REFERENCE.finditer(note):
        window = max(0, m.start() - 24)
        before = _ARTICLE_BEFORE.search(note[window : m.start()])
        if before is not None:
            listing, end = before[1], m.end()
            yield before[1], m[0], note[window + before.start(1) : m.end()]
        elif listing is not None and _LISTED_AFTER.fullmatch(note[end : m.start()]):
            end = m.end()
            yield listing, m[0], f"{listing} {m[0]}"
        else:
            listing = None
            yield None, m[0], m[0]


def _escaped_controls(data: Any, loaded: Loaded, display: str, loc: tuple = ()) -> Iterator[Problem]:
    """A control character a double-quoted escape put in a value ("\\e", "\\x07", "\\u001b"),
    at the value's line: it would be published in the tables as it is."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _escaped_controls(value, loaded, display, (*loc, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _escaped_controls(value, loaded, display, (*loc, i))
    elif isinstance(data, str) and (m := CONTROL.search(data)):
        code = ord(m[0])
        yield Problem(display, loaded.line_of(loc), dotted(loc), "control-character",
                      f"control character U+{code:04X} written as an escape in the value, at character {m.start() + 1}")


def _notes(record: Record) -> Iterator[tuple[tuple, str]]:
    """(location, text) of every note of a record (tests/test_invalid_fixtures.py checks that
    these are all the models' note fields)."""
    for name in ("title", "publisher", "author", "published"):
        note = getattr(record, name).note
        if note:
            yield (name, "note"), note
    for section in ("claims", "figures", "skips"):
        for i, item in enumerate(getattr(record, section)):
            if item.note:
                yield (section, i, "note"), item.note
    if record.notes:
        yield ("notes",), record.notes


def items_of(record: Record) -> frozenset[str]:
    """The full ids (900-c01) of a record's claims, figures and skips."""
    return frozenset(record.full_id(item.id) for section in (record.claims, record.figures, record.skips) for item in section)


# In JSON, a string that starts with one of FORMULA_START opens with `"` and that character as
# JSON writes it (tab and CR escaped); a TODO note holds "TODO". Text that merely contains one
# (an escaped quote before a minus sign) only costs the walk below.
_SUSPECT_MARKS = tuple(('"' + json.dumps(c)[1:-1]).encode() for c in FORMULA_START) + (b"TODO",)


def _suspect_strings(record: Record, data: Any = None) -> list[tuple[tuple, str]]:
    """(location, text) of the strings `check_formula_cells` looks at, in document order: those a
    spreadsheet may execute and notes that start with TODO. Most records hold none, which JSON
    made in Rust shows without walking some 2,000 strings in Python; only a record that may hold
    one is walked, and only these get a location built.

    `data`: what the record was validated from. Every text of the model is a text of it (the
    models neither add text nor change it), so when its JSON holds no mark neither does the
    model's; orjson writes it in 14 µs where the model's own JSON takes 80 (and a search of a
    str with non-ASCII text as long again). Data orjson cannot write goes by the model's JSON."""
    exclude = {"deliberate_formula_cells"}
    dumped = None
    if data is not None:
        try:
            dumped = orjson.dumps(data)
        except TypeError:  # the full reader's own types (a float subclass)
            pass
    if dumped is None:
        dumped = record.__pydantic_serializer__.to_json(record, exclude=exclude)
    # A mark's second byte first: a one-byte search is memchr (0.3 µs over a record's JSON), a
    # longer one walks every `"` (10 µs), and most marks' second bytes (=, +, @, \) are rare.
    if not any(mark[1:2] in dumped and mark in dumped for mark in _SUSPECT_MARKS):
        return []
    value = record.model_dump(mode="json", exclude=exclude)
    out: list[tuple[tuple, str]] = []

    def walk(node, loc: tuple) -> None:  # a JSON-mode dump: plain dicts, lists and scalars
        for key, v in (node.items() if node.__class__ is dict else enumerate(node)):
            kind = v.__class__
            if kind is str:
                if v.startswith(FORMULA_START) or (key in _NOTES and v.lstrip().startswith("TODO")):
                    out.append((loc + (key,), v))
            elif kind is dict or kind is list:
                walk(v, loc + (key,))

    walk(value, ())
    return out


# --- everything -------------------------------------------------------------------------

@dataclass
class Checked:
    """One record, parsed and checked on its own (an article_id used by two records is found by
    the caller, which sees them all)."""

    record: Optional[Record]  # None when the file does not parse into a record
    loaded: Optional[Loaded]
    article: Optional[Article]  # only for a record without problems
    problems: list[Problem]
    seed_seen: Optional[tuple[str, os.stat_result]] = None  # (sha256, lstat) of the seed, when it was read
    # For `project_problems`: the record's full item ids, and what its notes say of other records'.
    items: str = ""  # its full item ids, sorted, separated by spaces (see SeenRecord)
    references: tuple[tuple[tuple, str, str, str], ...] = ()


def check_file(layout: Layout, registries: Registries, path: Path, *, fast: bool = False, clock: StageClock = NO_CLOCK,
               display: Optional[str] = None, raw: Optional[bytes] = None) -> Checked:
    """Parse and check one record. With `fast`, a record with any problem is read and checked
    again with the full reader, so its problems are exactly those `validate` reports.
    `display`: the path as messages name it, `layout.rel(path)` (found here if not given);
    `raw`: the record's bytes, when the caller has read them."""
    display = display or layout.rel(path)
    record, loaded, problems = parse(Record, path, display, fast=fast, clock=clock, raw=raw,
                                     actor_spelled=registries.actor_spelled)
    if record is None:
        return Checked(None, loaded, None, problems)
    checker = RecordChecker(layout, registries, record, loaded, path, clock, display)
    checker.problems += problems  # the consistency problems of well-formed fields; the seed checks still run
    article = checker.check()
    if checker.problems and fast:
        return check_file(layout, registries, path, clock=clock, display=display, raw=raw)
    return Checked(record, loaded, article if not checker.problems else None, checker.problems, checker.seed_seen,
                   " ".join(sorted(checker.items)), tuple(checker.references))


def duplicate_problem(display: str, loaded: Loaded, article_id: str, first: str) -> Problem:
    return Problem(display, loaded.line_of(("article_id",)), "article_id", "duplicate-id", f"article {article_id} is also recorded in {first}")


class SeenRecord(NamedTuple):
    """What the checks across records (`project_problems`) need of one record file; `validate`
    and the pipeline (from a fresh or a cached outcome) both give them."""

    display: str
    article_id: Optional[str]  # None when the file does not parse into a record
    seed_file: Optional[str]
    # The full ids (900-c01) of its claims, figures and skips, as one string: 10,000 records'
    # ids as sets held 660,000 strings in memory and took 0.3 s to load from the cache on every
    # run, to answer the few references notes make to other records.
    items: str = ""
    references: tuple = ()  # (location of a note, article id, full item id, words) of other records' items its notes name
    first: bool = True  # the first record of its article: a second is not checked further


def _bare_name(name: str) -> str:
    return re.split(r"[\\/]", name)[-1]


def project_problems(layout: Layout, seen: list[SeenRecord], locate: Callable[[str], Optional[Loaded]], *,
                     complete: bool) -> list[Problem]:
    """What only the records together show: a note that names another record's item that does not
    exist; and, when `complete` (every record was checked, not some), the files nothing reads: a
    seed no record cites (orphan-seed) and a file in dataset/records/ not named <article_id>.yaml
    (misplaced-record). `locate`: a record's lines (display -> Loaded), asked only for a problem."""
    items = {s.article_id: s.items for s in seen if s.article_id is not None and s.first}
    sets: dict[str, frozenset[str]] = {}  # the ids of the articles referenced, made when first needed
    seeds = {s.article_id: (s.display, s.seed_file) for s in seen if s.article_id is not None and s.first}
    # Articles whose record does not parse: what they hold is not known.
    unknown = {m["article_id"] for s in seen if s.article_id is None and (m := RECORD_NAME.match(os.path.basename(s.display)))}
    out: list[Problem] = []
    for s in seen:
        if not s.first:
            continue
        for loc, article, item, words in s.references:
            if article in items:
                if article not in sets:
                    sets[article] = frozenset(items[article].split())
                if item in sets[article]:
                    continue
                message = f"the note names {words!r}, but article {article} has no {item.rsplit('-', 1)[1]}"
            elif article in unknown or not complete:
                continue
            else:
                message = f"the note names {words!r}, but there is no article {article}"
            loaded = locate(s.display)
            out.append(Problem(s.display, loaded.line_of(loc) if loaded else 0, dotted(loc), "note-names-missing-item", message))
    if not complete:
        return out
    # dataset/package.yaml, which only `build` read: `validate` said ok while the build would fail.
    from schema.package import PackageMeta

    out += parse(PackageMeta, layout.package_meta, layout.rel(layout.package_meta))[2]
    for path, message in _misplaced(layout):
        out.append(Problem(layout.rel(path), 0, "", "misplaced-record", message))
        unknown.add(re.match(r"[0-9]*", path.name)[0])  # its seed is not an orphan too: renaming it is the fix
    cited = {s.seed_file for s in seen if s.seed_file is not None}
    # A record that names its seed as a path or in upper case has its own problem (seed-outside,
    # seed-name) whose fix makes the seed cited: calling the seed an orphan too, with "delete the
    # seed" as the hint, would point at the wrong file.
    cited |= {_bare_name(name).lower() for name in cited}
    try:
        names = sorted(name for name in os.listdir(layout.seeds) if not _not_data(name))
    except (FileNotFoundError, NotADirectoryError):
        names = []
    for name in names:
        if name in cited:
            continue
        m = SEED_NAME.match(name)
        article = m["article_id"] if m else None
        if article in unknown:
            continue
        if article in seeds:
            display, seed_file = seeds[article]
            message = f"no record cites this seed; the record of article {article}, {display}, cites {seed_file}"
        elif article is not None:
            message = f"no record cites this seed: there is no {layout.rel(layout.records / f'{article}.yaml')}"
        else:
            message = "no record cites this file, and none can: a seed is named <article_id>_<first 16 hex of sha256>.txt"
        out.append(Problem(layout.rel(layout.seeds / name), 0, "", "orphan-seed", message))
    return out


# Files that are nobody's data: hidden files (.gitkeep), editors' backups and swap files
# (004.yaml~, #004.yaml#, .004.yaml.swp) and a folder's README. An editor's auto-save beside a
# record must not stop `make serve` while the record is being edited.
_EDITOR_FILE = re.compile(r"^\..*|.*~$|^#.*#$|.*\.sw[a-p]$|^README(\.[A-Za-z]+)?$", re.I)


def _not_data(name: str) -> bool:
    return _EDITOR_FILE.match(name) is not None


def _misplaced(layout: Layout) -> Iterator[tuple[Path, str]]:
    """Files in dataset/records/ that `layout.record_files` does not list, so nothing reads them."""
    try:
        entries = sorted(os.scandir(layout.records), key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        if _not_data(entry.name):
            continue
        if entry.is_dir(follow_symlinks=False):
            if entry.name.endswith(".yaml"):
                continue  # listed as a record: its check says it cannot be read
            for folder, dirs, files in os.walk(entry.path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(f for f in files if not _not_data(f)):
                    yield (Path(folder) / name, f"{name!r} lies in a subfolder of {layout.rel(layout.records)}/, "
                           "so it is never validated or published")
        elif not entry.name.endswith(".yaml"):
            yield (Path(entry.path), f"{entry.name!r} is not named <article_id>.yaml (lower-case .yaml), so it is never validated or published")


def validate(layout: Layout, only: Optional[list[Path]] = None) -> Result:
    """Every record, one after the other, with the full reader and no cache: the reference that
    the fast, parallel and cached path (scripts/pipeline.py) is tested against."""
    registries, problems = load_registries(layout)
    articles: list[Article] = []
    files = layout.record_files() if only is None else only
    if registries is None:
        return Result([], None, sorted(problems))
    seen_ids: dict[str, str] = {}
    seen: list[SeenRecord] = []
    lines: dict[str, Loaded] = {}
    for path in files:
        checked = check_file(layout, registries, path)
        display = layout.rel(path)
        if checked.record is None:
            problems += checked.problems
            seen.append(SeenRecord(display, None, None))
            continue
        article_id = checked.record.article_id
        first = article_id not in seen_ids
        seen.append(SeenRecord(display, article_id, checked.record.seed.file, checked.items, checked.references, first))
        if not first:  # the second record of an article is not checked further
            problems.append(duplicate_problem(display, checked.loaded, article_id, seen_ids[article_id]))
            continue
        seen_ids[article_id] = display
        lines[display] = checked.loaded
        problems += checked.problems
        if checked.article is not None:
            articles.append(checked.article)
    problems += project_problems(layout, seen, lines.get, complete=only is None)
    return Result(sorted(articles, key=lambda a: a.article_id), registries, sorted(problems))
