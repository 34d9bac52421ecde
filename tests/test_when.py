"""Date normalization against the article date."""

from __future__ import annotations

import datetime as dt

import pytest

from geostory.when import parse_when

MONDAY = dt.date(2023, 9, 4)  # the seed's date, a Monday

CASES = [
    # text, future, expected iso
    ("late July", None, "2023-07-21/2023-07-31"),
    ("early August", None, "2023-08-01/2023-08-10"),
    ("mid-August", None, "2023-08-11/2023-08-20"),
    ("the end of July", None, "2023-07-21/2023-07-31"),
    ("Sept. 10 to 13", None, "2023-09-10/2023-09-13"),
    ("Sept. 10-13", None, "2023-09-10/2023-09-13"),
    ("10-13 September", None, "2023-09-10/2023-09-13"),
    ("Sept. 28 to Oct. 2", None, "2023-09-28/2023-10-02"),
    ("between May 1 and 3", None, "2023-05-01/2023-05-03"),
    ("next week", None, "2023-09-11/2023-09-17"),
    ("this week", None, "2023-09-04/2023-09-10"),
    ("last week", None, "2023-08-28/2023-09-03"),
    ("the weekend", None, "2023-09-09/2023-09-10"),
    ("Monday", None, "2023-09-04"),
    ("Friday", None, "2023-09-01"),  # past by default: the most recent Friday
    ("Friday", False, "2023-09-01"),
    ("Friday", True, "2023-09-08"),  # future tense: the next Friday
    ("on Monday night", None, "2023-09-04"),
    ("last Monday", None, "2023-08-28"),
    ("next Monday", None, "2023-09-11"),
    ("in October", True, "2023-10-01/2023-10-31"),
    ("October", False, "2022-10-01/2022-10-31"),
    ("late May and August", None, "2023-05-21/2023-08-31"),
    ("last year", None, "2022-01-01/2022-12-31"),
    ("next month", None, "2023-10-01/2023-10-31"),
    ("earlier this month", None, "2023-09-01/2023-09-04"),
    ("later this year", None, "2023-09-04/2023-12-31"),
    ("2019", None, "2019-01-01/2019-12-31"),
    ("early 2024", None, "2024-01-01/2024-04-30"),
    ("December 2022", None, "2022-12-01/2022-12-31"),
    ("Jan. 5, 2024", None, "2024-01-05"),
    ("Tuesday, Sept. 5", None, "2023-09-05"),
    ("Jan. 3", None, "2024-01-03"),  # nearest to the anchor
    ("yesterday", None, "2023-09-03"),
    ("today", None, "2023-09-04"),
    ("tomorrow", None, "2023-09-05"),
    ("two days ago", None, "2023-09-02"),
    ("the 1990s", None, "1990-01-01/1999-12-31"),
    ("2023-08-15", None, "2023-08-15"),
]


@pytest.mark.parametrize("text, future, expected", CASES, ids=[f"{c[0]}|{c[1]}" for c in CASES])
def test_parse_when_resolves_against_article_date(text, future, expected):
    span = parse_when(text, MONDAY, future=future)
    assert span is not None
    assert span.iso() == expected
    assert span.text == text


@pytest.mark.parametrize("text", ["recent days", "soon", "two days later", "the time", ""])
def test_parse_when_gives_none_for_what_it_cannot_place(text):
    assert parse_when(text, MONDAY) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Jan. 5, 2024", "2024-01-05"),
        ("2019", "2019-01-01/2019-12-31"),
        ("late July", None),
        ("next week", None),
        ("Monday", None),
    ],
)
def test_parse_when_without_anchor_places_only_dated_expressions(text, expected):
    span = parse_when(text, None)
    assert (span.iso() if span else None) == expected


def test_parse_when_weekend_on_a_saturday_is_that_weekend():
    assert parse_when("the weekend", dt.date(2023, 9, 9)).iso() == "2023-09-09/2023-09-10"
