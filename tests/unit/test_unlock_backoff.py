"""The wrong-password rule on its own: three free failures, then 1 s doubling to 30 s."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sgdesk.models.errors import TooManyAttempts
from sgdesk.models.unlock_backoff import (
    LONGEST_WAIT,
    UnlockBackoff,
    wait_after,
    wait_message,
    whole_seconds,
)

failures = st.integers(min_value=0, max_value=10**6)
moments = st.floats(min_value=-1e10, max_value=1e10, allow_nan=False)


def after(n: int, at: float = 0.0) -> UnlockBackoff:
    state = UnlockBackoff()
    for _ in range(n):
        state = state.failed(at)
    return state


def test_the_waits_in_order() -> None:
    assert [wait_after(n) for n in range(11)] == [0, 0, 0, 1, 2, 4, 8, 16, 30, 30, 30]


def test_three_failures_in_a_row_then_the_next_try_waits() -> None:
    state = after(2, at=100.0)
    assert state.seconds_left(100.0) == 0
    state = state.failed(101.0)
    assert state.failures == 3
    assert state.seconds_left(101.0) == 1.0
    assert state.seconds_left(101.25) == 0.75
    assert state.seconds_left(102.0) == 0


def test_a_success_clears_the_count() -> None:
    assert after(9).succeeded() == UnlockBackoff()
    assert after(9).succeeded().seconds_left(0.0) == 0


def test_a_clock_set_back_ends_the_wait_rather_than_stretching_it() -> None:
    state = after(8, at=10_000.0)
    assert state.seconds_left(10_000.0) == LONGEST_WAIT
    assert state.seconds_left(10_000.0 - 3600) == 0


@given(failures)
def test_waits_never_shrink_and_never_pass_the_longest(n: int) -> None:
    assert 0 <= wait_after(n) <= wait_after(n + 1) <= LONGEST_WAIT


@given(failures, moments, moments)
def test_a_wait_is_never_longer_than_the_longest_whatever_the_clock(
    n: int, last: float, now: float
) -> None:
    left = UnlockBackoff(n, last).seconds_left(now)
    assert 0 <= left <= LONGEST_WAIT


@given(failures, moments, st.floats(min_value=0, max_value=1e6), st.floats(0, 1e6))
def test_time_only_ever_shortens_a_wait(n: int, last: float, later: float, more: float) -> None:
    state = UnlockBackoff(n, last)
    assert state.seconds_left(last + later + more) <= state.seconds_left(last + later)


@given(failures, st.integers(min_value=0, max_value=4 * 10**9))
def test_a_wait_ends_when_its_time_is_up(n: int, last: int) -> None:
    state = UnlockBackoff(n, last)
    assert state.seconds_left(last + state.wait) == 0


@pytest.mark.parametrize(("seconds", "said"), [
    (0.001, 1), (1.0, 1), (1.5, 2), (29.2, 30), (0.0, 0),
])
def test_a_wait_is_told_in_whole_seconds_rounded_up(seconds: float, said: int) -> None:
    assert whole_seconds(seconds) == said


def test_the_message_is_one_plain_sentence() -> None:
    assert wait_message(8) == "Too many wrong passwords. Wait 8 seconds, then try again."
    assert wait_message(1) == "Too many wrong passwords. Wait 1 second, then try again."
    refused = TooManyAttempts(8)
    assert str(refused) == wait_message(8) and refused.seconds == 8
