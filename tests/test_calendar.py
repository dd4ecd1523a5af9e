"""On this day and the timeline: exact days, the week's fallback, partial dates, the CLI."""

from __future__ import annotations

import json
import struct
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from bot.app import StudyBot
from bot.calendar.dates import PartialDate, parse_month_day
from bot.calendar.onthisday import on_this_day
from bot.calendar.timeline import (
    LINE,
    RANGE,
    dated_events,
    draw_timeline,
    page_figure,
    paginate,
    running_into,
)
from bot.cli import main
from bot.clock import FakeClock
from bot.events import Actor, Command, Place
from bot.notifier import RecordingNotifier
from bot.storage.db import Database
from knowledge.loader import KnowledgeBase
from tests.studypack import small_kb

TODAY = date(2026, 11, 27)


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    return small_kb(tmp_path / "pack")


def test_an_exact_day_is_an_anniversary_with_years_ago_and_the_essays_angle(
        kb: KnowledgeBase) -> None:
    result = on_this_day(kb, 8, 23, date(2026, 8, 23))
    assert result.exact
    assert [e.entry.id for e in result.events] == ["nazi-soviet-pact"]
    assert result.events[0].years_ago == 87
    text = result.message()
    assert text.startswith("On 23 August 1939, 87 years ago today: **Nazi-Soviet Pact**.")
    assert "The essay: “with Germany and USSR using each other as a means to an end”" in text


def test_another_day_than_today_is_not_ago_today(kb: KnowledgeBase) -> None:
    later = on_this_day(kb, 8, 23, TODAY)  # asked on 27 November
    assert later.message().startswith("On 23 August 1939, 87 years ago: **Nazi-Soviet Pact**.")
    earlier = on_this_day(kb, 8, 23, date(2026, 3, 1))  # the 87th anniversary is yet to come
    assert earlier.events[0].years_ago == 86
    assert earlier.message().startswith("On 23 August 1939, 86 years ago: **")
    assert "today" not in later.message() + earlier.message()


def test_without_an_event_on_the_day_the_nearest_in_the_week_are_not_anniversaries(
        kb: KnowledgeBase) -> None:
    result = on_this_day(kb, 11, 27, TODAY)
    assert not result.exact
    assert [e.entry.id for e in result.events] == ["winter-war"]
    text = result.message()
    assert "Nothing in the essay's story happened on 27 November" in text
    assert "This week in 1939 (30 November 1939, 3 days after 27 November)" in text
    assert "ago today" not in text


def test_the_essays_correction_travels_with_its_quote(kb: KnowledgeBase) -> None:
    text = on_this_day(kb, 11, 30, TODAY).message()
    assert "The essay: “The Winter War showed the Red Army's weakness.”" in text
    assert "Note: The essay does not give the dates." in text


def test_every_day_of_the_year_has_something_true_that_fits_one_chat_message() -> None:
    from knowledge.loader import load_knowledge
    shipped = load_knowledge()
    day = date(2000, 1, 1)
    matches = set()
    while day.year == 2000:
        result = on_this_day(shipped, day.month, day.day, TODAY)
        matches.add(result.match)
        assert result.events, day
        assert len(result.message()) < 2000, day
        assert len(result.events) <= 3 or result.exact
        if not result.exact:  # never presented as an anniversary
            assert all(e.offset_days != 0 for e in result.events)
            assert "ago today" not in result.message() and "years ago" not in result.message()
            assert result.message().startswith(
                f"Nothing in the essay's story happened on {result.day_name}")
        day += timedelta(days=1)
    assert matches == {"day", "week", "nearest"}


def test_the_week_wraps_round_the_new_year(kb: KnowledgeBase) -> None:
    result = on_this_day(kb, 1, 3, TODAY)
    assert [(e.entry.id, e.offset_days) for e in result.events] == [("purge-ends", -4)]


def test_month_and_year_only_dates_never_claim_a_day(kb: KnowledgeBase) -> None:
    # Albacete is dated 1936-10 and Socialism in One Country 1924: never on any day
    for month, day in [(10, 1), (10, 15), (1, 1), (7, 1)]:
        ids = {e.entry.id for e in on_this_day(kb, month, day, TODAY).events}
        assert not ids & {"brigades-reach-albacete", "socialism-in-one-country-stated"}
    assert PartialDate.parse("1936-10").spoken() == "October 1936"
    assert PartialDate.parse("1924").spoken() == "1924"


def test_with_nothing_within_a_week_the_nearest_dates_either_side_are_offered(
        kb: KnowledgeBase) -> None:
    result = on_this_day(kb, 6, 1, TODAY)
    assert not result.exact and result.match == "nearest"
    # the test pack's nearest: Rapallo (16 April) before, the credit agreement (19 August) after
    assert [(e.entry.id, e.offset_days) for e in result.events] == [
        ("treaty-of-rapallo", -46), ("credit-agreement", 79)]
    text = result.message()
    assert text.startswith("Nothing in the essay's story happened on 1 June, or within a week "
                           "of it. The nearest dates in the calendar:")
    assert "On 16 April 1922 (46 days before 1 June): **Treaty of Rapallo**." in text
    assert "ago" not in text


