"""Normalize the article's date expressions to ranges of days.

    parse_when(text, anchor, future=None) -> TimeSpan | None  one expression, resolved against `anchor`

(narrate decides the tense of the clause a date stands in, and passes it as `future`).

`anchor` is the article's date. A small, explicit rule set (no third-party date parser), so the
results are predictable and documented here:

- Parts of a month: early = days 1-10, mid = 11-20, late = 21-end; "the end of July" = late July,
  "the beginning/start of July" = early July. Parts of a year: early = Jan-Apr, mid = May-Aug,
  late = Sep-Dec.
- A month or month-and-day without a year takes the year that puts it nearest the anchor; with
  `future=True` the next occurrence on or after the anchor, with `future=False` the last one on or
  before it. "in October" told in September (future) is this October; "in October" told in
  November (past) is last October.
- Weeks run Monday to Sunday. "this week" is the anchor's week, "next week" the following
  Monday..Sunday, "last week" the previous one. "the weekend" / "this weekend" is the coming
  Saturday-Sunday (the current one when the anchor is a Saturday or Sunday).
- A bare weekday ("Monday", "on Monday night"): in news it most often names a day of the current
  week already past, so by default (and with `future=False`) it is the most recent such day on or
  before the anchor; with `future=True` it is the next such day after the anchor. "last Monday"
  is always before the anchor, "next Monday" always after it.
- "yesterday", "today", "tomorrow", "tonight", "N days/weeks/months/years ago" (but not "N days
  later", which counts from the story's own time, not the article's: None), "last/this/next
  month/year", "earlier/later this month/year", "recent days" (None), seasons (northern hemisphere:
  spring Mar-May, summer Jun-Aug, autumn/fall Sep-Nov, winter Dec-Feb), decades ("the 1990s").
- Ranges: "Sept. 10 to 13", "Sept. 10-13", "from Sept. 10 to Oct. 2", "between May 1 and 3",
  "late May and August" (from the first to the last).
- Without an anchor only expressions with a year can be placed; everything else is None.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from geostory.model import TimeSpan

__all__ = ["parse_when"]

_MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_WEEKDAYS = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tue": 1,
    "tues": 1,
    "wednesday": 2,
    "wed": 2,
    "thursday": 3,
    "thu": 3,
    "thurs": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "several": 3,
    "a few": 3,
    "few": 3,
    "couple of": 2,
    "a couple of": 2,
}
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY_RE = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
_PART_RE = (
    r"(?:(?P<part>early|mid|middle|late|the (?:end|beginning|start|middle) of"
    r"|end of|beginning of|start of)[\s-]*)?"
)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _part_of_month(part: str | None, year: int, month: int) -> tuple[dt.date, dt.date]:
    last = calendar.monthrange(year, month)[1]
    part = (part or "").strip()
    if part in ("early", "beginning of", "start of", "the beginning of", "the start of"):
        return dt.date(year, month, 1), dt.date(year, month, 10)
    if part in ("mid", "middle", "the middle of"):
        return dt.date(year, month, 11), dt.date(year, month, 20)
    if part in ("late", "end of", "the end of"):
        return dt.date(year, month, 21), dt.date(year, month, last)
    return dt.date(year, month, 1), dt.date(year, month, last)


def _part_of_year(part: str | None, year: int) -> tuple[dt.date, dt.date]:
    part = (part or "").strip()
    if part in ("early", "beginning of", "start of", "the beginning of", "the start of"):
        return dt.date(year, 1, 1), dt.date(year, 4, 30)
    if part in ("mid", "middle", "the middle of"):
        return dt.date(year, 5, 1), dt.date(year, 8, 31)
    if part in ("late", "end of", "the end of"):
        return dt.date(year, 9, 1), dt.date(year, 12, 31)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _pick_year(anchor: dt.date | None, month: int, day: int | None, future: bool | None) -> int | None:
    """The year for a month (and day) named without one, see the module docstring."""
    if anchor is None:
        return None
    options = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        d_first = dt.date(year, month, day or 1)
        d_last = dt.date(year, month, day) if day else _month_end(year, month)
        options.append((year, d_first, d_last))
    if future is True:
        return next(y for y, first, last in options if last >= anchor)
    if future is False:
        return [y for y, first, last in options if first <= anchor][-1]

    def distance(option: tuple[int, dt.date, dt.date]) -> int:
        _, first, last = option
        if first <= anchor <= last:
            return 0
        return min(abs((first - anchor).days), abs((last - anchor).days))

    return min(options, key=distance)[0]


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _clean(text: str) -> str:
    s = text.strip().lower().replace("\u2013", "-").replace("\u2014", "-")
    s = re.sub(r"(?<=[a-z])\.", "", s)  # "sept." -> "sept"
    s = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", s)
    s = re.sub(r"\s+", " ", s)
    s = re.sub(r"^(?:on|in|during|since|by|until|till|from|of|at|for|around|about|as of|through)\s+", "", s)
    s = re.sub(r"\b(?:morning|afternoon|evening|night|overnight)\b", "", s)
    s = re.sub(r"\s+", " ", s).strip(" ,")
    return s


def _count(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return _NUMBERS.get(word)


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def _weekday(anchor: dt.date, weekday: int, which: str | None, future: bool | None) -> dt.date:
    if which == "last" or (which is None and not future):
        back = (anchor.weekday() - weekday) % 7
        if which == "last" and back == 0:
            back = 7
        return anchor - dt.timedelta(days=back)
    if which == "this":
        return anchor + dt.timedelta(days=weekday - anchor.weekday())
    ahead = (weekday - anchor.weekday()) % 7 or 7
    return anchor + dt.timedelta(days=ahead)


def _span(start: dt.date | None, end: dt.date | None, text: str) -> TimeSpan | None:
    if start is None or end is None:
        return None
    if end < start:
        start, end = end, start
    return TimeSpan(start=start, end=end, text=text)


def _month_day(s: str, anchor: dt.date | None, future: bool | None, text: str) -> TimeSpan | None:
    """Expressions naming a month, with or without days, parts and years."""
    md = rf"(?P<m1>{_MONTH_RE}) (?P<d1>\d{{1,2}})(?:,? (?P<y1>\d{{4}}))?"
    dm = rf"(?P<d1b>\d{{1,2}}) (?P<m1b>{_MONTH_RE})(?:,? (?P<y1b>\d{{4}}))?"
    tail = (
        rf"(?:\s*(?:-|to|and|through|until|till)\s*(?:(?P<m2>{_MONTH_RE}) )?"
        rf"(?P<d2>\d{{1,2}})(?:,? (?P<y2>\d{{4}}))?)?"
    )
    tail_dm = (
        rf"(?:\s*(?:-|to|and|through|until|till)\s*(?P<d2b>\d{{1,2}})"
        rf"(?: (?P<m2b>{_MONTH_RE}))?(?:,? (?P<y2b>\d{{4}}))?)?"
    )
    s2 = re.sub(r"^(?:between|from)\s+", "", s)
    s2 = re.sub(rf"^(?:{_WEEKDAY_RE}),? ", "", s2)
    m = re.fullmatch(md + tail, s2)
    if m:
        m1, d1 = _MONTHS[m["m1"]], int(m["d1"])
        m2 = _MONTHS[m["m2"]] if m["m2"] else m1
        d2 = int(m["d2"]) if m["d2"] else d1
        year_text = m["y2"] or m["y1"]
        year = int(year_text) if year_text else _pick_year(anchor, m1, d1, future)
        if year is None:
            return None
        year1 = int(m["y1"]) if m["y1"] else year
        year2 = int(m["y2"]) if m["y2"] else (year + 1 if m2 < m1 else year)
        return _span(_safe_date(year1, m1, d1), _safe_date(year2, m2, d2), text)
    m = re.fullmatch(dm + tail_dm, s2)
    if m:
        m1 = _MONTHS[m["m1b"]]
        d1 = int(m["d1b"])
        m2 = _MONTHS[m["m2b"]] if m["m2b"] else m1
        d2 = int(m["d2b"]) if m["d2b"] else d1
        if m["m2b"] is None and m["d2b"] is None:
            m2 = m1
        year_text = m["y2b"] or m["y1b"]
        year = int(year_text) if year_text else _pick_year(anchor, m1, d1, future)
        if year is None:
            return None
        return _span(_safe_date(year, m1, d1), _safe_date(year, m2, d2), text)
    # "d1-d2 Month" ("10-13 September")
    m = re.fullmatch(
        rf"(?P<d1>\d{{1,2}})\s*(?:-|to|and)\s*(?P<d2>\d{{1,2}}) (?P<m>{_MONTH_RE})(?:,? (?P<y>\d{{4}}))?", s2
    )
    if m:
        month = _MONTHS[m["m"]]
        year = int(m["y"]) if m["y"] else _pick_year(anchor, month, int(m["d1"]), future)
        if year is None:
            return None
        return _span(_safe_date(year, month, int(m["d1"])), _safe_date(year, month, int(m["d2"])), text)
    # parts of months, "late July", "late July 2023", "late May and August", "July or August"
    one = rf"{_PART_RE}(?P<m>{_MONTH_RE})(?:,? (?P<y>\d{{4}}))?"
    m = re.fullmatch(one, s2)
    if m:
        return _month_part(m["part"], _MONTHS[m["m"]], m["y"], anchor, future, text)
    m = re.fullmatch(
        rf"{_PART_RE}(?P<m>{_MONTH_RE})(?:,? (?P<y>\d{{4}}))?\s*(?:and|or|to|-|through|until)\s*"
        rf"(?:(?P<part2>early|mid|late)[\s-]*)?(?P<mb>{_MONTH_RE})(?:,? (?P<yb>\d{{4}}))?",
        s2,
    )
    if m:
        year_text = m["y"] or m["yb"]
        first = _month_part(m["part"], _MONTHS[m["m"]], year_text, anchor, future, text)
        if first is None:
            return None
        month2 = _MONTHS[m["mb"]]
        year2 = int(m["yb"]) if m["yb"] else first.start.year + (1 if month2 < first.start.month else 0)
        second = _month_part(m["part2"], month2, str(year2), anchor, future, text)
        if second is None:
            return None
        return _span(first.start, second.end, text)
    return None


def _month_part(
    part: str | None,
    month: int,
    year_text: str | None,
    anchor: dt.date | None,
    future: bool | None,
    text: str,
) -> TimeSpan | None:
    year = int(year_text) if year_text else _pick_year(anchor, month, None, future)
    if year is None:
        return None
    start, end = _part_of_month(part, year, month)
    return _span(start, end, text)


def _relative(s: str, anchor: dt.date, future: bool | None, text: str) -> TimeSpan | None:
    """Expressions that need the anchor: today, next week, last year, Monday ..."""
    one_day = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1, "this": 0, "now": 0}
    if s in one_day and s not in ("this", "now"):
        day = anchor + dt.timedelta(days=one_day[s])
        return _span(day, day, text)
    if s in ("day before yesterday", "the day before yesterday"):
        day = anchor - dt.timedelta(days=2)
        return _span(day, day, text)
    if s in ("day after tomorrow", "the day after tomorrow"):
        day = anchor + dt.timedelta(days=2)
        return _span(day, day, text)
    m = re.fullmatch(
        r"(?:(?P<which>this|next|last|past|coming|the coming|the past|the)\s+)?"
        r"(?P<unit>week|weekend|month|year)",
        s,
    )
    if m:
        which = (m["which"] or "this").replace("the ", "")
        if which == "the":
            which = "this"
        delta = {"this": 0, "next": 1, "coming": 1, "last": -1, "past": -1}[which]
        unit = m["unit"]
        if unit == "week":
            if which == "past":
                return _span(anchor - dt.timedelta(days=7), anchor, text)
            start, end = _week_of(anchor + dt.timedelta(weeks=delta))
            return _span(start, end, text)
        if unit == "weekend":
            if anchor.weekday() >= 5:
                saturday = anchor - dt.timedelta(days=anchor.weekday() - 5)
            else:
                saturday = anchor + dt.timedelta(days=5 - anchor.weekday())
            if delta == -1:
                saturday = anchor - dt.timedelta(days=(anchor.weekday() - 5) % 7 or 7)
                saturday = saturday if saturday.weekday() == 5 else saturday - dt.timedelta(days=1)
            elif delta == 1 and anchor.weekday() >= 5:
                saturday += dt.timedelta(days=7)
            return _span(saturday, saturday + dt.timedelta(days=1), text)
        if unit == "month":
            if which == "past":
                return _span(anchor - dt.timedelta(days=30), anchor, text)
            year, month = _add_months(anchor.year, anchor.month, delta)
            return _span(dt.date(year, month, 1), _month_end(year, month), text)
        if which == "past":
            return _span(anchor - dt.timedelta(days=365), anchor, text)
        year = anchor.year + delta
        return _span(dt.date(year, 1, 1), dt.date(year, 12, 31), text)
    m = re.fullmatch(
        r"(?P<part>early|mid|late|earlier|later|the end of|end of|the beginning of|beginning of"
        r"|the start of|start of)\s*-?\s*(?:this|next|last) (?P<unit>month|year|week)"
        r"|(?P<part2>earlier|later|early|late) (?P<which2>this|next|last) (?P<unit2>month|year|week)",
        s,
    )
    if m:
        part = m["part"] or m["part2"]
        which_match = re.search(r"\b(this|next|last)\b", s)
        which = which_match.group(1) if which_match else "this"
        unit = m["unit"] or m["unit2"]
        delta = {"this": 0, "next": 1, "last": -1}[which]
        if unit == "month":
            year, month = _add_months(anchor.year, anchor.month, delta)
            start, end = dt.date(year, month, 1), _month_end(year, month)
            if part == "earlier" and delta == 0:
                return _span(start, anchor, text)
            if part == "later" and delta == 0:
                return _span(anchor, end, text)
            start, end = _part_of_month(
                part.replace("earlier", "early").replace("later", "late"), year, month
            )
            return _span(start, end, text)
        if unit == "year":
            year = anchor.year + delta
            if part == "earlier" and delta == 0:
                return _span(dt.date(year, 1, 1), anchor, text)
            if part == "later" and delta == 0:
                return _span(anchor, dt.date(year, 12, 31), text)
            start, end = _part_of_year(part.replace("earlier", "early").replace("later", "late"), year)
            return _span(start, end, text)
        start, end = _week_of(anchor + dt.timedelta(weeks=delta))
        if part in ("earlier", "early") and delta == 0:
            return _span(start, anchor, text)
        if part in ("later", "late") and delta == 0:
            return _span(anchor, end, text)
        return _span(start, end, text)
    m = re.fullmatch(
        r"(?P<n>\d+|a few|a couple of|couple of|few|several|[a-z]+) "
        r"(?P<unit>day|week|month|year)s? (?P<dir>ago|from now|hence)",
        s,
    )
    if m:
        n = _count(m["n"])
        if n is None:
            return None
        sign = -1 if m["dir"] == "ago" else 1
        unit = m["unit"]
        if unit == "day":
            day = anchor + dt.timedelta(days=sign * n)
            return _span(day, day, text)
        if unit == "week":
            start, end = _week_of(anchor + dt.timedelta(weeks=sign * n))
            return _span(start, end, text)
        if unit == "month":
            year, month = _add_months(anchor.year, anchor.month, sign * n)
            return _span(dt.date(year, month, 1), _month_end(year, month), text)
        year = anchor.year + sign * n
        return _span(dt.date(year, 1, 1), dt.date(year, 12, 31), text)
    m = re.fullmatch(
        rf"(?:(?P<which>last|next|this|coming|the coming|past|the past) )?(?P<wd>{_WEEKDAY_RE})", s
    )
    if m:
        which = m["which"]
        if which in ("coming", "the coming"):
            which = "next"
        if which in ("past", "the past"):
            which = "last"
        day = _weekday(anchor, _WEEKDAYS[m["wd"]], which, future)
        return _span(day, day, text)
    m = re.fullmatch(
        r"(?:(?P<which>this|last|next|the coming|coming|the past|past) )?"
        r"(?P<season>spring|summer|autumn|fall|winter)(?: (?P<y>\d{4}))?",
        s,
    )
    if m:
        first, last = _SEASONS[m["season"]]
        which = m["which"] or "this"
        if m["y"]:
            year = int(m["y"])
        else:
            year = (
                anchor.year
                + {
                    "this": 0,
                    "next": 1,
                    "coming": 0,
                    "the coming": 0,
                    "last": -1,
                    "past": -1,
                    "the past": -1,
                }[which]
            )
            if which == "this" and first == 12 and anchor.month <= 2:
                year -= 1
        start = dt.date(year, first, 1)
        end = _month_end(year + (1 if last < first else 0), last)
        return _span(start, end, text)
    return None


def parse_when(text: str, anchor: dt.date | None, *, future: bool | None = None) -> TimeSpan | None:
    """Resolve one date expression to an inclusive range of days, or None when it cannot be.

    `anchor` is the article's date; `future` says the expression is told in the future tense
    (True), the past (False) or unknown (None); it decides bare weekdays and year-less months.

    >>> parse_when("late July", dt.date(2023, 9, 4)).iso()
    '2023-07-21/2023-07-31'
    >>> parse_when("Sept. 10 to 13", dt.date(2023, 9, 4)).iso()
    '2023-09-10/2023-09-13'
    >>> parse_when("next week", dt.date(2023, 9, 4)).iso()
    '2023-09-11/2023-09-17'
    """
    s = _clean(text)
    if not s:
        return None
    if not re.match(r"the (?:end|beginning|start|middle) of", s):
        s = re.sub(r"^the\s+", "", s)
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", s)
    if m:
        day = _safe_date(int(m[1]), int(m[2]), int(m[3]))
        return _span(day, day, text)
    m = re.fullmatch(r"(?:the )?(\d{3})0s", s)
    if m:
        decade = int(m[1]) * 10
        return _span(dt.date(decade, 1, 1), dt.date(decade + 9, 12, 31), text)
    m = re.fullmatch(rf"{_PART_RE}(?P<y>\d{{4}})", s)
    if m and 1000 <= int(m["y"]) <= 2999:
        start, end = _part_of_year(m["part"], int(m["y"]))
        return _span(start, end, text)
    m = re.fullmatch(r"(?P<y1>\d{4})\s*(?:-|to|and)\s*(?P<y2>\d{2,4})", s)
    if m:
        y1 = int(m["y1"])
        y2 = int(m["y2"]) if len(m["y2"]) == 4 else y1 // 100 * 100 + int(m["y2"])
        if 1000 <= y1 <= y2 <= 2999:
            return _span(dt.date(y1, 1, 1), dt.date(y2, 12, 31), text)
    found = _month_day(s, anchor, future, text)
    if found is not None:
        return found
    if anchor is None:
        return None
    return _relative(s, anchor, future, text)
