"""The dated events drawn as a timeline picture that reads on a phone.

A phone shows a chat image at the screen's width, so the picture is a portrait column with
large text: time runs down a vertical axis, each year starts with its own heading, and events
are spaced by how far apart they happened (with a minimum, so labels never overlap). Long
stretches are split over several pictures rather than drawn as one unreadable strip.
Partial dates are drawn honestly: a hollow circle for month-only dates (placed mid-month), a
hollow square for year-only ones (placed mid-year). An event with an end date gets a bar
beside the axis; a bar that runs on past a page's last event ends in an arrow with a line
saying until when, and a later page starts with the ranges still running into it, so no bar
seems to stop where the picture does.
"""

from __future__ import annotations

import io
import itertools
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from bot.calendar.dates import MONTHS, PartialDate
from knowledge.loader import KnowledgeBase
from knowledge.models import EventEntry

if TYPE_CHECKING:  # matplotlib is imported when a timeline is drawn: a second off every start
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

HEADER = 104.0  # points above the first year heading: title and legend
WIDTH = 520.0  # points; 7.2 in, drawn at 150 dpi: 1080 px, a phone screenshot's width
MAX_HEIGHT = WIDTH * 2.1  # a phone screen's shape: one picture, one screen
DPI = 150
TITLE_SIZE, HEAD_SIZE, YEAR_SIZE, EVENT_SIZE, DATE_SIZE, NOTE_SIZE = 22, 13, 20, 16, 14, 12
LINE = EVENT_SIZE * 1.3
NOTE_LINE = NOTE_SIZE * 1.35
AXIS_X, DATE_X, TEXT_X = 112.0, 86.0, 128.0
WRAP = 38  # characters per title line at EVENT_SIZE in the space right of the axis
NOTE_WRAP = WRAP * EVENT_SIZE // NOTE_SIZE  # the same width in the smaller note size
INK, MUTED, ACCENT, RANGE = "#1f2933", "#616e7c", "#c0392b", "#e8a39b"
ImageFormat = Literal["png", "jpeg"]


@dataclass(frozen=True, slots=True)
class Dated:
    entry: EventEntry
    start: PartialDate
    end: PartialDate | None

    @property
    def sort_key(self) -> tuple[int, int, int]:
        mid = self.start.midpoint()
        return mid.year, mid.month, mid.day


def dated_events(kb: KnowledgeBase, first: int | None = None,
                 last: int | None = None) -> list[Dated]:
    """Events overlapping the years ``first``..``last`` (inclusive), in time order."""
    found = []
    for entry in kb.events():
        start = PartialDate.parse(entry.date)
        end = PartialDate.parse(entry.end_date) if entry.end_date else None
        end_year = end.year if end else start.year
        if (first is None or end_year >= first) and (last is None or start.year <= last):
            found.append(Dated(entry, start, end))
    return sorted(found, key=lambda d: d.sort_key)


def paginate(events: Sequence[Dated], max_height: float = MAX_HEIGHT) -> list[list[Dated]]:
    """Pages no taller than ``max_height`` points, breaking between years where possible."""
    pages: list[list[Dated]] = []
    current: list[Dated] = []

    def fits(candidate: Sequence[Dated]) -> bool:
        carried = running_into([e for page in pages for e in page], candidate[0])
        return _layout(candidate, HEADER, carried)[1] <= max_height

    by_year: dict[int, list[Dated]] = {}
    for event in events:
        by_year.setdefault(event.start.year, []).append(event)
    for group in by_year.values():
        if current and not fits(current + group) and fits(group):
            pages.append(current)
            current = []
        for event in group:
            if current and not fits([*current, event]):
                pages.append(current)
                current = []
            current.append(event)
    if current:
        pages.append(current)
    return pages


def draw_timeline(kb: KnowledgeBase, first: int | None = None, last: int | None = None,
                  image_format: ImageFormat = "png") -> list[bytes]:
    """Pictures (PNG, or JPEG) of the events in ``first``..``last``; empty when none are
    dated there."""
    pages = paginate(dated_events(kb, first, last))
    return [_draw_page(page, n + 1, len(pages), image_format,
                       running_into([e for earlier in pages[:n] for e in earlier], page[0]))
            for n, page in enumerate(pages)]


def running_into(earlier: Sequence[Dated], first: Dated) -> list[Dated]:
    """The ranges among ``earlier`` events that are still running at ``first``."""
    start = first.start.midpoint()
    return [e for e in earlier if e.end is not None and e.end.midpoint() > start]


# --- Drawing one page ----------------------------------------------------------------------

RowKind = Literal["year", "event", "before", "after"]