def test_a_pack_without_any_day_dated_event_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "undated"
    folder.mkdir()
    (folder / "pack.yaml").write_text("name: undated\ntitle: U\ndescription: U\n"
                                      "essay: essay.txt\n")
    (folder / "essay.txt").write_text("Nothing dated.\n")
    (folder / "events.yaml").write_text('- id: some-year\n  title: Some year\n  date: "1930"\n'
                                        "  text: A year.\n  sources: [example.org]\n")
    from knowledge.loader import load_knowledge
    result = on_this_day(load_knowledge([folder]), 6, 1, TODAY)
    assert not result.events and "has no events dated to the day" in result.message()


def test_month_day_parsing_accepts_29_february_and_refuses_nonsense() -> None:
    assert parse_month_day("02-29") == (2, 29)
    for bad in ["02-30", "13-01", "8/23", "aug-23", ""]:
        with pytest.raises(ValueError):
            parse_month_day(bad)


def test_cli_json_on_the_shipped_pack(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["onthisday", "--date", "08-23", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    now = datetime.now().astimezone()
    year = now.year - ((now.month, now.day) < (8, 23))
    assert data["date"] == "08-23" and data["exact"] is True
    [pact] = data["events"]
    assert set(pact) == {"id", "date", "title", "text", "years_ago", "offset_days"}
    assert (pact["id"], pact["date"], pact["years_ago"]) == ("nazi-soviet-pact", "1939-08-23",
                                                             year - 1939)
    assert main(["onthisday", "--date", "11-27", "--json"]) == 0
    fallback = json.loads(capsys.readouterr().out)
    assert (fallback["exact"], fallback["match"]) == (False, "week")
    assert fallback["events"][0]["id"] == "winter-war"
    for asked in ("01-15", "06-01", "07-01", "10-15"):  # silent days before: now the nearest
        assert main(["onthisday", "--date", asked, "--json"]) == 0
        far = json.loads(capsys.readouterr().out)
        assert (far["exact"], far["match"]) == (False, "nearest"), asked
        assert far["events"] and all(e["offset_days"] != 0 for e in far["events"])
    assert main(["onthisday", "--date", "02-31"]) == 2
    assert "February has no day 31" in capsys.readouterr().err
    assert main(["onthisday", "--date", "08-23"]) == 0
    today = " today" if (now.month, now.day) == (8, 23) else ""
    assert capsys.readouterr().out.startswith(f"On 23 August 1939, {year - 1939} years ago{today}:")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_timeline_pictures_are_phone_shaped_pngs(kb: KnowledgeBase, tmp_path: Path) -> None:
    pages = draw_timeline(kb)
    assert len(pages) == 1
    width, height = png_size(pages[0])
    assert width == 1083 or 1000 <= width <= 1200
    assert height <= width * 2.2
    assert 10_000 < len(pages[0]) < 1_000_000
    assert [d.entry.id for d in dated_events(kb, 1939, 1939)] == [
        "credit-agreement", "nazi-soviet-pact", "winter-war", "ussr-expelled"]
    # the Winter War (1939-40) overlaps 1940, so it is drawn for 1940 too
    assert [d.entry.id for d in dated_events(kb, 1940, 1941)] == ["winter-war"]


def test_a_long_timeline_is_split_into_pages_at_year_breaks(kb: KnowledgeBase) -> None:
    events = dated_events(kb)
    pages = paginate(events, max_height=420)
    assert len(pages) > 1
    assert [e for page in pages for e in page] == events


def _texts_and_bars(figure: Figure) -> tuple[dict[str, float], list[tuple[float, float]]]:
    """A page's texts with their heights on the page, and its range bars' (top, bottom)."""
    [axes] = figure.axes
    texts = {t.get_text(): t.get_position()[1] for t in axes.texts}
    bars = [(min(line.get_ydata()), max(line.get_ydata())) for line in axes.lines
            if line.get_color() == RANGE and len(line.get_ydata()) == 2]
    return texts, bars


def test_a_range_running_past_the_picture_goes_on_to_its_end(kb: KnowledgeBase) -> None:
    """The Winter War (30 Nov 1939 to 13 Mar 1940) on a 1939 picture, whose last event is
    14 December: its bar must not seem to stop there."""
    events = dated_events(kb, 1939, 1939)
    texts, [bar] = _texts_and_bars(page_figure(events, 1, 1))
    note = texts["Winter War goes on until 13 Mar 1940"]
    last_event = texts[events[-1].entry.title]
    assert bar[1] == pytest.approx(note, abs=LINE) and bar[1] > last_event + LINE


def test_a_range_running_into_a_later_picture_starts_it(kb: KnowledgeBase) -> None:
    events = dated_events(kb, 1939, 1939)
    pages = paginate(events, max_height=250)  # the Winter War and what follows it apart
    later = next(n for n, page in enumerate(pages) if page[0].entry.id == "ussr-expelled")
    carried = running_into([e for page in pages[:later] for e in page], pages[later][0])
    assert [e.entry.id for e in carried] == ["winter-war"]
    texts, bars = _texts_and_bars(page_figure(pages[later], later + 1, len(pages), carried))
    top = texts["Winter War, since 30 Nov 1939, until 13 Mar 1940"]
    expelled = texts["USSR expelled from the League"]
    assert any(start <= top + LINE and end > expelled for start, end in bars)
    pictures = draw_timeline(kb, 1939, 1939)  # the whole set still reads on a phone
    assert all(png_size(p)[1] <= png_size(p)[0] * 2.2 for p in pictures)


def test_timeline_cli_writes_the_png(tmp_path: Path) -> None:
    out = tmp_path / "t.png"
    assert main(["timeline", "--from", "1939", "--to", "1939", "--out", str(out)]) == 0
    width, height = png_size(out.read_bytes())
    assert height <= width * 2.2
    assert main(["timeline", "--out", str(out)]) == 0  # everything: several phone-sized pages
    assert (tmp_path / "t-2.png").exists()
    assert main(["timeline", "--from", "1950", "--to", "1960", "--out", str(out)]) == 1
    assert main(["timeline", "--from", "1940", "--to", "1930", "--out", str(out)]) == 2


def test_a_shorter_timeline_removes_the_pages_of_a_longer_one(tmp_path: Path) -> None:
    out = tmp_path / "t.png"
    assert main(["timeline", "--out", str(out)]) == 0
    pages = sorted(p.name for p in tmp_path.iterdir())
    assert len(pages) > 2 and "t-3.png" in pages
    (tmp_path / "t-notes.png").write_bytes(b"mine")  # not a page: left alone
    assert main(["timeline", "--from", "1939", "--to", "1939", "--out", str(out)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t-notes.png", "t.png"]


def test_timeline_cli_writes_jpeg_for_a_jpeg_name(tmp_path: Path) -> None:
    for name in ("t.jpg", "T.JPEG"):
        assert main(["timeline", "--from", "1939", "--to", "1939",
                     "--out", str(tmp_path / name)]) == 0
        assert (tmp_path / name).read_bytes()[:3] == b"\xff\xd8\xff"  # a JPEG's first bytes


@pytest.mark.parametrize(("out", "says"), [
    ("missing/t.png", "there is no folder {tmp}/missing"),
    ("", "{tmp} is a folder; give a file name in it, such as {tmp}/name.png"),
    ("t.gif", "t.gif: the file name must end in .png, .jpg or .jpeg"),
    ("t", "t: the file name must end in .png, .jpg or .jpeg"),
])
def test_timeline_cli_refuses_a_bad_out_in_one_line(tmp_path: Path, out: str, says: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["timeline", "--out", str(tmp_path / out) if out else str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"studybot timeline: {says.format(tmp=tmp_path)}\n"
    assert captured.out == "" and list(tmp_path.iterdir()) == []


async def test_chat_commands(kb: KnowledgeBase, tmp_path: Path) -> None:
    db = await Database.open(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}")
    clock = FakeClock(datetime(2026, 8, 22, 23, 30, tzinfo=UTC))  # 23 August in London
    bot = StudyBot(kb, db, clock, RecordingNotifier())
    actor = Actor("discord", "g1", "u1")
    place = Place("discord", "g1", "c1")
    try:
        [reply] = await bot.handle(Command(actor, place, "onthisday", {}))
        assert reply.text.startswith("On 23 August 1939, 87 years ago today")
        assert not reply.private
        [same] = await bot.handle(Command(actor, place, "onthisday", {"date": "08-23"}))
        assert same.text == reply.text
        clock.advance(days=1)
        [other] = await bot.handle(Command(actor, place, "onthisday", {"date": "08-23"}))
        assert other.text.startswith("On 23 August 1939, 87 years ago: ")
        [reply] = await bot.handle(Command(actor, place, "onthisday", {"date": "11-27"}))
        assert reply.text.startswith("Nothing in the essay's story happened on 27 November")
        assert reply.title == "This week: 27 November"
        [reply] = await bot.handle(Command(actor, place, "onthisday", {"date": "06-01"}))
        assert reply.title == "Nearest dates: 1 June" and "ago" not in reply.text
        [reply] = await bot.handle(Command(actor, place, "onthisday", {"date": "11-31"}))
        assert reply.private and "November has no day 31" in reply.text
        span = {"from": "1936", "to": "1939"}
        [reply] = await bot.handle(Command(actor, place, "timeline", span))
        assert reply.text == "6 dated events from 1936 to 1939."
        [picture] = reply.attachments
        assert picture.mime == "image/png"
        png_size(picture.data)
        [reply] = await bot.handle(Command(actor, place, "timeline", {"from": "1990"}))
        assert reply.private and "from 1922 to 1939" in reply.text
    finally:
        await bot.close()
