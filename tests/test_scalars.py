"""Numbers and dates from outside: one parser (workreg.scalars), bounded, ASCII digits, a year window.

Each surface that once crashed on a number or a date is here: case ids of 2**63 and more on every
``case`` command and ``log --after`` (an OverflowError traceback), Unicode digits ``str.isdigit()``
accepts (``²``: HTTP 500), a register approved in the year 9998 (AssertionError in add_months),
years 0001-0099 read as 2001-2099, and ``case record`` of a day in the future.
"""

from __future__ import annotations

import re
import string
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workreg.errors import UsageError
from workreg.registers.dates import add_months, date_out_of_window, parse_date, parse_year_month
from workreg.scalars import FIRST_YEAR, LAST_YEAR, MAX_ID, is_ascii_number, parse_day, parse_id, parse_int

from . import conftest
from .test_bad_inputs import assert_workreg_error, run

_EXAMPLES = settings(max_examples=300, deadline=None, derandomize=True, database=None)


@_EXAMPLES
@given(st.text(max_size=25) | st.integers(-5, 2**70).map(str) | st.sampled_from(["²", "٣", "１", "1²", "-1", "+1", " 1", "1 ", "0x10", "1_000", "9" * 5000]))
def test_a_number_is_ascii_digits_in_range_or_a_usage_error(text: str):
    try:
        value = parse_int(text, "N", low=0, high=MAX_ID)
    except UsageError as exc:
        assert exc.code == "bad-number" and exc.exit_code == 2
        assert not (text.isascii() and text.isdigit() and len(text) < 4000 and int(text) <= MAX_ID)
    else:
        assert text.isascii() and text.isdigit() and value == int(text) and 0 <= value <= MAX_ID


@pytest.mark.parametrize("text", ["²", "٣", "0", str(MAX_ID + 1), "-3", "", "1e3"])
def test_ids_refuse_what_is_not_a_database_id(text: str):
    with pytest.raises(UsageError):
        parse_id(text, "a case id")
    assert parse_id(str(MAX_ID), "a case id") == MAX_ID
    assert is_ascii_number("123") and not is_ascii_number("²") and not is_ascii_number("")


@_EXAMPLES
@given(st.dates(), st.sampled_from(["iso", "fullwidth", "arabic", "spaced", "short-year"]))
def test_a_day_is_ascii_iso_with_its_year_in_the_window(day: date, form: str):
    text = day.isoformat()
    if form == "fullwidth":
        text = text.translate(str.maketrans(string.digits, "０１２３４５６７８９"))
    elif form == "arabic":
        text = text.translate(str.maketrans(string.digits, "٠١٢٣٤٥٦٧٨٩"))
    elif form == "spaced":
        text = " " + text
    elif form == "short-year":
        text = text[2:]
    if form == "iso" and FIRST_YEAR <= day.year <= LAST_YEAR:
        assert parse_day(text, "--date") == day
    else:
        with pytest.raises(UsageError) as caught:
            parse_day(text, "--date")
        assert caught.value.code == "bad-date"


# ----------------------------------------------------------------- case ids on the command line


@pytest.fixture(scope="module")
def db_with_a_case(tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("numbers") / "cases.db")
    code, _, err = run(["case", "open", "--change", "scope_extension", "--db", db, "--by", "t"])
    assert code == 0, err
    return db


@pytest.mark.parametrize("case_id", [str(2**63), str(2**64 + 5), "9" * 40, "²", "٣"])
@pytest.mark.parametrize("command", [["case", "status", "{}"], ["case", "log", "{}"],
                                     ["case", "record", "{}", "g", "--outcome", "approved", "--date", "2026-01-05"],
                                     ["case", "migrate", "{}", "--policy", "dsp4003@1.2.0"]],
                         ids=["status", "log", "record", "migrate"])
def test_every_case_command_refuses_an_id_beyond_the_database(db_with_a_case: str, command: list[str], case_id: str):
    argv = [part.replace("{}", case_id) for part in command] + ["--db", db_with_a_case]
    _, _, err = assert_workreg_error(argv)
    assert "a case id must be a whole number from 1 to 9223372036854775807" in err


@pytest.mark.parametrize("argv", [["log", "--after", str(2**63)], ["log", "--after", "²"], ["log", "--limit", "٣"],
                                  ["log", "--since", "0001-01-01T00:00+05:00"], ["log", "--since", "9999-12-31T23:00-05:00"]])
