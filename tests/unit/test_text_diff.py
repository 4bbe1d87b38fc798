"""The word-level diff behind "Show changes": lossless both ways, readable in between."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from sgdesk.services.text_diff import DiffSegment, word_diff

# Words from a small vocabulary so the two texts share words and the diff has work to do.
_words = st.sampled_from(["the", "child", "said", "arm", "hurt", "Mum", "", "é", "42"])
_gaps = st.sampled_from([" ", "  ", "\n", "\n\n", "\t", " \n "])
texts = st.lists(st.tuples(_words, _gaps), max_size=25).map(
    lambda parts: "".join(w + g for w, g in parts)) | st.text(max_size=60)


def _join(segments: list[DiffSegment], *kinds: str) -> str:
    return "".join(s.text for s in segments if s.kind in kinds)


@given(texts, texts)
def test_the_old_and_new_texts_come_back_exactly(old: str, new: str) -> None:
    segments = word_diff(old, new)
    assert _join(segments, "same", "removed") == old
    assert _join(segments, "same", "added") == new


@given(texts, texts)
def test_segments_are_never_empty_and_never_repeat_a_kind(old: str, new: str) -> None:
    segments = word_diff(old, new)
    assert all(s.text for s in segments)
    assert all(a.kind != b.kind for a, b in pairwise(segments))


@given(texts)
def test_an_unchanged_text_is_all_same(text: str) -> None:
    assert all(s.kind == "same" for s in word_diff(text, text))


def test_a_changed_word_is_removed_then_added_between_unchanged_words() -> None:
    assert word_diff("She said her arm hurt.", "She said her leg hurt.") == [
        DiffSegment("same", "She said her "),
        DiffSegment("removed", "arm"),
        DiffSegment("added", "leg"),
        DiffSegment("same", " hurt."),
    ]


def test_a_rewritten_phrase_reads_as_one_removal_and_one_addition() -> None:
    segments = word_diff("seen at the gate crying", "seen at lunch sitting alone crying")
    assert segments == [
        DiffSegment("same", "seen at "),
        DiffSegment("removed", "the gate"),
        DiffSegment("added", "lunch sitting alone"),
        DiffSegment("same", " crying"),
    ]


def test_line_breaks_are_kept_in_place() -> None:
    segments = word_diff("First line.\nSecond line.", "First line.\nSecond line.\nThird.")
    assert segments == [DiffSegment("same", "First line.\nSecond line."),
                        DiffSegment("added", "\nThird.")]


def test_from_and_to_empty_text() -> None:
    assert word_diff("", "new words") == [DiffSegment("added", "new words")]
    assert word_diff("old words", "") == [DiffSegment("removed", "old words")]
    assert word_diff("", "") == []
