"""The corroboration matrix: cross-article propositions × articles, with each article's stance.

A row per proposition, most widely supported first, a column per article; each cell lists the
article's claims bearing on the proposition. At a glance: which statements several outlets report,
which rest on one source, and where an article contradicts or qualifies the rest.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from schema.vocab import Stance

SILENT = "silent"
MIXED = "mixed"  # the article's claims take more than one stance on the proposition
STATES: tuple[str, ...] = (*(s.value for s in Stance), MIXED, SILENT)


@dataclass(frozen=True)
class ClaimRef:
    claim_id: str
    stance: str
    statement: str

    @property
    def short(self) -> str:
        """c04 for 004-c04: the column already names the article."""
        return self.claim_id.rsplit("-", 1)[-1]


@dataclass(frozen=True)
class Cell:
    article_id: str
    claims: tuple[ClaimRef, ...]

    @property
    def state(self) -> str:
        stances = {c.stance for c in self.claims}
        if not stances:
            return SILENT
        return stances.pop() if len(stances) == 1 else MIXED


@dataclass(frozen=True)
class MatrixRow:
    proposition_id: str
    statement: str
    n_articles: int
    n_contradicting: int
    n_qualifying: int
    cells: tuple[Cell, ...]

    @property
    def single_source(self) -> bool:
        return self.n_articles <= 1


def matrix(propositions: list[Mapping], article_ids: list[str], claims: list[Mapping]) -> list[MatrixRow]:
    """`propositions` and `claims` are rows of the published tables (claims with a proposition)."""
    by_cell: dict[tuple[str, str], list[ClaimRef]] = {}
    for c in sorted(claims, key=lambda c: c["claim_id"]):
        ref = ClaimRef(c["claim_id"], c["stance"], c["statement"])
        by_cell.setdefault((c["proposition_id"], c["article_id"]), []).append(ref)
    rows = [
        MatrixRow(p["proposition_id"], p["statement"], p["n_articles"], p["n_articles_contradicting"], p["n_articles_qualifying"],
                  tuple(Cell(a, tuple(by_cell.get((p["proposition_id"], a), ()))) for a in article_ids))
        for p in propositions
    ]
    return sorted(rows, key=lambda r: (-r.n_articles, -r.n_contradicting, -r.n_qualifying, r.proposition_id))
