"""A deterministic synthetic corpus in the project's real layout, for the benchmark (`make bench`).

`generate(dest, n, seed)` writes, under `dest`:
  seeds/<article_id>_<first 16 hex of sha256>.txt   about 4.5 KB of text: page furniture, a body, furniture
  dataset/records/<article_id>.yaml                 canonical form (scripts/canonical.dump)
  dataset/actors.yaml, dataset/propositions.yaml    generated registries (241 actors with 423 aliases, 120 propositions)
  dataset/package.yaml                              copied from this project
so every real command runs on it unchanged with `--root dest`.

Each record is shaped like the hand-made ones: about 11 actors named, 15 claims (whole sentences
and clauses, all four kinds, hedges, event dates, propositions), 10 figures (digits and words,
exact and vague), mentions added and excluded, credited sources, and a skip for every body
sentence nothing else quotes. Sentences are found with the validator's own function (sentencex,
line by line), so the records are valid by construction; every quote is an exact substring, with
`occurrence` wherever it repeats. About a quarter of the body lines are only partly covered by
quotes (18 of 67 in the five real records), so sentence accounting does its real work: the body
texts are about 4.5 KB and the records about 12 KB, as the real ones are.

Article i depends only on (seed, i): the corpus of 100 is the first 100 articles of the corpus
of 10,000.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from schema.record import Record
from schema.registry import ActorRegistry, PropositionRegistry

from .canonical import ACTORS_HEADER, PROPOSITIONS_HEADER, RECORD_HEADER, canonical_registry, dump
from .layout import ROOT, Layout
from .sentences import unaccounted
from .spans import Span, occurrences

GENERATOR_VERSION = "2"  # bump when the output changes, so cached corpora are made again (2: sentencex)

COUNTRIES = [
    ("United States", "USA", "Washington"), ("Russia", "RUS", "Moscow"), ("Ukraine", "UKR", "Kyiv"),
    ("France", "FRA", "Paris"), ("Germany", "DEU", "Berlin"), ("Poland", "POL", "Warsaw"), ("China", "CHN", "Beijing"),
    ("India", "IND", "New Delhi"), ("Japan", "JPN", "Tokyo"), ("Turkey", "TUR", "Ankara"), ("Finland", "FIN", "Helsinki"),
    ("Sweden", "SWE", "Stockholm"), ("Norway", "NOR", "Oslo"), ("Estonia", "EST", "Tallinn"), ("Latvia", "LVA", "Riga"),
    ("Lithuania", "LTU", "Vilnius"), ("Romania", "ROU", "Bucharest"), ("Hungary", "HUN", "Budapest"), ("Italy", "ITA", "Rome"),
    ("Spain", "ESP", "Madrid"), ("Canada", "CAN", "Ottawa"), ("Brazil", "BRA", "Brasilia"), ("Egypt", "EGY", "Cairo"),
    ("Qatar", "QAT", "Doha"), ("Kazakhstan", "KAZ", "Astana"), ("Armenia", "ARM", "Yerevan"), ("Azerbaijan", "AZE", "Baku"),
    ("Moldova", "MDA", "Chisinau"), ("Serbia", "SRB", "Belgrade"), ("Greece", "GRC", "Athens"), ("Austria", "AUT", "Vienna"),
    ("Denmark", "DNK", "Copenhagen"), ("Netherlands", "NLD", "Amsterdam"), ("Portugal", "PRT", "Lisbon"),
    ("Mexico", "MEX", "Mexico City"), ("Indonesia", "IDN", "Jakarta"),
]
FIRST_NAMES = ["Anna", "Boris", "Clara", "David", "Elena", "Farid", "Grace", "Hugo", "Irina", "Jonas", "Karin", "Luis", "Maya",
               "Nikolai", "Olga", "Pavel", "Rosa", "Stefan", "Tamara", "Victor", "Yara", "Zoran", "Lena", "Omar"]
SURNAME_STARTS = ["Var", "Lind", "Mor", "Kas", "Bel", "Dor", "Tam", "Rus", "Ost", "Hal", "Ner", "Sav", "Kov", "Pet", "Lan",
                  "Mir", "Tor", "Vel", "Grun", "Sol"]
SURNAME_ENDS = ["enko", "qvist", "ova", "ski", "ani", "escu", "idis", "sen", "berg", "ic", "ovic", "ard", "ez", "oglu", "uk"]
OUTLETS = ["Northern Wire", "Daily Ledger", "Capital Courier", "Harbour Post", "Evening Review", "Frontier Times",
           "Continental Monitor", "Riverside Gazette", "Global Dispatch", "Morning Bulletin", "Atlas News", "Meridian Report",
           "Coastal Herald", "Summit Daily", "Union Observer", "Pacific Record", "Central Chronicle", "Alpine Journal",
           "Baltic Briefing", "Delta Tribune", "Eastern Signal", "Lakeside Press", "Metro Digest", "Orbit Newswire"]
ALLIANCES = [("nato", "NATO", "North Atlantic Treaty Organization", ["NATO"]),
             ("european-union", "European Union", None, ["European Union", "EU"]),
             ("united-nations", "United Nations", None, ["United Nations", "UN"]),
             ("osce", "OSCE", "Organization for Security and Co-operation in Europe", ["OSCE"]),
             ("african-union", "African Union", None, ["African Union"])]
GROUPS = [("officials", "Officials (unnamed)"), ("experts", "Experts (unnamed)"), ("analysts", "Analysts (unnamed)"),
          ("diplomats", "Diplomats (unnamed)"), ("observers", "Observers (unnamed)"), ("critics", "Critics (unnamed)")]
TOPICS = ["military-dialogue", "arms-control", "sanctions", "prisoner-exchange", "ceasefire", "energy", "trade",
          "border-security", "humanitarian-aid", "cyber"]
TOPIC_WORDS = {"military-dialogue": "military dialogue", "arms-control": "arms control", "sanctions": "sanctions",
               "prisoner-exchange": "prisoner exchange", "ceasefire": "ceasefire", "energy": "energy supply",
               "trade": "trade", "border-security": "border security", "humanitarian-aid": "humanitarian aid", "cyber": "cyber security"}
PROPOSITION_FORMS = ["Talks on {t} have resumed.", "An agreement on {t} was reached.", "Progress on {t} is slow.",
                     "{T} talks reduce the risk of escalation.", "A new round of {t} talks is planned.",
                     "Officials disagree about the scope of {t}.", "{T} was suspended for years.",
                     "Outside mediators helped the {t} talks.", "The {t} arrangement is fragile.",
                     "{T} is linked to wider peace efforts.", "Public support for {t} talks is growing.",
                     "Verification of {t} commitments is disputed."]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
NUMBER_WORDS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
FILLERS = ["The situation remains fluid.", "Details of the arrangement were not immediately clear.",
           "It was not clear when the next meeting would take place.", "The talks continue.",
           "Further meetings are expected in the coming weeks.", "Neither side published a joint statement.",
           "The atmosphere was described as businesslike.", "Reporters were not allowed into the hall."]
RHETORICAL = ["Whether the effort succeeds remains to be seen.", "Only time will tell.",
              "Much will depend on what happens next.", "Old habits die hard."]
HEADINGS = ["What comes next", "Background", "Reactions", "The numbers", "Key points"]
QUOTES = ["We are ready to talk without preconditions", "This is a first step, not a breakthrough",
          "Our position has not changed", "Channels of communication must stay open",
          "We expect concrete results within weeks", "Nobody wants an accident at sea or in the air",
          "The door to dialogue remains open", "We will judge them by their actions"]
BACKGROUND = ["The two sides have held intermittent contacts since {year}, mostly through military attach\u00e9s and back channels.",
              "Diplomats in {capital} described the meeting as the most substantive exchange in many months.",
              "The format of the talks had been agreed in advance by both delegations, people close to the process said.",
              "The meeting took place in a hotel on the outskirts of {capital}, under heavy security.",
              "Both delegations included senior military officers as well as civilian officials from several ministries.",
              "Local television carried live coverage of the arrival of the delegations throughout the morning.",
              "Earlier attempts to set up a similar channel collapsed within weeks amid mutual accusations.",
              "The agenda, according to a draft seen by reporters, covered notification of exercises and incidents at sea.",
              "Military attach\u00e9s from several embassies in {capital} followed the proceedings from a separate room.",
              "Preparations for the meeting began in {year} but stalled repeatedly over questions of format and venue.",
              "Officials on both sides were careful to describe the talks as technical rather than political.",
              "A joint working group is expected to meet at the level of deputies before the end of the year.",
              "Similar arrangements during earlier crises were credited with preventing several dangerous incidents.",
              "The host government provided interpreters and logistical support for both delegations.",
              "Neither delegation took questions from journalists after the session ended in the early evening."]
TAILS = [", according to people familiar with the discussions", ", a move that diplomats in {capital} had long called for",
         " after weeks of quiet contacts through intermediaries", ", although neither side gave further details",
         " as pressure grew on both governments to show progress"]
ROLES = ["Defence Minister", "Foreign Minister", "envoy", "spokesperson", "Deputy Foreign Minister", "negotiator"]


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


# --- the registries ----------------------------------------------------------------------------

@dataclass
class Registry:
    countries: list[dict]
    people: list[dict]
    bodies: list[dict]
    alliances: list[dict]
    outlets: list[dict]
    groups: list[dict]
    propositions: list[dict]

    def actors(self) -> list[dict]:
        return self.countries + self.people + self.bodies + self.alliances + self.outlets + self.groups


def make_registry(seed: int = 0) -> Registry:
    rng = random.Random(f"registry:{seed}")
    countries = [{"id": _slug(name), "name": name, "kind": "country", "country": iso, "description": f"Synthetic country actor {iso}.",
                  "aliases": [name, capital]} for name, iso, capital in COUNTRIES]
    surnames = [s + e for s in SURNAME_STARTS for e in SURNAME_ENDS]
    rng.shuffle(surnames)
    people = []
    for k, surname in enumerate(surnames[:150]):
        first = FIRST_NAMES[k % len(FIRST_NAMES)]
        country = countries[k % len(countries)]
        people.append({"id": _slug(f"{first} {surname}"), "name": f"{first} {surname}", "kind": "person", "country": country["country"],
                       "description": f"Synthetic person from {country['name']}.", "aliases": [f"{first} {surname}", surname]})
    bodies = []
    for country in countries[:20]:
        name = f"{country['name']} Defence Ministry"
        bodies.append({"id": _slug(name), "name": name, "kind": "government-body", "country": country["country"],
                       "description": f"Synthetic ministry of {country['name']}.", "aliases": [name]})
    alliances = [{"id": aid, "name": long or name, "kind": "alliance", "description": f"Synthetic alliance actor {name}.", "aliases": aliases}
                 for aid, name, long, aliases in ALLIANCES]
    outlets = [{"id": _slug(name), "name": name, "kind": "media", "description": f"Synthetic news outlet {name}.", "aliases": [name]}
               for name in OUTLETS]
    groups = [{"id": gid, "name": name, "kind": "group", "description": f"{name.split(' (')[0]} the text does not name."}
              for gid, name in GROUPS]
    propositions = []
    for topic in TOPICS:
        words = TOPIC_WORDS[topic]
        for k, form in enumerate(PROPOSITION_FORMS, 1):
            propositions.append({"id": f"{topic}-{k:02d}", "topic": topic,
                                 "statement": form.format(t=words, T=words[0].upper() + words[1:])})
    return Registry(countries, people, bodies, alliances, outlets, groups, propositions)


# --- one article -------------------------------------------------------------------------------

@dataclass
class Piece:
    """A sentence of the body and what the record makes of it. Quotes are substrings of `text`."""

    text: str
    claims: list[dict] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)  # 'claim': index into this piece's claims
    adds: list[tuple[str, str]] = field(default_factory=list)  # (quote, actor id)
    excludes: list[str] = field(default_factory=list)
    skip: str = "no-checkable-content"  # the reason, for a sentence nothing else quotes


@dataclass
class Cast:
    countries: list[dict]
    people: list[dict]
    body: dict
    alliance: dict
    outlet: dict
    credit: dict
    group: dict
    propositions: list[dict]


def _claim(quote: str, kind: str, rng: random.Random, cast: Cast, *, speaker=None, subjects=(), hedged=False,
           event_date=None, statement=None) -> dict:
    claim = {"quote": quote, "kind": kind, "statement": statement or (quote[0].upper() + quote[1:]).rstrip(".") + ".",
             "subjects": list(dict.fromkeys(subjects))}
    if speaker:
        claim["speaker"] = speaker
    if hedged:
        claim["hedged"] = True
    if event_date:
        claim["event_date"] = event_date
    if rng.random() < 0.4:
        claim["proposition"] = rng.choice(cast.propositions)["id"]
        claim["stance"] = rng.choice(["supports", "supports", "supports", "contradicts", "qualifies"])
    return claim


def _figure(quote: str, as_written: str, unit: str, measure: str, **rest) -> dict:
    """A planned figure; `claim` in `rest` is the index of the piece's claim it belongs to."""
    return {"quote": quote, "as_written": as_written, "unit": unit, "measure": measure, **rest}


