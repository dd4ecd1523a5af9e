"""Leaderboards per tenant and period; teachers' reports with CSV and chart."""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import StudyBot
from bot.cli import main
from bot.clock import FakeClock
from bot.events import Place
from bot.quiz.models import QuizSession
from bot.quiz.reports import report_main
from tests.quiz.helpers import correct_option, press, run, student, teacher

ANA, BEN = student("Ana"), student("Ben")
OTHER = Place("discord", "g2", "c9")


async def _play(bot: StudyBot, clock: FakeClock, place: Place, tenant: str,
                picks: dict[str, list[bool]]) -> int:
    """Run a quiz of len(picks[...]) questions where each named student is right or wrong."""
    count = len(next(iter(picks.values())))
    await run(bot, teacher(tenant=tenant), "quiz start", place, questions=str(count))
    async with bot.db.transaction() as session:
        quiz = int((await session.execute(select(func.max(QuizSession.id)))).scalar_one())
    for position in range(count):
        right = await correct_option(bot, quiz, position)
        clock.advance(5)
        for name, results in picks.items():
            choice = right if results[position] else (right + 1) % 2
            await press(bot, student(name, tenant), f"quiz:{quiz}:{position}:{choice}", place)
        clock.advance(16)
        await bot.tick()
        clock.advance(6)
        await bot.tick()
    return quiz


async def test_leaderboards_are_per_tenant_and_per_week(quizbot: StudyBot,
                                                       clock: FakeClock) -> None:
    await _play(quizbot, clock, Place("discord", "g1", "c1"), "g1",
                {"Ana": [True, True], "Ben": [True, False]})
    await _play(quizbot, clock, OTHER, "g2", {"Zed": [True, True]})
    board = (await run(quizbot, ANA, "leaderboard", period="all"))[0]
    assert "Ana" in board.text and "Ben" in board.text and "Zed" not in board.text
    assert board.text.index("Ana") < board.text.index("Ben")
    assert "accuracy 50% (1/2)" in board.text  # Ben: accuracy kept apart from points
    elsewhere = (await run(quizbot, student("Zed", "g2"), "leaderboard", OTHER))[0]
    assert "Zed" in elsewhere.text and "Ana" not in elsewhere.text
    clock.advance(days=8)
    assert "No class quiz points this week" in (await run(quizbot, ANA, "leaderboard"))[0].text
    assert "Ana" in (await run(quizbot, ANA, "leaderboard", period="all"))[0].text


async def test_report_gives_accuracy_csv_and_chart(quizbot: StudyBot, clock: FakeClock) -> None:
    quiz = await _play(quizbot, clock, Place("discord", "g1", "c1"), "g1",
                       {"Ana": [True, True, False], "Ben": [False, True, False]})
    refused = await run(quizbot, ANA, "report")
    assert refused[0].private and "only a teacher" in refused[0].text
    reply = (await run(quizbot, teacher(), "report", quiz=str(quiz)))[0]
    assert reply.private
    assert "Ana: 67%, 2/3" in reply.text and "Ben: 33%, 1/3" in reply.text
    assert "Q1: 50%, 1/2" in reply.text and "Q2: 100%, 2/2" in reply.text
    assert "Most missed:\n- Q3 (0%)" in reply.text
    csv_file, chart = reply.attachments
    assert csv_file.mime == "text/csv" and chart.data.startswith(b"\x89PNG")
    rows = list(csv.DictReader(io.StringIO(csv_file.data.decode())))
    assert len(rows) == 6
    ana = [r["result"] for r in rows if r["student"] == "Ana"]
    assert ana == ["right", "right", "wrong"]
    assert all(r["correct_answer"] and r["prompt"] for r in rows)
    latest = (await run(quizbot, teacher(), "report"))[0]
    assert f"Quiz #{quiz}" in latest.text


async def test_a_report_from_another_server_is_refused(quizbot: StudyBot,
                                                      clock: FakeClock) -> None:
    quiz = await _play(quizbot, clock, Place("discord", "g1", "c1"), "g1", {"Ana": [True]})
    reply = await run(quizbot, teacher(tenant="g2"), "report", OTHER, quiz=str(quiz))
    assert reply[0].text.startswith(f"There is no quiz #{quiz} in this server.")


async def test_report_before_any_class_quiz_says_how_to_start_one(quizbot: StudyBot) -> None:
    [reply] = await run(quizbot, teacher(), "report")
    assert reply.private and reply.text.startswith("There are no class quizzes in this server "
                                                   "yet. Start one with `/quiz start`")
    assert "alone shows the latest" not in reply.text


