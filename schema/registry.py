"""The shared registries: dataset/actors.yaml and dataset/propositions.yaml."""
from __future__ import annotations

from typing import Optional

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from .record import COUNTRY, WIKIDATA, Slug, Strict
from .vocab import ActorKind


class Actor(Strict):
    """One real-world entity, whatever the spelling: every spelling is an alias."""

    id: Slug = Field(description="Lowercase slug, e.g. us-european-command.")
    name: str = Field(min_length=1, description="Canonical name.")
    kind: ActorKind = Field(description="What sort of entity the actor is.")
    country: Optional[str] = Field(default=None, pattern=COUNTRY, description="ISO 3166-1 alpha-3 code of the actor's country; empty for international bodies, groups of no one country, and unknown.")
    wikidata: Optional[str] = Field(default=None, pattern=WIKIDATA, description="Wikidata item id, only when certain.")
    description: str = Field(min_length=1, description="One line saying who or what the actor is.")
    aliases: list[str] = Field(default_factory=list, description="Exact, case-sensitive spellings the build finds in article bodies (word-bounded).")

    @model_validator(mode="after")
    def _aliases_unique(self):
        if len(set(self.aliases)) != len(self.aliases):
            raise PydanticCustomError("duplicate-id", "an alias is listed twice")
        return self


class Proposition(Strict):
    """A statement that claims from several articles can support, contradict or qualify."""

    id: Slug = Field(description="Lowercase slug, e.g. dialogue-restart-agreed.")
    statement: str = Field(min_length=1, description="The proposition in one plain sentence.")
    topic: Slug = Field(description="Short topic slug used to group propositions (e.g. military-dialogue).")


class ActorRegistry(Strict):
    actors: list[Actor] = Field(description="All actors, sorted by id.")


class PropositionRegistry(Strict):
    propositions: list[Proposition] = Field(description="All propositions, sorted by id.")