def _pieces(rng: random.Random, cast: Cast) -> list[Piece]:
    """A pool of body sentences about this article's cast, in a shuffled order."""
    c = cast.countries
    p = cast.people
    topic = rng.choice(TOPICS)
    tw = TOPIC_WORDS[topic]
    year = rng.randint(2014, 2023)
    out: list[Piece] = []

    n = rng.randint(2, 9)
    s = f"{c[0]['name']} and {c[1]['name']} agreed on {rng.choice(WEEKDAYS)} to resume {tw} talks after a pause of {NUMBER_WORDS[n - 2]} years."
    clause = f"after a pause of {NUMBER_WORDS[n - 2]} years"
    out.append(Piece(s, [_claim(s, "report", rng, cast, subjects=[c[0]["id"], c[1]["id"]])],
                     [_figure(clause, NUMBER_WORDS[n - 2], "year", "Length of the pause in talks", value=float(n), claim=0)]))

    for person in p[:3]:
        q = rng.choice(QUOTES)
        s = f"\u201c{q},\u201d {rng.choice(ROLES)} {person['name']} told reporters in {rng.choice(c)['aliases'][1]}."
        out.append(Piece(s, [_claim(q, "quote", rng, cast, speaker=person["id"], subjects=[c[0]["id"]])]))

    k = rng.randint(3, 40)
    clause = f"{c[0]['name']} will send {k} delegates to the next round of talks"
    s = f"According to {p[1]['name']}, {clause} in {c[2]['aliases'][1]}."
    out.append(Piece(s, [_claim(clause, "paraphrase", rng, cast, speaker=p[1]["id"], subjects=[c[0]["id"]])],
                     [_figure(clause, str(k), "person", "Delegates to be sent", value=float(k), claim=0)]))

    s = f"The decision could signal a shift in how {c[0]['name']} manages tensions with {c[1]['name']}."
    out.append(Piece(s, [_claim(s, "analysis", rng, cast, subjects=[c[0]["id"], c[1]["id"]], hedged=True)]))

    clause = f"Talks between {c[0]['name']} and {c[1]['name']} were suspended in {year}"
    s = f"{clause}, shortly before relations deteriorated further."
    out.append(Piece(s, [_claim(clause, "report", rng, cast, subjects=[c[0]["id"], c[1]["id"]], event_date=str(year))]))

    troops = rng.randint(2, 60) * 500
    clause = f"About {troops:,} troops remain stationed near the border with {c[2]['name']}"
    s = f"{clause}, {cast.group['id']} said."
    out.append(Piece(s, [_claim(clause, "paraphrase", rng, cast, speaker=cast.group["id"], subjects=[c[2]["id"]])],
                     [_figure(clause, f"{troops:,}", "soldier", "Troops stationed near the border", value=float(troops),
                              approximate=True, actor=cast.group["id"], claim=0)]))

    pct = rng.choice([1.5, 2.5, 3, 4.5, 7, 12, 18.5])
    words = f"{pct:g} percent"
    s = f"Trade between the two countries fell by {words} last year."
    out.append(Piece(s, [_claim(s, "report", rng, cast, subjects=[c[0]["id"], c[1]["id"]])],
                     [_figure(f"fell by {words}", f"{pct:g}", "percent", "Fall in trade", value=float(pct), claim=0)],
                     adds=[("the two countries", c[0]["id"]), ("the two countries", c[1]["id"])]))

    rounds = rng.randint(3, 30)
    s = f"More than {rounds} rounds of talks have taken place since {year}."
    out.append(Piece(s, [], [_figure(s, str(rounds), "item", "Rounds of talks held", value_min=float(rounds))]))

    amount = rng.randint(2, 90) * 5
    clause = f"{c[1]['name']} pledged {amount} million dollars in aid"
    s = f"{clause} for the region, a figure {cast.outlet['name']} could not verify."
    out.append(Piece(s, [_claim(clause, "report", rng, cast, subjects=[c[1]["id"]])],
                     [_figure(clause, f"{amount} million dollars", "usd", "Aid pledged", value=float(amount * 1_000_000), claim=0)]))

    hours = rng.randint(2, 11)
    s = f"U.S. and {c[1]['name']} officials met for {NUMBER_WORDS[hours - 2]} hours on {rng.choice(WEEKDAYS)}, the ministry said."
    out.append(Piece(s, [], [_figure(f"met for {NUMBER_WORDS[hours - 2]} hours", NUMBER_WORDS[hours - 2], "hour", "Length of the meeting",
                                     value=float(hours))]))

    clause = "the channel would help avoid accidents"
    s = f"Gen. {p[2]['aliases'][1]} said {clause} and misunderstandings."
    out.append(Piece(s, [_claim(clause, "paraphrase", rng, cast, speaker=p[2]["id"], subjects=[c[0]["id"], c[1]["id"]], hedged=True)]))

    s = f"{cast.alliance['aliases'][0]} welcomed the announcement and called for further steps."
    out.append(Piece(s, [_claim(s, "paraphrase", rng, cast, speaker=cast.alliance["id"], subjects=[c[0]["id"], c[1]["id"]])]))

    month, day = rng.randint(1, 12), rng.randint(1, 28)
    s = f"The next round is scheduled for {MONTHS[month - 1]} {day} in {c[3]['aliases'][1]}."
    out.append(Piece(s, [_claim(s, "report", rng, cast, subjects=[c[0]["id"], c[1]["id"]], event_date=f"2026-{month:02d}-{day:02d}")]))

    prisoners = rng.randint(2, 12)
    word = NUMBER_WORDS[prisoners - 2]
    s = f"{word.capitalize()} prisoners were exchanged at the border on {rng.choice(WEEKDAYS)}."
    out.append(Piece(s, [_claim(s, "report", rng, cast, subjects=[c[0]["id"], c[1]["id"]])],
                     [_figure(f"{word.capitalize()} prisoners were exchanged", word.capitalize(), "prisoner", "Prisoners exchanged",
                              value=float(prisoners), claim=0)]))

    s = f"Relations between {c[0]['aliases'][1]} and {c[1]['aliases'][1]} have been strained for decades."
    out.append(Piece(s, [_claim(s, "analysis", rng, cast, subjects=[c[0]["id"], c[1]["id"]])],
                     [_figure("strained for decades", "decades", "year", "How long relations have been strained", value_min=20.0,
                              approximate=True, claim=0, note="Plural decades: at least two.")]))

    s = f"Delegates gathered at the {c[2]['name']} Pavilion before the session."
    out.append(Piece(s, excludes=[c[2]["name"]]))

    s = f"{cast.body['name']} did not comment on the talks."
    out.append(Piece(s, [_claim(s, "report", rng, cast, subjects=[cast.body["id"]])]))

    q1, q2 = rng.sample(QUOTES, 2)
    s = f"\u201c{q1}. {q2},\u201d {p[0]['aliases'][1]} added."
    out.append(Piece(s, [_claim(q1, "quote", rng, cast, speaker=p[0]["id"], subjects=[c[1]["id"]])]))

    s = f"{p[3]['name']}, who attended the session, said the mood had improved."
    out.append(Piece(s, [_claim("the mood had improved", "paraphrase", rng, cast, speaker=p[3]["id"], subjects=[c[0]["id"], c[1]["id"]])]))

    trucks = rng.randint(12, 240)
    clause = f"The convoy included {trucks} trucks carrying humanitarian supplies"
    s = f"{clause} to towns near the front line."
    out.append(Piece(s, [_claim(clause, "report", rng, cast, subjects=[c[2]["id"]])],
                     [_figure(f"{trucks} trucks", str(trucks), "truck", "Trucks in the convoy", value=float(trucks), claim=0)]))

    # Longer sentences: a trailing clause that the claim does not quote, as reporters write them.
    for piece in out:
        if rng.random() < 0.5:
            tail = rng.choice(TAILS).format(capital=rng.choice(c)["aliases"][1])
            old = piece.text
            piece.text = old[:-1] + tail + "."
            for item in piece.claims + piece.figures:
                if item["quote"] == old:
                    item["quote"] = old[:-1]
    # About 15 claims: the others' sentences are left to skips, as a curator skips repetition.
    with_claims = [piece for piece in out if piece.claims and not piece.figures]
    for piece in rng.sample(with_claims, max(0, sum(len(x.claims) for x in out) - rng.randint(14, 16))):
        piece.claims = []
    capital = rng.choice(c)["aliases"][1]
    out += [Piece(b.format(year=year, capital=capital)) for b in rng.sample(BACKGROUND, len(BACKGROUND))]
    out += [Piece(f) for f in rng.sample(FILLERS, 6)]
    out += [Piece(r, skip="rhetorical") for r in rng.sample(RHETORICAL, 3)]
    rng.shuffle(out)
    out.append(Piece("The talks continue.", skip="no-checkable-content"))  # repeats a filler: an occurrence
    return out


