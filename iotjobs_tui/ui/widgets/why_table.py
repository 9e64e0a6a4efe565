"""The why panel's words and numbers, and `BucketTable`: every bucket of a job in a `KeyedTable`.

A bucket's count is exact when its status was described in full, else "≈890" with its 95 %
interval ("750-1,020"); its share is of every failed execution (or every in-progress one, for
the steps). Reasons and thing names are untrusted: they are shown literally (`safe`,
`text_cell`), never as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType

from iotjobs_tui.aws.why import Bucket, BucketKey
from iotjobs_tui.common.statuses import ExecStatus
from iotjobs_tui.ui.format import STATUS_STYLES, status_text
from iotjobs_tui.ui.text import safe
from iotjobs_tui.ui.widgets.table import Column, KeyedTable, TableRow
from iotjobs_tui.ui.widgets.table_cells import plain_cell, text_cell, text_width
from iotjobs_tui.ui.widgets.table_rows import Segments

_STATUS = {status: Style.parse(style) for status, style in STATUS_STYLES.items()}
_DIM = Style(dim=True)
NO_KEY = "(none of the keys)"


def count_label(bucket: Bucket) -> str:
    return f"{bucket.estimate:,}" if bucket.exact else f"≈{bucket.estimate:,}"


def interval_label(bucket: Bucket) -> str:
    return "exact" if bucket.exact else f"{bucket.low:,}-{bucket.high:,}"


def percent(share: float) -> str:
    if share <= 0:
        return "0 %"
    if share < 0.01:
        return "<1 %"
    return f"{share * 100:.0f} %"


def share_label(bucket: Bucket) -> str:
    return percent(bucket.share)


def key_text(key: BucketKey, with_status: bool = True) -> Text:
    """'FAILED reason CHECKSUM_MISMATCH': the status, the key (dim), the value literally."""
    text = Text(end="")
    if with_status:
        text.append_text(status_text(key.status))
        text.append(" ")
    if key.key is None:
        text.append(NO_KEY, style="dim italic")
        return text
    text.append_text(safe(key.key, "dim"))
    text.append(" ")
    text.append_text(safe(key.value or '""'))
    return text


def key_plain(key: BucketKey) -> str:
    """The same words as one string (a title, a haystack): ShowThings and the breadcrumb
    escape it themselves."""
    if key.key is None:
        return f"{key.status} {NO_KEY}"
    return f"{key.status} {key.key} {key.value}"


def examples_text(bucket: Bucket, style: str = "dim") -> Text:
    text = Text(end="")
    text.append("e.g. ", style=style)
    for index, thing in enumerate(bucket.examples):
        if index:
            text.append(", ", style=style)
        text.append_text(safe(thing, style))
    if len(bucket.things) > len(bucket.examples):
        text.append(", …", style=style)
    return text


def row_key(key: BucketKey) -> str:
    return "\x1f".join((key.status, key.key or "", key.value))


class BucketRow(TableRow):
    __slots__ = ("bucket",)

    def __init__(self, bucket: Bucket) -> None:
        super().__init__(row_key(bucket.key), " ".join((key_plain(bucket.key), *bucket.examples)))
        self.bucket = bucket

    def same(self, other: BucketRow) -> bool:
        return self.bucket == other.bucket

    def take(self, other: BucketRow) -> None:
        self.bucket, self.haystack = other.bucket, other.haystack


def _reason(row: BucketRow, now: datetime) -> Segments:
    key = row.bucket.key
    if key.key is None:
        return plain_cell(NO_KEY, _DIM)
    return [*plain_cell(f"{key.key} ", _DIM), *text_cell(key.value or '""')]


def _reason_width(row: BucketRow) -> int:
    key = row.bucket.key
    return len(NO_KEY) if key.key is None else len(key.key) + 1 + text_width(key.value)


def _examples(row: BucketRow, now: datetime) -> Segments:
    bucket = row.bucket
    cells: Segments = []
    for index, thing in enumerate(bucket.examples):
        if index:
            cells += plain_cell(", ")
        cells += text_cell(thing)
    return cells or plain_cell("—", _DIM)


COLUMNS: tuple[Column[BucketRow], ...] = (
    Column(
        "status",
        "Status",
        lambda row, now: text_cell(row.bucket.key.status, _STATUS.get(row.bucket.key.status)),
        width=11,
        sort_key=lambda row: (row.bucket.key.status, -row.bucket.estimate, row.key),
    ),
    Column(
        "reason",
        "Key and value",
        _reason,
        min_width=16,
        max_width=56,
        measure=_reason_width,
        sort_key=lambda row: (row.bucket.key.key or "~", row.bucket.key.value, row.key),
    ),
    Column(
        "count",
        "Executions",
        lambda row, now: plain_cell(count_label(row.bucket)),
        width=10,
        right=True,
        # the failures first (largest first, as the sort is descending), then the steps
        sort_key=lambda row: (
            row.bucket.key.status != ExecStatus.IN_PROGRESS,
            row.bucket.estimate,
            row.bucket.sampled,
            row.key,
        ),
    ),
    Column(
        "interval",
        "95 % interval",
        lambda row, now: plain_cell(interval_label(row.bucket)),
        width=13,
        right=True,
        drop_order=1,
    ),
    Column(
        "share",
        "Share",
        lambda row, now: plain_cell(share_label(row.bucket)),
        width=6,
        right=True,
        sort_key=lambda row: (row.bucket.share, row.key),
    ),
    Column(
        "sampled",
        "Sampled",
        lambda row, now: plain_cell(f"{row.bucket.sampled}/{row.bucket.described}"),
        width=9,
        right=True,
        drop_order=2,
    ),
    Column(
        "examples",
        "Example things",
        _examples,
        min_width=12,
        max_width=90,
        measure=lambda row: sum(text_width(t) + 2 for t in row.bucket.examples),
        drop_order=3,  # the first to go on a narrow screen: the reason must not be cut
        yields=True,
    ),
)


class BucketTable(KeyedTable[BucketRow]):
    """Every bucket; Enter posts `Selected` (the screen lists the bucket's things)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *KeyedTable.NAVIGATION,
        Binding("enter", "select", "Its things", id="select"),
    ]

    def __init__(self, *, id: str | None = None, now: Callable[[], datetime] | None = None) -> None:
        super().__init__(COLUMNS, sort="count", reverse=True, now=now, id=id)

    def show(self, buckets: Iterable[Bucket]) -> None:
        self.replace_all(BucketRow(bucket) for bucket in buckets)