def test_the_decision_log_refuses_numbers_and_times_out_of_range(db_with_a_case: str, argv: list[str]):
    assert_workreg_error(argv + ["--db", db_with_a_case])


def test_an_id_at_the_limit_is_simply_unknown(db_with_a_case: str):
    _, _, err = assert_workreg_error(["case", "status", str(MAX_ID), "--db", db_with_a_case])
    assert "unknown-case" in err


@pytest.mark.parametrize("width", ["²", "٣", "9" * 5000, "-5"])
def test_a_columns_value_that_is_not_a_number_is_ignored(monkeypatch, width: str):
    monkeypatch.setenv("COLUMNS", width)
    code, out, err = run(["policies"])
    assert code == 0 and "Traceback" not in err


# ----------------------------------------------------------------- case record: the day it was held


def test_a_day_in_the_future_is_refused(db_with_a_case: str):
    tomorrow_but_one = (date.today() + timedelta(days=3)).isoformat()
    _, _, err = assert_workreg_error(["case", "record", "1", "originating_committee_ballot", "--outcome", "approved",
                                     "--date", tomorrow_but_one, "--db", db_with_a_case])
    assert "date-in-future" in err


def test_a_day_before_the_case_was_opened_is_recorded_and_flagged(tmp_path):
    db = str(tmp_path / "cases.db")
    assert run(["case", "open", "--change", "scope_extension", "--db", db, "--by", "t"])[0] == 0
    code, out, err = run(["case", "record", "1", "originating_committee_ballot", "--outcome", "approved",
                          "--date", "2023-07-24", "--db", db])
    assert code == 0, err
    assert re.search(r"case 1: note: 2023-07-24 is before case 1 was opened \(\d{4}-\d\d-\d\d\); recorded as given", err)
    assert "Recorded originating_committee_ballot: approved 2023-07-24" in out


@pytest.mark.parametrize("day", ["0015-01-05", "3000-01-01"])
def test_a_day_outside_the_window_is_refused_by_case_record(db_with_a_case: str, day: str):
    _, _, err = assert_workreg_error(["case", "record", "1", "originating_committee_ballot", "--outcome", "approved",
                                      "--date", day, "--db", db_with_a_case])
    assert "bad-date" in err and f"{FIRST_YEAR} to {LAST_YEAR}" in err


# ----------------------------------------------------------------- dates in register documents


def test_add_months_never_fails_at_the_ends_of_the_calendar():
    assert add_months(date(9998, 12, 31), 24) == date.max
    assert add_months(date(1, 3, 1), -5) == date.min
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


@pytest.mark.parametrize("written, read", [
    ("04/08/15", date(2015, 4, 8)), ("04/08/2015", date(2015, 4, 8)), ("04/08/0015", None), ("2015-04-08", date(2015, 4, 8)),
    ("0015-04-08", None), ("June 8, 0023", None), ("June 8, 9998", None), ("June 8, 2023", date(2023, 6, 8)),
    ("٠٤/٠٨/٢٠١٥", None),
])
def test_register_dates_are_read_in_the_window_or_not_at_all(written: str, read):
    assert parse_date(written) == read
    assert (date_out_of_window(written) is not None) == (read is None and written[-4:].isascii())
    assert parse_year_month("July 0016") is None and parse_year_month("July 2016") == "2016-07"


@pytest.mark.parametrize("year", ["9998", "0015", "0099"])
@pytest.mark.parametrize("command", ["lint", "registers"])
def test_a_register_approved_outside_the_window_is_a_finding_not_a_crash(tmp_path, year: str, command: str):
    text = (conftest.FIXTURES / "registers" / "esa-1.1.txt").read_text(encoding="utf-8")
    assert "on 06/20/2022" in text and "May 1, 2022" in text
    path = tmp_path / "register.txt"
    path.write_text(text.replace("on 06/20/2022", f"on 06/20/{year}").replace("May 1, 2022", f"May 1, {year}"),
                    encoding="utf-8")
    code, out, err = run([command, str(path), "--today", "2026-12-01"])
    assert "Traceback" not in out + err and code in (0, 1), err
    if command == "lint":
        assert f"date-out-of-window: the board approval date '06/20/{year}'" in out.replace("\n    ", " ")
        assert f"20{year[2:]}-06-20" not in out  # never read as another year