@dataclass(slots=True)
class _Row:
    y: float
    event: Dated | None = None  # None: a year heading
    year: int = 0
    lines: tuple[str, ...] = ()
    gap_note: str = ""
    #: "before": a range running in from an earlier page; "after": one running on past this
    #: page's last event.
    kind: RowKind = "event"


def _layout(events: Sequence[Dated], top: float,
            carried: Sequence[Dated] = ()) -> tuple[list[_Row], float]:
    """Place year headings and events down the page, with the ranges running into it at the
    top and those running on past it at the bottom; return the rows and the page height."""
    rows: list[_Row] = []
    y = top
    for event in carried:
        assert event.end is not None
        lines = tuple(textwrap.wrap(f"{event.entry.title}, since {event.start.short()}, "
                                    f"until {event.end.short()}", NOTE_WRAP))
        rows.append(_Row(y, event, event.start.year, lines, kind="before"))
        y += NOTE_LINE * len(lines) + 12
    previous: Dated | None = None
    for event in events:
        year = event.start.year
        if previous is None or year != previous.start.year:
            note = ""
            if previous is not None and year - previous.start.year > 1:
                skipped = f"{previous.start.year + 1}" + (
                    f"–{year - 1}" if year - previous.start.year > 2 else "")
                note = f"{skipped}: nothing dated"
                y += NOTE_SIZE * 2.2
            rows.append(_Row(y, None, year, gap_note=note, kind="year"))
            y += YEAR_SIZE * 1.9
        elif previous is not None:
            days = (event.start.midpoint() - previous.start.midpoint()).days
            y += min(days * 0.12, 22.0)  # a little extra room shows a longer wait
        lines = tuple(textwrap.wrap(event.entry.title, WRAP)) or (event.entry.id,)
        if event.end is not None:
            lines += (f"until {event.end.short()}",)
        rows.append(_Row(y, event, year, lines))
        y += LINE * len(lines) + 12
        previous = event
    last = events[-1].start.midpoint()
    for event in (*carried, *events):
        if event.end is not None and event.end.midpoint() > last:
            lines = tuple(textwrap.wrap(f"{event.entry.title} goes on until {event.end.short()}",
                                        NOTE_WRAP))
            rows.append(_Row(y + 4, event, event.start.year, lines, kind="after"))
            y += 4 + NOTE_LINE * len(lines) + 8
    return rows, y + 16


def _date_label(event: Dated) -> str:
    start = event.start
    if start.precision == "day":
        assert start.month is not None
        return f"{start.day} {MONTHS[start.month - 1][:3]}"
    if start.precision == "month":
        assert start.month is not None
        return MONTHS[start.month - 1][:3]
    return str(start.year)  # only the year is known: say no more than that


def _draw_page(events: Sequence[Dated], page: int, pages: int,
               image_format: ImageFormat = "png", carried: Sequence[Dated] = ()) -> bytes:
    buffer = io.BytesIO()
    page_figure(events, page, pages, carried).savefig(buffer, format=image_format, dpi=DPI,
                                                      facecolor="white")
    return buffer.getvalue()


def page_figure(events: Sequence[Dated], page: int, pages: int,
                carried: Sequence[Dated] = ()) -> Figure:
    """One page drawn: its axes run in points, down the page (y grows downwards)."""
    rows, height = _layout(events, HEADER, carried)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH / 72, height / 72), dpi=DPI, facecolor="white")
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, WIDTH)
    ax.set_ylim(height, 0)
    ax.axis("off")
    _draw_header(ax, events, page, pages)
    event_rows = [r for r in rows if r.kind == "event"]
    axis_end = event_rows[-1].y + LINE / 2
    ax.plot([AXIS_X, AXIS_X], [rows[0].y, axis_end], color=MUTED, lw=2.5, zorder=1)
    _draw_ranges(ax, rows)
    for row in rows:
        if row.kind == "year":
            _draw_year(ax, row)
        elif row.kind == "event":
            _draw_event(ax, row)
        else:
            _draw_range_note(ax, row)
    return fig


def _draw_header(ax: Axes, events: Sequence[Dated], page: int, pages: int) -> None:
    years = f"{events[0].start.year}–{events[-1].start.year}"
    if events[0].start.year == events[-1].start.year:
        years = str(events[0].start.year)
    title = f"Timeline {years}" + (f"  ({page} of {pages})" if pages > 1 else "")
    ax.text(16, 14, title, fontsize=TITLE_SIZE, weight="bold", color=INK, va="top")
    legend_y = 66.0
    x = 18.0
    for marker, filled, label in (("o", True, "day known"), ("o", False, "month only"),
                                  ("s", False, "year only")):
        ax.plot([x], [legend_y], marker=marker, ms=9, mew=2, color=ACCENT,
                mfc=ACCENT if filled else "white", ls="none")
        ax.text(x + 10, legend_y, label, fontsize=HEAD_SIZE, color=MUTED, va="center")
        x += 36 + len(label) * HEAD_SIZE * 0.6
    ax.plot([16, WIDTH - 16], [HEADER - 20] * 2, color="#d9dee3", lw=1)