def _occurrence(text: str, quote: str, start: int, lo: int, hi: int) -> Optional[int]:
    """`occurrence` for the quote meant at `start`, counted in text[lo:hi]; None when it is unique."""
    found = occurrences(text, quote, lo, hi)
    assert start in found, (quote, start)
    return found.index(start) + 1 if len(found) > 1 else None


def _uncovered_words(text: str, within: Span, covered: list[Span]) -> list[tuple[int, int]]:
    """The runs of `within` that no span covers, trimmed to their first and last word character."""
    free = [True] * (within.end - within.start)
    for span in covered:
        for i in range(max(span.start, within.start), min(span.end, within.end)):
            free[i - within.start] = False
    runs, i = [], 0
    while i < len(free):
        if not free[i]:
            i += 1
            continue
        j = i
        while j < len(free) and free[j]:
            j += 1
        words = [k for k in range(i, j) if text[within.start + k].isalnum() or text[within.start + k] == "_"]
        if words:
            runs.append((within.start + words[0], within.start + words[-1] + 1))
        i = j
    return runs


def _evidence(quote: str, occurrence: Optional[int]) -> dict:
    return {"quote": quote, **({"occurrence": occurrence} if occurrence else {})}


def make_article(registry: Registry, index: int, seed: int = 0) -> tuple[str, str, str]:
    """(article_id, seed text, record YAML) of article `index`."""
    rng = random.Random(f"article:{seed}:{index}")
    article_id = f"{index:05d}"
    countries = rng.sample(registry.countries, 4)
    cast = Cast(countries, rng.sample(registry.people, 4), rng.choice(registry.bodies), rng.choice(registry.alliances),
                *rng.sample(registry.outlets, 2), rng.choice(registry.groups), registry.propositions)
    title = f"{countries[0]['name']} and {countries[1]['name']} agree to resume talks"
    author = f"{rng.choice(FIRST_NAMES)} {rng.choice(['Roe', 'Doe', 'Moss', 'Hale', 'Ward', 'Finch'])}"
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    date_text = f"{MONTHS[month - 1]} {day}, 2026"
    credited = rng.random() < 0.3

    pieces = _pieces(rng, cast)
    if credited:
        pieces.append(Piece(f"{cast.credit['name']} contributed reporting.", skip="attribution-only"))
    # Paragraphs of two to four sentences; a heading or a bullet list now and then.
    lines: list[list[Piece]] = []
    i = 0
    while i < len(pieces):
        if lines and rng.random() < 0.12:
            lines.append([Piece(rng.choice(HEADINGS), skip="section-heading")])
        take = rng.randint(2, 4)
        lines.append(pieces[i : i + take])
        i += take
    head = (f"{cast.outlet['name']} | Home | World | Politics | Opinion\nShare on Facebook | Share on X | Email\n\n{title}\n\n"
            f"By {author} | {date_text}\n\n")
    body_lines = [" ".join(p.text for p in line) for line in lines]
    body_text = "\n\n".join(body_lines)
    tail = (f"\n\nRelated: {title}\nRelated: Markets steady as talks go on\nComments ({rng.randint(0, 300)})\n"
            f"\u00a9 2026 {cast.outlet['name']}. All rights reserved.\n")
    text = head + body_text + tail
    body = Span(len(head), len(head) + len(body_text))

    record: dict = {"article_id": article_id, "language": "en"}
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    record["seed"] = {"file": f"{article_id}_{digest[:16]}.txt", "sha256": digest, "url": f"https://news.example.invalid/{article_id}",
                      "retrieved": "2026-03-05"}
    whole = (0, len(text))
    record["title"] = {"value": title, **_evidence(title, _occurrence(text, title, text.index(title), *whole))}
    outlet = cast.outlet["name"]
    record["publisher"] = {"value": outlet, **_evidence(outlet, _occurrence(text, outlet, 0, *whole))}
    byline = f"By {author}"
    record["author"] = {"value": author, **_evidence(byline, _occurrence(text, byline, text.index(byline), *whole))}
    record["published"] = {"value": f"2026-{month:02d}-{day:02d}", "basis": "stated",
                           **_evidence(date_text, _occurrence(text, date_text, text.index(date_text), *whole))}
    opens, closes = body_text[:48], body_text[-24:]
    record["body"] = {"opens": _evidence(opens, _occurrence(text, opens, body.start, *whole)),
                      "closes": _evidence(closes, _occurrence(text, closes, body.end - len(closes), body.start, len(text)))}
    if credited:
        name = cast.credit["name"]
        at = text.index(f"{name} contributed")
        record["credited_sources"] = [{"actor": cast.credit["id"], **_evidence(name, _occurrence(text, name, at, *whole))}]

    claims, figures, adds, excludes, covered = [], [], [], [], []
    offset = body.start
    starts: dict[int, Piece] = {}
    for line in lines:
        for piece in line:
            starts[offset] = piece
            local_claims = []
            for claim in piece.claims:
                at = offset + piece.text.index(claim["quote"])
                claim = {"id": f"c{len(claims) + 1:02d}", **claim}
                occ = _occurrence(text, claim["quote"], at, body.start, body.end)
                if occ:
                    claim["occurrence"] = occ
                claims.append(claim)
                local_claims.append(claim["id"])
                covered.append(Span(at, at + len(claim["quote"])))
            for fig in piece.figures:
                at = offset + piece.text.index(fig["quote"])
                fig = {"id": f"f{len(figures) + 1:02d}", **fig}
                if "claim" in fig:
                    fig["claim"] = local_claims[fig["claim"]]
                occ = _occurrence(text, fig["quote"], at, body.start, body.end)
                if occ:
                    fig["occurrence"] = occ
                figures.append(fig)
                covered.append(Span(at, at + len(fig["quote"])))
            for quote, actor in piece.adds:
                at = offset + piece.text.index(quote)
                adds.append({"actor": actor, **_evidence(quote, _occurrence(text, quote, at, body.start, body.end))})
            for quote in piece.excludes:
                at = offset + piece.text.index(quote)
                excludes.append(_evidence(quote, _occurrence(text, quote, at, body.start, body.end)))
            offset += len(piece.text) + 1  # the space (or, at a line's end, the line break) after it
        offset += 1  # the blank line between paragraphs
    skips = []
    # A curator usually skips what a claim leaves of its sentence ("..., officials said"), not always.
    for start, piece in starts.items():
        if not (piece.claims or piece.figures) or rng.random() < 0.4:
            continue
        for lo, hi in _uncovered_words(text, Span(start, start + len(piece.text)), covered):
            quote = text[lo:hi]
            reason = "attribution-only" if " said" in f" {quote}" or "told" in quote else "no-checkable-content"
            skips.append({"id": f"s{len(skips) + 1:02d}", "reason": reason,
                          **_evidence(quote, _occurrence(text, quote, lo, body.start, body.end))})
            covered.append(Span(lo, hi))
    piece_starts = sorted(starts)
    for sentence in unaccounted(text, body, covered):
        quote = text[sentence.start : sentence.end]
        owner = starts[max(s for s in piece_starts if s <= sentence.start)]
        skips.append({"id": f"s{len(skips) + 1:02d}", "reason": owner.skip,
                      **_evidence(quote, _occurrence(text, quote, sentence.start, body.start, body.end))})
    record.update(claims=claims, figures=figures, skips=skips, mentions={"add": adds, "exclude": excludes},
                  notes=f"Synthetic article {index} of seed {seed}, made by scripts/synthetic.py for the benchmark.")
    model = Record.model_validate(record)
    return article_id, text, dump(model, RECORD_HEADER)


