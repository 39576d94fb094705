"""The one backoff rule shared by the background workers and `make run`'s supervisor."""
from hypothesis import given, strategies as st

from platform_common.worker import Backoff


def test_the_wait_doubles_from_the_first_failure_up_to_the_longest():
    backoff = Backoff(first=1.0, longest=30.0)
    assert [backoff.for_failure(n) for n in range(1, 8)] == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]


@given(st.floats(0.01, 5.0), st.floats(5.0, 60.0), st.integers(1, 200))
def test_counting_failures_agrees_with_doubling_step_by_step(first, longest, failures):
    backoff = Backoff(first=first, longest=longest)
    wait = backoff.first
    for _ in range(failures - 1):
        wait = backoff.after(wait)
    assert backoff.for_failure(failures) == wait
