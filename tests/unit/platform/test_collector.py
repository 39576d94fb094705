"""The collector held off during bulk imports: off while any import runs, back as it was when the last ends."""
import gc
import threading

from platform_common.collector import collector_paused


def test_the_collector_stays_off_until_the_last_of_two_overlapping_imports_ends():
    assert gc.isenabled()
    first_in, second_done = threading.Event(), threading.Event()
    seen: list[bool] = []

    def second() -> None:
        first_in.wait()
        with collector_paused():
            seen.append(gc.isenabled())
        second_done.set()

    thread = threading.Thread(target=second)
    thread.start()
    with collector_paused():
        first_in.set()
        second_done.wait()
        seen.append(gc.isenabled())  # the other import has ended, this one still runs
    thread.join()
    assert seen == [False, False] and gc.isenabled()


def test_an_error_inside_gives_the_collector_back_and_a_collector_off_before_stays_off():
    try:
        with collector_paused():
            raise KeyError("x")
    except KeyError:
        pass
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