# --- the corpus ----------------------------------------------------------------------------------

_STATE: dict = {}


def _start(dest: Path, registry: Registry, seed: int) -> None:
    _STATE.update(dest=dest, registry=registry, seed=seed)


def _write(index: int) -> None:
    layout = Layout(_STATE["dest"])
    article_id, text, record = make_article(_STATE["registry"], index, _STATE["seed"])
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    (layout.seeds / f"{article_id}_{digest[:16]}.txt").write_text(text, encoding="utf-8")
    (layout.records / f"{article_id}.yaml").write_text(record, encoding="utf-8")


def write_registries(layout: Layout, registry: Registry) -> None:
    actors = ActorRegistry.model_validate({"actors": registry.actors()})
    propositions = PropositionRegistry.model_validate({"propositions": registry.propositions})
    layout.actors.write_text(dump(canonical_registry(actors), ACTORS_HEADER), encoding="utf-8")
    layout.propositions.write_text(dump(canonical_registry(propositions), PROPOSITIONS_HEADER), encoding="utf-8")
    shutil.copy(ROOT / "dataset" / "package.yaml", layout.package_meta)


def generate(dest: Path, n: int, seed: int = 0, workers: int = 1) -> Layout:
    """Write a corpus of `n` articles under `dest` (which must not hold records yet)."""
    layout = Layout(dest)
    layout.records.mkdir(parents=True, exist_ok=True)
    layout.seeds.mkdir(parents=True, exist_ok=True)
    registry = make_registry(seed)
    write_registries(layout, registry)
    if workers <= 1 or n < 50:
        _start(dest, registry, seed)
        for i in range(n):
            _write(i)
        return layout
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with context.Pool(workers, initializer=_start, initargs=(dest, registry, seed)) as pool:
        for _ in pool.imap_unordered(_write, range(n), chunksize=16):
            pass
    return layout
