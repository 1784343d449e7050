"""One place checks every parameter people give: dates, periods, limits, queries, codes."""

from __future__ import annotations

import pytest

from wirewatch import validation as check
from wirewatch.errors import UsageError


@pytest.mark.parametrize("value", ["2019-02-30", "2019-13-45", "2019-99-99", "2021-02-29", "0000-01-01"])
def test_impossible_days_are_refused_by_name(value):
    with pytest.raises(check.ParamError) as err:
        check.date(value, "since")
    assert str(err.value).startswith("since ") and value in str(err.value)
    assert isinstance(err.value, UsageError)  # the CLI turns it into one line and exit 2


@pytest.mark.parametrize("value", ["yesterday", "2019-2-3", "20190203", "2019-02-03T00:00"])
def test_malformed_dates_say_the_form(value):
    with pytest.raises(check.ParamError, match="YYYY-MM-DD"):
        check.date(value, "until")


def test_real_days_and_blanks_pass():
    assert check.date("2020-02-29", "since") == "2020-02-29"
    assert check.date(" 2019-03-01 ", "since") == "2019-03-01"
    assert check.date("", "since") is None and check.date(None, "since") is None


def test_period_must_not_end_before_it_starts():
    assert check.period("2020-01-01", "2020-01-01") == ("2020-01-01", "2020-01-01")
    with pytest.raises(check.ParamError, match="after until"):
        check.period("2020-02-01", "2020-01-01")


def test_limits_offsets_queries_and_codes():
    assert check.limit(None) == 20 and check.limit("5") == 5
    for bad in (0, 101, "ten"):
        with pytest.raises(check.ParamError, match="^limit "):
            check.limit(bad)
    with pytest.raises(check.ParamError, match="^offset "):
        check.offset(-1)
    assert check.query("  Mali   OR  place:Niger ") == "Mali OR place:Niger"
    with pytest.raises(check.ParamError, match="too long"):
        check.query("x" * 301)
    with pytest.raises(check.ParamError, match="is needed"):
        check.query("  ", required=True)
    assert check.code("armed clash", "type") == "ARMED_CLASH"
    with pytest.raises(check.ParamError):
        check.code("1; DROP", "type")
    assert check.country("ml") == "ML"
    with pytest.raises(check.ParamError, match="two-letter"):
        check.country("Mali")
    assert check.choice("CSV", "format", ["csv", "geojson"]) == "csv"
    with pytest.raises(check.ParamError, match="is one of csv, geojson"):
        check.choice("xml", "format", ["csv", "geojson"])
