"""Canned queries shown in Datasette: the questions researchers ask of this dataset most often.

Each is plain read-only SQL over the published tables (Datasette lists them on the database page
and the index, with the SQL visible so it can be adapted). Names are URL paths: /dataset/<name>.
"""
from __future__ import annotations

from schema.vocab import Stance

_SUPPORTS, _CONTRADICTS, _QUALIFIES = (f"'{s.value}'" for s in (Stance.supports, Stance.contradicts, Stance.qualifies))


def speakers_of(claim_id: str) -> str:
    """SQL for the names of everyone who says the claim `claim_id` names, joined with ' and ' in
    claim_speakers' order (speaker_id first); NULL in the outlet's own voice. A joint claim
    ("both sides") named only its first speaker where claims.speaker_id was joined."""
    # SQLite 3.40 has no group_concat(... order by): the ordered subquery gives the order.
    return (f"(select group_concat(name, ' and ') from (select o.name from claim_speakers cs join actors o "
            f"on o.actor_id = cs.actor_id where cs.claim_id = {claim_id} order by cs.position))")


# The actor `a` is the one asked for: by id (`key`, the column naming it), by name or by any of its
# ";"-joined aliases, in any case (ASCII case, as SQLite's nocase and lower() fold it; ids are ASCII).
_IS_SPEAKER = ("{key} = :speaker collate nocase or a.name = :speaker collate nocase\n"
               "   or instr(';' || lower(a.aliases) || ';', ';' || lower(:speaker) || ';') > 0")

QUERIES: dict[str, dict[str, str]] = {
    "propositions_by_support": {
        "title": "Propositions by how many articles support them",
        "description": "Each cross-article proposition with the number of articles that support, contradict "
                       "or qualify it, and the supporting articles listed: widely reported statements first.",
        "sql": f"""select
  p.proposition_id,
  p.statement,
  p.topic,
  p.n_articles,
  (select group_concat(article_id || ': ' || coalesce(title, '(no title)'), ' | ')
     from (select distinct a.article_id, a.title
             from claims c join articles a on a.article_id = c.article_id
            where c.proposition_id = p.proposition_id and c.stance = {_SUPPORTS}
            order by a.article_id)) as supporting_articles,
  p.n_articles_contradicting,
  p.n_articles_qualifying
from propositions p
order by p.n_articles desc, p.n_articles_contradicting desc, p.proposition_id""",
    },
    "single_source_claims": {
        "title": "Claims no other article here is recorded as making",
        # Not "what rests on a single source": a claim has no proposition when no other article here
        # says the same thing, or could (CONTRIBUTING.md); other outlets, or its credited sources, may.
        # A claim that qualifies or contradicts a proposition says something of its own (a narrowing,
        # a reservation, a denial), however many articles support the proposition: it is listed.
        "description": "Claims no other article in this dataset is recorded as making: those linked to no "
                       "cross-article proposition (the records link a claim to one only where another article "
                       "says the same thing, or could); those that qualify or contradict a proposition (what they "
                       "add or deny is their own, even where other articles support the proposition); and those "
                       "supporting a proposition that at most one article supports.",
        "sql": f"""select
  c.claim_id,
  c.article_id,
  c.statement,
  c.kind,
  coalesce({speakers_of("c.claim_id")}, '') as speaker,
  c.hedged,
  c.proposition_id,
  c.stance,
  p.n_articles as proposition_n_articles
from claims c
left join propositions p on p.proposition_id = c.proposition_id
where c.proposition_id is null or c.stance != 'supports' or p.n_articles <= 1
order by c.claim_id""",
    },
    "figures_with_claims": {
        "title": "Figures with their claims and speakers",
        "description": "Every reported quantity beside the claim it belongs to and who reports it "
                       "(value, bounds and unit as published; an empty speaker is the outlet's own voice).",
        "sql": f"""select
  f.figure_id,
  f.article_id,
  f.measure,
  f.as_written,
  f.value,
  f.value_min,
  f.value_max,
  f.unit,
  f.approximate,
  coalesce(fa.name, '') as reported_by,
  f.claim_id,
  c.statement as claim,
  coalesce({speakers_of("c.claim_id")}, '') as claim_speaker
from figures f
left join claims c on c.claim_id = f.claim_id
left join actors fa on fa.actor_id = f.actor_id
order by f.figure_id""",
    },
    "said_by_speaker": {
        "title": "Everything said by a given speaker",
        "description": "Claims a speaker makes, alone or together with others (\"both sides\", a joint credit), "
                       "and figures they report, across all articles. "
                       "Give an actor id (e.g. us-european-command), the actor's name or any of its "
                       "aliases (Zelensky, Zelenskyy), in any case.",
        # Through claim_speakers, not claims.speaker_id: a claim said jointly is said by each speaker.
        "sql": f"""select 'claim' as what, c.claim_id as id, c.article_id, a.name as speaker, c.kind,
       c.statement as says, c.quote, c.proposition_id, c.stance
from claims c join claim_speakers cs on cs.claim_id = c.claim_id join actors a on a.actor_id = cs.actor_id
where {_IS_SPEAKER.format(key="cs.actor_id")}
union all
select 'figure', f.figure_id, f.article_id, a.name, 'figure',
       f.measure || ': ' || f.as_written, f.quote, null, null
from figures f join actors a on a.actor_id = f.actor_id
where {_IS_SPEAKER.format(key="f.actor_id")}
order by id""",
    },
    "contradictions_and_qualifications": {
        "title": "Contradictions and qualifications",
        "description": "Claims that contradict or qualify a cross-article proposition, beside the proposition.",
        "sql": f"""select
  p.proposition_id,
  p.statement as proposition,
  c.stance,
  c.claim_id,
  c.article_id,
  c.statement as claim,
  coalesce({speakers_of("c.claim_id")}, '') as speaker,
  c.quote
from claims c
join propositions p on p.proposition_id = c.proposition_id
where c.stance in ({_CONTRADICTS}, {_QUALIFIES})
order by p.proposition_id, c.stance, c.claim_id""",
    },
}
