"""Evidence spans on non-ASCII text, and the explanations a contributor gets for a miss."""
from __future__ import annotations

import pytest

from scripts.problems import Problem
from scripts.spans import Miss, Span, closest_passage, resolve

TEXT = "Intro.\nShe said “it’s done” — twice. Café naïve e\u0301 🚀 • done. She said “it’s done” again.\nEnd."
BODY = Span(7, TEXT.index("\nEnd."))


@pytest.mark.parametrize("quote", ["“it’s done” — twice.", "Café naïve e\u0301 🚀 • done.", "🚀", "e\u0301"])
def test_offsets_are_code_points(quote):
    span = resolve(TEXT, quote, None, BODY, scope="body")
    assert isinstance(span, Span)
    assert TEXT[span.start:span.end] == quote


def test_ambiguous_quote_lists_each_occurrence():
    miss = resolve(TEXT, "She said", None, BODY, scope="body")
    assert isinstance(miss, Miss) and miss.code == "quote-ambiguous"
    assert len(miss.detail) == 2
    second = resolve(TEXT, "She said", 2, BODY, scope="body")
    assert TEXT[second.start:second.end] == "She said" and second.start > 20


def test_quote_in_furniture_is_outside_the_body():
    miss = resolve(TEXT, "Intro.", None, BODY, scope="body")
    assert miss.code == "span-outside-body"


def test_straight_quotes_are_explained():
    detail = closest_passage(TEXT[BODY.start:BODY.end], "She said \"it's done\" - twice.")
    assert "closest passage" in detail[0] and "“it’s done” — twice." in detail[0]
    differs = detail[1]
    assert "straight double quote" in differs and "left double quote “" in differs
    assert "straight quote '" in differs and "right single quote ’" in differs


def test_occurrence_out_of_range():
    miss = resolve(TEXT, "twice", 2, BODY, scope="body")
    assert miss.code == "occurrence-out-of-range"


@pytest.mark.parametrize("extra", [1, 40_000])
def test_a_quote_longer_than_the_body_is_said_to_be_so_not_placed(extra):
    quote = TEXT[BODY.start:BODY.end] + "x" * extra  # the whole body and more: no passage can be it
    miss = resolve(TEXT, quote, None, BODY, scope="body")
    assert miss.code == "quote-not-found" and miss.detail == ()
    assert miss.message == (f"quote not found in the body: it is {len(quote):,} characters, "
                            f"longer than the whole body ({BODY.end - BODY.start:,})")
    assert "Quote only the characters" in Problem("r.yaml", 3, "claims[0].quote", miss.code, miss.message).hint
    at_length = resolve(TEXT, TEXT[BODY.start:BODY.end - 1] + "x", None, BODY, scope="body")  # as long as the body: placed
    assert at_length.code == "quote-not-found" and "closest passage" in at_length.detail[0]


def test_the_closest_passage_stops_at_the_word_not_at_its_punctuation():
    """A quote that ends in a word is compared with a passage that ends in a word: the full stop
    after it is not reported as a difference the quote never had."""
    detail = closest_passage("The meeting had about 40 delegates. Then more.", "about 41 delegates")
    assert detail[0] == "closest passage (94% alike): 'about 40 delegates'"
    assert detail[1] == "differs: quote has '1' where the text has '0'"
    # a quote that ends in punctuation keeps it in the passage
    assert "'The talks may resume in April.'" in closest_passage("The talks may resume in April.", "The talks may resume in May.")[0]


def test_a_passage_that_differs_only_in_look_alikes_is_not_called_identical():
    detail = closest_passage(TEXT[BODY.start:BODY.end], "She said \"it's done\" - twice.")
    assert detail[0].startswith("closest passage (alike but for look-alike characters or spacing): ")


def test_a_long_mistyped_quote_is_placed_where_it_is_and_scored_whole():
    # 60 distinct sentences, so that only one place in the text is like the quote
    text = " ".join(f"Sentence number {i} says the talks in city {i * 7} went on for {i + 3} hours." for i in range(60))
    start = text.index("Sentence number 12 ")
    quote = text[start:text.index(" Sentence", start + 2900)]  # about 3,000 characters, whole sentences
    quote = quote[:1500] + "X" + quote[1501:]  # one character mistyped, after the first 200
    (first, differs) = closest_passage(text, quote)
    assert first.startswith("closest passage (99% alike): 'Sentence number 12 says")  # all but one character alike
    assert differs == f"differs: quote has 'X' where the text has {text[start + 1500]!r}"


def test_a_quote_too_long_to_compare_whole_is_placed_and_its_first_difference_shown():
    text = " ".join(f"Sentence number {i} says the talks in city {i * 7} went on for {i + 3} hours." for i in range(250))
    start = text.index("Sentence number 40 ")
    quote = text[start:start + 9000]
    quote = quote[:5000] + "X" + quote[5001:]  # one character mistyped, past what difflib is asked to compare
    first, differs = closest_passage(text, quote)
    assert first.startswith(f"closest passage (placed by its start, middle and end; 9,000 characters, too long to compare whole): "
                            f"characters {start:,}-{start + 9000:,} of the text searched, beginning 'Sentence number 40 says")
    assert differs == f"differs: the first 5,000 characters match; then the quote has {quote[5000:5040]!r} where the text has {text[start + 5000:start + 5040]!r}"


def test_a_long_quote_that_begins_a_sentence_too_early_is_placed_by_the_rest_of_it():
    text = " ".join(f"Sentence number {i} says the talks in city {i * 7} went on for {i + 3} hours." for i in range(120))
    start = text.index("Sentence number 30 ")
    tail = text[start:text.index(" Sentence", start + 2500)]
    quote = "Words that the contributor copied from somewhere else, a sentence too early, quite long. " * 3 + tail
    (first, *_) = closest_passage(text, quote)
    # The passage is the quote's length, so it begins the junk's length early; what matters is that
    # it holds the words the quote does copy (placed by its start alone, it was 39% alike, elsewhere).
    assert tail[:1000] in first and int(first.split("(")[1].split("%")[0]) >= 90


@pytest.mark.parametrize("quote", ["Officials said  about 12 officers attended.", "Officials  said about 12 officers attended.",
                                   "Officials said about 12  officers attended."])
def test_a_quote_with_a_doubled_space_is_shown_its_passage_and_only_the_space(quote):
    """The passage was as long as the quote, so a doubled space ran it into the next word ('Russia')."""
    text = "Officials said about 12 officers attended. Russia sent none."
    lines = closest_passage(text, quote)
    assert lines == ("closest passage (alike but for look-alike characters or spacing): 'Officials said about 12 officers attended.'",
                     "differs: quote has extra space")
