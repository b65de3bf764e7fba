"""Date expressions: what find_dates finds and how it resolves them, and when a date looks forward.

(tests/ingest/test_stages.py has the common forms; these are the others, and the rules between them.)
"""

import json
from datetime import date

import pytest

from app.ingest.dates import find_dates, looks_future, month_number
from app.knowledge import FILES, HERE, Knowledge

MONDAY = date(2016, 3, 14)


def found(text: str, anchor: date | None = MONDAY, knowledge: Knowledge | None = None) -> list[tuple]:
    return [
        (m.text, m.date.isoformat(), m.precision, m.explicit_year)
        for m in find_dates(text, anchor, knowledge=knowledge)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on 2016-03-15", [("2016-03-15", "2016-03-15", "day", True)]),
        ("on 15.03.2016", [("15.03.2016", "2016-03-15", "day", True)]),
        ("on March 15th, 2016", [("March 15th, 2016", "2016-03-15", "day", True)]),
        ("on the 15th of March 2016", [("15th of March 2016", "2016-03-15", "day", True)]),
        ("on Sept. 5, 2017", [("Sept. 5, 2017", "2017-09-05", "day", True)]),
        ("on JUNE 5", [("JUNE 5", "2016-06-05", "day", False)]),
        ("on 5 June", [("5 June", "2016-06-05", "day", False)]),
        ("in Dec. 2015", [("Dec. 2015", "2015-12-01", "month", True)]),
        ("since 2011", [("since 2011", "2011-01-01", "year", True)]),
        ("During 2014", [("During 2014", "2014-01-01", "year", True)]),
        ("this past March", [("this past March", "2015-03-01", "month", False)]),
        ("next month", [("next month", "2016-04-01", "month", False)]),
        ("Last Year", [("Last Year", "2015-01-01", "year", False)]),
        ("Tonight", [("Tonight", "2016-03-14", "day", False)]),
        ("on Sunday", [("Sunday", "2016-03-13", "day", False)]),
        # Two expressions, in text order.
        (
            "Monday, March 14, 2016",
            [("Monday", "2016-03-14", "day", False), ("March 14, 2016", "2016-03-14", "day", True)],
        ),
        ("from 1 April to 5 May", [("1 April", "2016-04-01", "day", False), ("5 May", "2016-05-05", "day", False)]),
        # Where two kinds overlap, the earlier kind in the list wins: the full date, not the day and month.
        ("14 March 2016", [("14 March 2016", "2016-03-14", "day", True)]),
        ("last March 2016", [("March 2016", "2016-03-01", "month", True)]),
    ],
)
def test_date_expressions(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Page 14, 2016",  # a capitalised word where a month would stand is not a month
        "14 Tanks left",
        "Jun. 5",  # 'Jun.' is not one of the ways the lexicon writes June
        "in 1850",  # years are 19xx or 20xx
        "at 10:30",
        "the may 5 vote",  # lower-case months are verbs
        "one year later",
    ],
)
def test_no_date(text):
    assert found(text) == []


@pytest.mark.parametrize("text", ["yesterday", "next month", "will leave on Monday"])
def test_relative_dates_need_an_anchor(text):
    assert found(text, anchor=None) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a year ago", (date(2015, 1, 1), "year")),
        ("two years ago", (date(2014, 1, 1), "year")),
        ("Three months ago", (date(2015, 12, 1), "month")),
        ("a week ago", (date(2016, 3, 7), "day")),
        ("5 days ago", (date(2016, 3, 9), "day")),
    ],
)
def test_a_time_ago_counts_back_from_the_anchor_as_precisely_as_its_unit(text, expected):
    (mention,) = find_dates(text, MONDAY)
    assert (mention.date, mention.precision) == expected


@pytest.mark.parametrize("text", ["02-21-2010, 05:25 AM", "21.02.2010", "21/02/2010", "2010-02-21"])
def test_numeric_dates_with_any_one_separator(text):
    (mention,) = find_dates(text, None)
    assert (mention.date, mention.precision) == (date(2010, 2, 21), "day")


@pytest.mark.parametrize(("text", "weekday"), [("Fomin said Tuesday", 1), ("on Sunday", 6)])
def test_a_past_weekday_without_an_anchor_keeps_its_weekday_alone(text, weekday):
    (mention,) = find_dates(text, None)
    assert (mention.precision, mention.date.weekday()) == ("weekday", weekday)


@pytest.mark.parametrize(
    ("text", "month_day"),
    [("on March 14", "--03-14"), ("on 29 February", "--02-29"), ("Madrid, April 19:", "--04-19")],
)
def test_a_day_and_month_without_an_anchor_keeps_no_year(text, month_day):
    (mention,) = find_dates(text, None)
    assert (mention.precision, mention.explicit_year, mention.month_day) == ("month_day", False, month_day)


def test_a_day_and_month_with_an_anchor_takes_the_closest_year():
    (mention,) = find_dates("on December 30", date(2017, 1, 2))
    assert (mention.date, mention.precision) == (date(2016, 12, 30), "day")


@pytest.mark.parametrize("text", ["on Monday 14 March 2016", "yesterday"])
def test_each_call_gives_its_own_list(text):
    first = find_dates(text, MONDAY)
    first.clear()
    assert find_dates(text, MONDAY) != []


@pytest.mark.parametrize(
    ("before", "expected"),
    [
        ("from ", True),
        ("starting on ", True),
        ("as of ", True),
        ("effective ", True),
        ("until ", True),
        ("troops will leave Syria on ", True),
        ("The withdrawal Will Begin ", True),
        ("troops left on ", False),
        ("since ", False),
        ("troops will leave Syria in a move which the Kremlin announced on ", False),  # 'will' too far back
        ("", False),
    ],
)
def test_looks_future(before, expected):
    assert looks_future(before + "Tuesday", len(before)) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the order takes effect from Friday", "2016-03-18"),
        ("the order took effect on Friday", "2016-03-11"),
        ("the order takes effect on Monday", "2016-03-14"),  # the anchor's own weekday
    ],
)
def test_a_weekday_is_the_next_one_after_a_future_cue_else_the_last(text, expected):
    ((_, day, _, _),) = found(text)
    assert day == expected


@pytest.mark.parametrize(
    ("name", "expected"), [("March", 3), ("MARCH", 3), ("march", 3), ("Sept.", 9), ("SEPT", 9), ("Dec", 12)]
)
def test_month_number(name, expected):
    assert month_number(name) == expected


def edited_lexicon(edit) -> Knowledge:
    data = {name: json.loads((HERE / name).read_text(encoding="utf-8")) for name in FILES}
    edit(data["lexicon.json"])
    return Knowledge(data, "edited")


def test_the_words_come_from_the_lexicon():
    def edit(lexicon):
        lexicon["month_names"]["Febr."] = 2
        lexicon["relative_days"]["overmorrow"] = 2
        lexicon["effective_cues"].append("commencing")

    knowledge = edited_lexicon(edit)
    assert found("on Febr. 3, 2016") == []
    assert found("on Febr. 3, 2016", knowledge=knowledge) == [("Febr. 3, 2016", "2016-02-03", "day", True)]
    assert found("overmorrow", knowledge=knowledge) == [("overmorrow", "2016-03-16", "day", False)]
    assert not looks_future("commencing Friday", 11)
    assert looks_future("commencing Friday", 11, knowledge=knowledge)
