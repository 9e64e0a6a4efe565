"""AWS cron expressions, as maintenance windows use them: `cron(min hour dom month dow year)`.

The IoT Jobs docs show the EventBridge dialect without restating it, so we follow EventBridge's
rules: six fields, all in UTC; exactly one of day-of-month and day-of-week is `?`; day-of-week
runs 1-7 with 1 = SUN (or SUN-SAT); `*`, `,`, `-`, `/`, `L`, `W` and `#` are supported. The
`cron(...)` wrapper is optional on input.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

_MONTHS = {m.upper(): i for i, m in enumerate(calendar.month_abbr) if m}
# EventBridge numbers weekdays 1 (SUN) to 7 (SAT).
_DAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
_WRAPPED = re.compile(r"^\s*cron\((?P<body>[^()]*)\)\s*$", re.IGNORECASE)
_MAX_YEAR = 2199


class CronError(ValueError):
    """The expression is not a valid AWS cron expression; the message says why."""


@dataclass(frozen=True)
class _DayRule:
    """Day-of-month or day-of-week rule beyond a plain set of values."""

    values: frozenset[int] = frozenset()
    last: bool = False  # dom "L": last day of month
    last_weekday_of_month: int | None = None  # dow "6L": last Friday
    nearest_weekday: int | None = None  # dom "15W"
    nth: tuple[int, int] | None = None  # dow "2#1": first Monday
    any: bool = False  # "?" or "*"


@dataclass(frozen=True)
class CronExpression:
    text: str
    minutes: frozenset[int]
    hours: frozenset[int]
    dom: _DayRule
    months: frozenset[int]
    dow: _DayRule
    years: frozenset[int]

    def matches_day(self, day: date) -> bool:
        if day.month not in self.months or day.year not in self.years:
            return False
        return _dom_matches(self.dom, day) and _dow_matches(self.dow, day)

    def next_after(self, moment: datetime, *, inclusive: bool = False) -> datetime | None:
        """The first occurrence after `moment` (or at it, if `inclusive`), or None."""
        return next(iter(self.occurrences(moment, inclusive=inclusive)), None)

    def occurrences(self, start: datetime, *, inclusive: bool = False) -> _Occurrences:
        return _Occurrences(self, start, inclusive)

    def previous_before(self, moment: datetime, *, horizon_days: int = 400) -> datetime | None:
        """The latest occurrence at or before `moment` within `horizon_days`, or None."""
        moment = _utc(moment).replace(second=0, microsecond=0)
        day = moment.date()
        for _ in range(horizon_days + 1):
            if self.matches_day(day):
                for hour in sorted(self.hours, reverse=True):
                    for minute in sorted(self.minutes, reverse=True):
                        candidate = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
                        if candidate <= moment:
                            return candidate
            day -= timedelta(days=1)
        return None


class _Occurrences:
    """Iterator over occurrences from a start time, in order."""

    def __init__(self, expr: CronExpression, start: datetime, inclusive: bool) -> None:
        self._expr = expr
        start = _utc(start)
        floor = start.replace(second=0, microsecond=0)
        exact = floor == start
        self._from = floor if (inclusive and exact) else floor + timedelta(minutes=1)

    def __iter__(self) -> _Occurrences:
        return self

    def __next__(self) -> datetime:
        expr = self._expr
        moment = self._from
        day = moment.date()
        hours = sorted(expr.hours)
        minutes = sorted(expr.minutes)
        while day.year <= min(max(expr.years), _MAX_YEAR):
            if expr.matches_day(day):
                for hour in hours:
                    for minute in minutes:
                        candidate = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
                        if candidate >= moment:
                            self._from = candidate + timedelta(minutes=1)
                            return candidate
            day = _next_candidate_day(expr, day)
        raise StopIteration


def _next_candidate_day(expr: CronExpression, day: date) -> date:
    nxt = day + timedelta(days=1)
    if nxt.month not in expr.months or nxt.year not in expr.years:
        # Skip whole months that cannot match: cheap, and keeps yearly expressions fast.
        year, month = nxt.year, nxt.month
        while True:
            month += 1
            if month > 12:
                month, year = 1, year + 1
            if year > _MAX_YEAR:
                return date(_MAX_YEAR + 1, 1, 1)
            if month in expr.months and year in expr.years:
                return date(year, month, 1)
    return nxt


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _dom_matches(rule: _DayRule, day: date) -> bool:
    if rule.any:
        return True
    last_day = calendar.monthrange(day.year, day.month)[1]
    if rule.last:
        return day.day == last_day
    if rule.nearest_weekday is not None:
        return day.day == _nearest_weekday(day.year, day.month, rule.nearest_weekday)
    return day.day in rule.values


def _nearest_weekday(year: int, month: int, target: int) -> int:
    last_day = calendar.monthrange(year, month)[1]
    target = min(target, last_day)
    weekday = date(year, month, target).weekday()  # Mon=0 .. Sun=6
    if weekday < 5:
        return target
    if weekday == 5:  # Saturday: Friday before, unless that leaves the month
        return target - 1 if target > 1 else target + 2
    return target + 1 if target < last_day else target - 2  # Sunday


def _aws_weekday(day: date) -> int:
    return (day.weekday() + 1) % 7 + 1  # Mon(0) -> 2 ... Sun(6) -> 1


def _dow_matches(rule: _DayRule, day: date) -> bool:
    if rule.any:
        return True
    weekday = _aws_weekday(day)
    if rule.last_weekday_of_month is not None:
        last_day = calendar.monthrange(day.year, day.month)[1]
        return weekday == rule.last_weekday_of_month and day.day + 7 > last_day
    if rule.nth is not None:
        want, nth = rule.nth
        return weekday == want and (day.day - 1) // 7 + 1 == nth
    return weekday in rule.values


def _number(token: str, names: dict[str, int], field: str) -> int:
    upper = token.upper()
    if upper in names:
        return names[upper]
    if not token.isdigit():
        raise CronError(f"{field}: {token!r} is not a number")
    return int(token)


def _set(text: str, lo: int, hi: int, field: str, names: dict[str, int] | None = None) -> set[int]:
    names = names or {}
    out: set[int] = set()
    for part in text.split(","):
        if not part:
            raise CronError(f"{field}: empty list item")
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            if not step_text.isdigit() or int(step_text) == 0:
                raise CronError(f"{field}: bad step {step_text!r}")
            step = int(step_text)
        if part == "*":
            start, end = lo, hi
        elif "-" in part:
            a, b = part.split("-", 1)
            start, end = _number(a, names, field), _number(b, names, field)
        else:
            start = _number(part, names, field)
            end = hi if step != 1 else start
        if not (lo <= start <= hi and lo <= end <= hi):
            raise CronError(f"{field}: {part!r} is outside {lo}-{hi}")
        if end < start:  # wrap-around ranges such as FRI-MON
            out.update(range(start, hi + 1, step))
            out.update(range(lo, end + 1, step))
        else:
            out.update(range(start, end + 1, step))
    return out


def _dom_rule(text: str) -> _DayRule:
    if text in ("?", "*"):
        return _DayRule(any=True)
    if text.upper() == "L":
        return _DayRule(last=True)
    if text.upper().endswith("W"):
        body = text[:-1]
        if not body.isdigit() or not 1 <= int(body) <= 31:
            raise CronError(f"day-of-month: bad {text!r}")
        return _DayRule(nearest_weekday=int(body))
    return _DayRule(values=frozenset(_set(text, 1, 31, "day-of-month")))


def _dow_rule(text: str) -> _DayRule:
    if text in ("?", "*"):
        return _DayRule(any=True)
    upper = text.upper()
    if upper == "L":
        return _DayRule(values=frozenset({7}))  # EventBridge: "L" alone means Saturday
    if upper.endswith("L"):
        return _DayRule(last_weekday_of_month=_number(upper[:-1], _DAYS, "day-of-week"))
    if "#" in upper:
        day_text, nth_text = upper.split("#", 1)
        day = _number(day_text, _DAYS, "day-of-week")
        if not nth_text.isdigit() or not 1 <= int(nth_text) <= 5 or not 1 <= day <= 7:
            raise CronError(f"day-of-week: bad {text!r}")
        return _DayRule(nth=(day, int(nth_text)))
    return _DayRule(values=frozenset(_set(upper, 1, 7, "day-of-week", _DAYS)))


def parse(text: str) -> CronExpression:
    """Parse `cron(m h dom mon dow year)` (the wrapper is optional). Raises CronError."""
    match = _WRAPPED.match(text)
    body = match.group("body") if match else text
    fields = body.split()
    if len(fields) != 6:
        raise CronError(
            f"expected 6 fields (min hour day-of-month month day-of-week year), got {len(fields)}"
        )
    minute, hour, dom, month, dow, year = fields
    if (dom == "?") == (dow == "?"):
        raise CronError("exactly one of day-of-month and day-of-week must be '?'")
    return CronExpression(
        text=text,
        minutes=frozenset(_set(minute, 0, 59, "minutes")),
        hours=frozenset(_set(hour, 0, 23, "hours")),
        dom=_dom_rule(dom),
        months=frozenset(_set(month.upper(), 1, 12, "month", _MONTHS)),
        dow=_dow_rule(dow),
        years=frozenset(_set(year, 1970, _MAX_YEAR, "year")),
    )


def next_occurrences(text: str, after: datetime, count: int) -> list[datetime]:
    """The next `count` occurrences strictly after `after`."""
    out: list[datetime] = []
    for moment in parse(text).occurrences(after):
        out.append(moment)
        if len(out) >= count:
            break
    return out
