"""README's loading examples, run as a researcher would run them: the Python blocks in order, in one
namespace, from the repository's root. A renamed column, a changed table or a broken snippet fails here."""
from __future__ import annotations

import contextlib
import io
import os
import re

import pytest

from scripts.layout import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
LOADING = README.split("## Loading it", 1)[1].split("\n## ", 1)[0]
BLOCKS = re.findall(r"```python\n(.*?)```", LOADING, re.S)


@pytest.fixture(scope="module")
def ran() -> tuple[dict, str]:
    namespace: dict = {}
    printed = io.StringIO()
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(printed):
            for block in BLOCKS:
                exec(compile(block, "README.md", "exec"), namespace)
    finally:
        os.chdir(here)
    return namespace, printed.getvalue()


def test_the_loading_section_has_the_pandas_frictionless_and_span_examples():
    assert len(BLOCKS) == 3


def test_ids_stay_text_and_empty_cells_stay_empty(ran):
    claims = ran[0]["claims"]
    assert claims["article_id"].iloc[0] == "000"  # not 0
    assert (claims["speaker_id"] == "").sum() > 0 and not claims.isna().any().any()


def test_the_speaker_count_counts_every_claim_for_each_of_its_speakers(ran):
    namespace, printed = ran
    claims, speakers = namespace["claims"], namespace["speakers"]
    counts = namespace["said"].groupby("name").size()
    joint = speakers[speakers["position"] != "1"]
    assert len(joint)  # the case tested
    assert counts.sum() == len(claims) + len(joint)  # the outlet's own claims are not dropped; joint ones count twice
    assert counts["(the outlet's own voice)"] == (claims["speaker_id"] == "").sum()
    said = namespace["said"]
    for claim_id, actor_id in zip(joint["claim_id"], joint["actor_id"]):
        assert ((said["claim_id"] == claim_id) & (said["actor_id"] == actor_id)).sum() == 1
    assert "(the outlet's own voice)" in printed


def test_frictionless_types_the_columns_and_indexes_the_key(ran):
    typed = ran[0]["typed"]
    assert typed.index.name == "claim_id"
    row = typed.loc["004-c01"]
    assert int(row["start"]) < int(row["end"])
    assert str(typed["start"].dtype).startswith("int") and str(typed["hedged"].dtype) == "bool"


def test_the_span_check_reads_the_quote_back(ran):
    namespace = ran[0]
    assert namespace["text"][int(namespace["row"].start):int(namespace["row"].end)] == namespace["row"].quote


def test_the_share_of_each_body_the_quotes_reproduce_is_as_the_readme_says(tables):
    """The licence paragraphs give the range; a record that quotes more or less of its body moves it."""
    said = {tuple(map(int, m)) for m in re.findall(r"together (\d+)[–-](\d+)% of the characters", README)}
    assert len(said) == 1, said  # both paragraphs give the same range
    covered: dict[str, set[int]] = {a["article_id"]: set() for a in tables["articles"]}
    for table in ("claims", "figures", "skips"):
        for row in tables[table]:
            if row["start"] != "":
                covered[row["article_id"]].update(range(int(row["start"]), int(row["end"])))
    shares = []
    for article in tables["articles"]:
        body = set(range(int(article["body_start"]), int(article["body_end"])))
        shares.append(100 * len(covered[article["article_id"]] & body) / len(body))
    assert said == {(round(min(shares)), round(max(shares)))}, shares  # whole percentages, rounded
