"""A big onboarding file is answered briefly and quickly, and does not hold up the directory:
more rows than one import takes are refused before any is checked, the bad lines of a file are
listed up to 100 with how many there are, and other calls go on while the rows are checked."""
import time

import eventlet
import pytest

from services.common.errors import Invalid
from services.directory.tests.test_onboarding import COORD8, csv_text, import_file, refused, row


def invalid_rows(count: int) -> str:
    return csv_text([row(f"APS {number}", min_age="molti", free="forse")
                     for number in range(count)])


def test_a_file_of_20000_rows_is_refused_naming_the_cap_before_any_row_is_checked(store):
    text = invalid_rows(20_000)
    started = time.monotonic()
    errors = refused(store, COORD8, text)
    assert time.monotonic() - started < 2  # checking them would take seven seconds
    assert errors == {"line 5002": [
        "The file has 20,000 rows; one import takes at most 5,000: split it into files of "
        "5,000 rows at most."]}


def test_the_cap_counts_rows_not_empty_lines(store):
    text = invalid_rows(3) + "\r\n" * 6000
    errors = refused(store, COORD8, text)
    assert list(errors) == ["line 2", "line 3", "line 4"]


def test_3000_invalid_rows_answer_their_first_100_lines_and_how_many_there_are(store):
    with pytest.raises(Invalid) as raised:
        import_file(store, COORD8, invalid_rows(3000))
    invalid = raised.value
    assert list(invalid.errors) == [f"line {number}" for number in range(2, 102)]
    assert invalid.errors["line 101"] == ["free: Write sì or no.", "min_age: Not a valid integer."]
    assert invalid.detail == ("3,000 line(s) of the file are not valid: the first 100 are "
                              "listed; nothing was imported.")


def longest_wait_while(work) -> float:
    """The longest another green thread, wanting to run every 10 ms, waited while `work` ran,
    as a share of the time `work` took: near 1 when `work` never let it run."""
    moments = []

    def ticking():
        while True:
            moments.append(time.monotonic())
            eventlet.sleep(0.01)

    started = time.monotonic()
    ticker = eventlet.spawn(ticking)
    try:
        eventlet.sleep(0)
        work()
    finally:
        ticker.kill()
    ended = time.monotonic()
    marks = [started, *moments, ended]
    return max(later - earlier for earlier, later in zip(marks, marks[1:])) / (ended - started)


def test_other_calls_go_on_while_the_rows_are_checked(store):
    text = invalid_rows(3000)
    # every 100 rows: without it the other green thread waits for all 3,000
    assert longest_wait_while(lambda: refused(store, COORD8, text)) < 0.5


def test_millions_of_short_rows_are_counted_while_other_calls_go_on(store):
    text = "organization_name\r\n" + "APS\r\n" * 1_000_000  # 5 MB, what the gateway lets in
    errors = {}
    assert longest_wait_while(lambda: errors.update(refused(store, COORD8, text))) < 0.5
    assert errors == {"line 5002": [
        "The file has 1,000,000 rows; one import takes at most 5,000: split it into files of "
        "5,000 rows at most."]}
