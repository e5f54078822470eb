"""Which published tables hold evidence spans in the seed texts, and how to read one article's spans.

The article page highlights every span of every such table; the evidence tables' quote cells link
back to the page. Both read this one list.
"""
from __future__ import annotations

from dataclasses import dataclass

from .canned_queries import speakers_of


@dataclass(frozen=True)
class EvidenceTable:
    kind: str
    table: str
    id_column: str  # identifies the span within its article (the page anchor)
    quote_column: str
    label_sql: str  # what the span is evidence of, as an SQL expression over the table aliased `t`
    join_sql: str = ""
    pk_sql: str = ""  # the row's primary key columns, when they are not just id_column

    def select_sql(self) -> str:
        pk = self.pk_sql or f"t.{self.id_column}"
        return (f"select '{self.kind}' as kind, '{self.table}' as tbl, t.{self.id_column} as id, t.start, t.[end], "
                f"{self.label_sql} as label, json_array({pk}) as pk from {self.table} t {self.join_sql} "
                f"where t.article_id = :article_id")


EVIDENCE_TABLES: tuple[EvidenceTable, ...] = (
    EvidenceTable("claim", "claims", "claim_id", "quote",
                  f"t.claim_id || ' (' || t.kind || coalesce(' by ' || {speakers_of('t.claim_id')}, '') "
                  "|| iif(t.hedged, ', hedged', '') || '): ' || t.statement"),
    EvidenceTable("figure", "figures", "figure_id", "quote", "t.figure_id || ': ' || t.measure || ' = ' || t.as_written"),
    EvidenceTable("skip", "skips", "skip_id", "quote", "t.skip_id || ' not extracted: ' || t.reason"),
    EvidenceTable("mention", "mentions", "mention_id", "surface", "a.name", "join actors a on a.actor_id = t.actor_id"),
    EvidenceTable("credit", "credits", "actor_id", "quote", "'credits ' || a.name || ' as a source'",
                  "join actors a on a.actor_id = t.actor_id", "t.article_id, t.actor_id"),
)
BY_TABLE = {e.table: e for e in EVIDENCE_TABLES}

# Every span of one article (:article_id), one row per span; `pk` is its row's primary key as a JSON array.
ARTICLE_EVIDENCE_SQL = "\nunion all\n".join(e.select_sql() for e in EVIDENCE_TABLES)
