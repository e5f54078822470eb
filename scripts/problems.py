"""A located problem: file, line, field path, stable code, message, hint."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from .codes import CODES, hint_for


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    field: str
    code: str
    message: str
    detail: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self):
        # An undocumented code is a programming error, caught by the tests of every fixture.
        if self.code not in CODES:
            raise ValueError(f"undocumented problem code {self.code!r}")

    @property
    def hint(self) -> str:
        """The code's hint, or its case's (codes.CASES): found from what the problem says, so a
        problem read back from the record cache has the hint it had."""
        return hint_for(self.code, self.field, self.message)

    def format(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        head = f"{where}: {self.field}: {self.message} [{self.code}]" if self.field else f"{where}: {self.message} [{self.code}]"
        lines = [head, *(f"    {d}" for d in self.detail), f"    hint: {self.hint}"]
        return "\n".join(lines)

    def annotation(self) -> str:
        """GitHub Actions workflow command, so the problem shows on the pull request's diff."""
        said = f"{self.field}: {self.message}" if self.field else self.message  # a file-level problem has no field
        msg = f"{said} [{self.code}] {self.hint}".replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        line = f",line={self.line}" if self.line else ""
        return f"::error file={self.file}{line}::{msg}"


def in_github_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"