def _draw_year(ax: Axes, row: _Row) -> None:
    if row.gap_note:
        ax.plot([AXIS_X, AXIS_X], [row.y - NOTE_SIZE * 2.2, row.y], color="white", lw=4,
                zorder=2)
        ax.plot([AXIS_X, AXIS_X], [row.y - NOTE_SIZE * 2.2, row.y], color=MUTED, lw=2.5,
                ls=(0, (1, 2)), zorder=2)
        ax.text(TEXT_X, row.y - NOTE_SIZE * 1.1, row.gap_note, fontsize=NOTE_SIZE,
                style="italic", color=MUTED, va="center")
    ax.plot([AXIS_X], [row.y + YEAR_SIZE * 0.55], marker="o", ms=14, color=INK, zorder=3)
    ax.text(TEXT_X, row.y + YEAR_SIZE * 0.55, str(row.year), fontsize=YEAR_SIZE,
            weight="bold", color=INK, va="center")


def _draw_event(ax: Axes, row: _Row) -> None:
    assert row.event is not None
    first_line = row.y + LINE / 2
    precision = row.event.start.precision
    ax.plot([AXIS_X], [first_line], marker="s" if precision == "year" else "o", ms=10,
            mew=2.2, color=ACCENT, mfc=ACCENT if precision == "day" else "white", zorder=4)
    ax.text(DATE_X, first_line, _date_label(row.event), fontsize=DATE_SIZE, color=MUTED,
            ha="right", va="center")
    for i, line in enumerate(row.lines):
        is_until = row.event.end is not None and i == len(row.lines) - 1
        ax.text(TEXT_X, first_line + i * LINE, line,
                fontsize=NOTE_SIZE if is_until else EVENT_SIZE,
                color=MUTED if is_until else INK, va="center")


def _draw_range_note(ax: Axes, row: _Row) -> None:
    """A range running in from an earlier page (at the top) or on past this one (at the
    bottom): its words in the muted note style beside the end of its bar."""
    for i, line in enumerate(row.lines):
        ax.text(TEXT_X, row.y + NOTE_LINE / 2 + i * NOTE_LINE, line, fontsize=NOTE_SIZE,
                color=MUTED, style="italic", va="center")


def _draw_ranges(ax: Axes, rows: Sequence[_Row]) -> None:
    """Events with an end date get a bar beside the axis reaching down to where they end;
    an arrow where the bar runs in from an earlier page or on past this one."""
    lanes: list[float] = []  # the y where each lane's bar ends
    after = {id(r.event): r for r in rows if r.kind == "after"}
    for row in rows:
        if row.kind not in ("event", "before") or row.event is None or row.event.end is None:
            continue
        start_y = row.y + (LINE / 2 if row.kind == "event" else 0)
        runs_on = after.get(id(row.event))
        end_y = (runs_on.y + NOTE_LINE / 2 if runs_on is not None
                 else max(_y_of(rows, row.event.end), start_y + LINE / 2))
        lane = next((i for i, free in enumerate(lanes) if free < start_y - 4), len(lanes))
        if lane == len(lanes):
            lanes.append(end_y)
        lanes[lane] = end_y
        x = AXIS_X - 9 - lane * 6
        ax.plot([x, x], [start_y, end_y], color=RANGE, lw=4, solid_capstyle="round", zorder=1)
        if row.kind == "before":
            ax.plot([x], [start_y], marker="^", ms=9, color=RANGE, zorder=2)
        if runs_on is not None:
            ax.plot([x], [end_y], marker="v", ms=9, color=RANGE, zorder=2)


def _y_of(rows: Sequence[_Row], when: PartialDate) -> float:
    """Where a date falls on this page's axis: between the events either side of it."""
    points = [(r.event.start.midpoint(), r.y + LINE / 2) for r in rows
              if r.kind == "event" and r.event is not None]
    target = when.midpoint()
    if target >= points[-1][0]:
        return points[-1][1] + (LINE if target > points[-1][0] else 0)
    for (d0, y0), (d1, y1) in itertools.pairwise(points):
        if d0 <= target < d1:
            return y0 + (y1 - y0) * (target - d0).days / max((d1 - d0).days, 1)
    return points[0][1]