async def test_a_full_bar_label_stays_clear_of_the_title(quizbot: StudyBot,
                                                        clock: FakeClock) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from bot.quiz.reports import build_report, chart_figure

    quiz = await _play(quizbot, clock, Place("discord", "g1", "c1"), "g1",
                       {"Ana": [True, True], "Ben": [True, False]})
    async with quizbot.db.transaction() as session:
        report = await build_report(session, quiz)
    assert report is not None
    figure = chart_figure(report)
    canvas = FigureCanvasAgg(figure)  # as report_chart's savefig draws it
    canvas.draw()
    renderer = canvas.get_renderer()
    [axes] = figure.axes
    title = axes.title.get_window_extent(renderer)
    labels = [t for t in axes.texts if t.get_text().endswith("%")]
    assert [t.get_text() for t in labels] == ["100%", "50%"]
    for label in labels:
        assert not label.get_window_extent(renderer).overlaps(title), label.get_text()
        assert axes.bbox.contains(*label.get_window_extent(renderer).max)  # inside the plot


async def test_report_command_line(quizbot: StudyBot, clock: FakeClock, database_url: str,
                                   tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    quiz = await _play(quizbot, clock, Place("discord", "g1", "c1"), "g1",
                       {"Ana": [True, False], "Ben": [False, False]})
    await quizbot.close()
    monkeypatch.setenv("DATABASE_URL", database_url)
    out = tmp_path
    args = argparse.Namespace(tenant="discord:g1", quiz=quiz, csv=str(out / "r.csv"),
                              chart=str(out / "r.png"))
    assert await asyncio.to_thread(report_main, args) == 0
    shown = capsys.readouterr().out
    assert "Ana: 50%, 1/2" in shown and "2 questions asked, 2 students" in shown
    assert (out / "r.csv").read_text().startswith("quiz,question,question_id")
    assert (out / "r.png").read_bytes().startswith(b"\x89PNG")
    overview = argparse.Namespace(tenant=None, quiz=None, csv=None, chart=None)
    assert await asyncio.to_thread(report_main, overview) == 0
    text = capsys.readouterr().out
    assert "Most missed in discord:g1" in text and "0/2 right" in text
    # a teacher reads the question as students saw it, not only its id
    missed_line = next(line for line in text.splitlines() if "0/2 right" in line)
    assert "?" in missed_line.split("0/2 right: ", 1)[1]


async def test_report_command_line_faults_and_the_overview_csv(
        quizbot: StudyBot, clock: FakeClock, database_url: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    quiz = await _play(quizbot, clock, Place("discord", "g1", "c1"), "g1", {"Ana": [True, False]})
    await quizbot.close()
    monkeypatch.setenv("DATABASE_URL", database_url)

    def report(**given: object) -> int:
        """``studybot report`` with these options, through the CLI's own entry point."""
        argv = ["report"]
        for name, value in given.items():
            argv += [f"--{name}", str(value)]
        return main(argv)

    assert await asyncio.to_thread(report, tenant="nope") == 1
    assert capsys.readouterr().err == ("studybot report: no tenant 'nope'. "
                                       "Tenants with quizzes: discord:g1.\n")
    assert await asyncio.to_thread(report, chart=str(tmp_path / "c.png")) == 2
    assert "--chart draws one quiz's accuracy by question: add --quiz N" in (
        capsys.readouterr().err)
    assert not (tmp_path / "c.png").exists()
    for bad, says in ((tmp_path / "missing" / "r.csv", f"there is no folder {tmp_path}/missing"),
                      (tmp_path, f"{tmp_path} is a folder"),
                      (tmp_path / "r.txt", "r.txt: the file name must end in .csv")):
        assert await asyncio.to_thread(report, quiz=quiz, csv=str(bad)) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"studybot report: {says}") and err.count("\n") == 1
    # --csv without --quiz: the overview, one row per quiz
    assert await asyncio.to_thread(report, csv=str(tmp_path / "all.csv")) == 0
    assert "CSV of 1 quiz written to" in capsys.readouterr().out
    [row] = list(csv.DictReader(io.StringIO((tmp_path / "all.csv").read_text())))
    assert row["quiz"] == str(quiz) and row["tenant"] == "discord:g1" and row["kind"] == "group"
    assert (row["answers"], row["right"], row["accuracy"]) == ("2", "1", "0.500")
