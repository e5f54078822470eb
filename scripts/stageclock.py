"""Time spent per stage of validation and build, summed over records and worker processes.

`validate --timings FILE` and `build --timings FILE` write these figures as JSON for the
benchmark (scripts/bench.py). A stage's seconds are busy time: with two workers, two seconds of
stage time can pass in one second of wall time.
"""
from __future__ import annotations

import json
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class StageClock:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.items: dict[str, int] = defaultdict(int)

    @contextmanager
    def stage(self, name: str, items: int = 0) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] += time.perf_counter() - t0
            self.items[name] += items

    def count(self, name: str, items: int) -> None:
        """Items for a stage whose number is known only after it ran."""
        self.items[name] += items

    def take(self) -> dict:
        """The figures so far, as plain data, and start again from zero (a worker's share)."""
        out = {"seconds": dict(self.seconds), "items": dict(self.items)}
        self.seconds.clear()
        self.items.clear()
        return out

    def add(self, share: dict) -> None:
        for name, seconds in share["seconds"].items():
            self.seconds[name] += seconds
        for name, items in share["items"].items():
            self.items[name] += items

    def write(self, path: Path, **extra) -> None:
        data = {"stages": {name: {"seconds": round(self.seconds[name], 6), "items": self.items.get(name, 0)}
                           for name in self.seconds}, **extra}
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


NO_CLOCK = StageClock()  # for callers that do not ask for timings; its figures are never read
