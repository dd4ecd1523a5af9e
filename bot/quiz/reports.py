"""Teachers' reports: accuracy per quiz, per student and per question; CSV and a PNG chart.

Accuracy (right answers out of answers given) is the grade-book figure and is kept apart from
the gamified score, which rewards speed and streaks.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Integer, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands.registry import Option, command
from bot.events import Command
from bot.files import check_output, write_file
from bot.quiz.models import GROUP, QuizAnswer, QuizPlayer, QuizQuestion, QuizSession
from bot.replies import Attachment, Reply, count_of, private

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from bot.app import StudyBot

MOST_MISSED = 3


class _Accuracy:
    """Right answers over answers: the grade-book figure, kept apart from the points."""

    __slots__ = ()
    answered: int
    right: int

    @property
    def accuracy(self) -> float | None:
        return self.right / self.answered if self.answered else None


@dataclass(slots=True)
class QuestionStats(_Accuracy):
    position: int
    question_id: str
    prompt: str
    answer: str
    answered: int = 0
    right: int = 0


@dataclass(slots=True)
class StudentStats(_Accuracy):
    user_id: str
    name: str
    score: int = 0
    answered: int = 0
    right: int = 0


@dataclass(slots=True)
class QuizReport:
    quiz_id: int
    tenant_key: str
    kind: str
    topic: str | None
    state: str
    created_at: datetime
    questions: list[QuestionStats] = field(default_factory=list)
    students: list[StudentStats] = field(default_factory=list)
    #: (position, student user id) -> (chosen option text, right, points, seconds, changed)
    answers: dict[tuple[int, str], tuple[str, bool, int, float, bool]] = field(
        default_factory=dict)

    @property
    def accuracy(self) -> float | None:
        answered = sum(q.answered for q in self.questions)
        return sum(q.right for q in self.questions) / answered if answered else None

    def most_missed(self, count: int = MOST_MISSED) -> list[QuestionStats]:
        """The questions the class got most wrong (lowest accuracy, then most answers)."""
        scored = [q for q in self.questions if q.answered]
        scored.sort(key=lambda q: (q.right / q.answered, -q.answered, q.position))
        return [q for q in scored if q.right < q.answered][:count]


async def build_report(session: AsyncSession, quiz_id: int,
                       tenant_key: str | None = None) -> QuizReport | None:
    """The report of one quiz; None if it does not exist (or is not this tenant's)."""
    quiz = await session.get(QuizSession, quiz_id)
    if quiz is None or (tenant_key is not None and quiz.tenant_key != tenant_key):
        return None
    report = QuizReport(quiz.id, quiz.tenant_key, quiz.kind, quiz.topic, quiz.state,
                        quiz.created_at)
    rows = (await session.execute(select(QuizQuestion).where(QuizQuestion.session_id == quiz.id)
                                  .order_by(QuizQuestion.position))).scalars().all()
    by_row: dict[int, QuestionStats] = {}
    for row in rows:
        stats = QuestionStats(row.position, row.question_id, row.data["prompt"],
                              row.data["options"][row.correct])
        by_row[row.id] = stats
        if row.opened_at is not None:  # a quiz stopped early asked only some
            report.questions.append(stats)
    students: dict[str, StudentStats] = {}
    for player in (await session.execute(select(QuizPlayer).where(
            QuizPlayer.session_id == quiz.id))).scalars():
        students[player.user_id] = StudentStats(player.user_id, player.display_name or
                                                player.user_id, score=player.score)
    answers = (await session.execute(select(QuizAnswer).where(
        QuizAnswer.session_id == quiz.id))).scalars()
    options = {row.id: row.data["options"] for row in rows}
    for answer in answers:
        stats = by_row[answer.question_row]
        stats.answered += 1
        stats.right += int(answer.correct)
        solo_name = quiz.user_name if answer.user_id == quiz.user_id else ""
        student = students.setdefault(answer.user_id,
                                      StudentStats(answer.user_id, solo_name or answer.user_id))
        student.answered += 1
        student.right += int(answer.correct)
        report.answers[(stats.position, answer.user_id)] = (
            options[answer.question_row][answer.choice], answer.correct, answer.points,
            round(answer.elapsed, 2), answer.changed)
    report.students = sorted(students.values(), key=lambda s: (-s.score, -s.right, s.name))
    return report


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{round(100 * value)}%"


def report_text(report: QuizReport) -> str:
    """The summary a teacher reads in chat or the terminal."""
    kind = "class quiz" if report.kind == GROUP else "solo practice"
    lines = [f"Quiz #{report.quiz_id} ({kind}{', ' + report.topic if report.topic else ''}, "
             f"{report.created_at:%Y-%m-%d %H:%M} UTC, {report.state}): "
             f"{count_of(len(report.questions), 'question')} asked, "
             f"{count_of(len(report.students), 'student')}, "
             f"accuracy {_percent(report.accuracy)}."]
    if report.students:
        lines += ["", "Students (accuracy, right/answered; points):"]
        lines += [f"- {s.name}: {_percent(s.accuracy)}, {s.right}/{s.answered}; {s.score}"
                  for s in report.students]
    if report.questions:
        lines += ["", "Questions (accuracy, right/answered):"]
        lines += [f"Q{q.position + 1}: {_percent(q.accuracy)}, {q.right}/{q.answered}: "
                  f"{_clip(q.prompt)}" for q in report.questions]
    missed = report.most_missed()
    if missed:
        lines += ["", "Most missed:"]
        lines += [f"- Q{q.position + 1} ({_percent(q.accuracy)}): {_clip(q.prompt)} "
                  f"Answer: {q.answer}" for q in missed]
    return "\n".join(lines)


def _clip(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


CSV_COLUMNS = ("quiz", "question", "question_id", "prompt", "correct_answer", "student_id",
               "student", "answer", "result", "points", "seconds", "changed")


def report_csv(report: QuizReport) -> bytes:
    """One row per student per question asked; ``result`` is right, wrong or no answer."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for q in report.questions:
        for s in sorted(report.students, key=lambda s: s.name):
            given = report.answers.get((q.position, s.user_id))
            if given is None:
                cells = ["", "no answer", 0, "", ""]
            else:
                choice, right, scored, seconds, changed = given
                cells = [choice, "right" if right else "wrong", scored, seconds,
                         "yes" if changed else "no"]
            writer.writerow([report.quiz_id, q.position + 1, q.question_id, q.prompt, q.answer,
                             s.user_id, s.name, *cells])
    return out.getvalue().encode("utf-8")


def report_chart(report: QuizReport) -> bytes:
    """A bar chart of accuracy by question, as PNG bytes."""
    buffer = io.BytesIO()
    chart_figure(report).savefig(buffer, format="png")
    return buffer.getvalue()


def chart_figure(report: QuizReport) -> Figure:
    """The chart: a bar per question, its accuracy written above it. The axis runs past
    100% so that a full bar's label has room below the title."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(max(4.0, 0.6 * len(report.questions) + 2), 3.2), dpi=100)
    axes = figure.subplots()
    labels = [f"Q{q.position + 1}" for q in report.questions]
    values = [100 * (q.accuracy or 0.0) for q in report.questions]
    colours = ["#2e7d32" if v >= 70 else "#f9a825" if v >= 40 else "#c62828" for v in values]
    axes.bar(labels, values, color=colours)
    axes.set_ylim(0, 114)
    axes.set_yticks(range(0, 101, 20))
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_ylabel("% right")
    axes.set_title(f"Quiz #{report.quiz_id}: accuracy by question")
    for x, value in enumerate(values):
        axes.text(x, value + 2, f"{round(value)}%", ha="center", fontsize=8)
    figure.tight_layout()
    return figure


async def latest_quiz(session: AsyncSession, tenant_key: str) -> int | None:
    return (await session.execute(select(func.max(QuizSession.id)).where(
        QuizSession.tenant_key == tenant_key, QuizSession.kind == GROUP))).scalar()


@command("report", "A class quiz's results: accuracy per student and per question, "
         "with a CSV and a chart.",
         Option("quiz", "The quiz number (default: the latest).", kind="int", min=1),
         teacher_only=True)
async def report_command(bot: StudyBot, cmd: Command) -> list[Reply]:
    tenant_key = cmd.actor.tenant_key
    async with bot.db.transaction() as session:
        quiz_id = int(cmd.args["quiz"]) if "quiz" in cmd.args else await latest_quiz(
            session, tenant_key)
        report = await build_report(session, quiz_id, tenant_key) if quiz_id else None
    if report is None and quiz_id is None:
        return [private("There are no class quizzes in this server yet. Start one with "
                        "`/quiz start` (e.g. `/quiz start spain 10`); `/report` then shows "
                        "how the class did.")]
    if report is None:
        return [private(f"There is no quiz #{quiz_id} in this server. "
                        "`/report` alone shows the latest one.")]
    attachments = [Attachment(f"quiz-{report.quiz_id}.csv", report_csv(report), "text/csv")]
    if report.questions:
        chart = await asyncio.to_thread(report_chart, report)
        attachments.append(Attachment(f"quiz-{report.quiz_id}-accuracy.png", chart))
    return [private(report_text(report), attachments=tuple(attachments),
                    title=f"Report: quiz #{report.quiz_id}")]


# --- The command line -----------------------------------------------------------------------

def report_main(args: argparse.Namespace) -> int:
    """``studybot report``: list quizzes with their accuracy, or one quiz in detail."""
    return asyncio.run(_report_main(args))


async def _report_main(args: argparse.Namespace) -> int:
    from bot.storage.db import Database

    if args.chart and args.quiz is None:
        print("studybot report: --chart draws one quiz's accuracy by question: add --quiz N "
              "(the numbers are in studybot report).", file=sys.stderr)
        return 2
    for path, suffix in ((args.csv, ".csv"), (args.chart, ".png")):
        if path:
            check_output(Path(path), (suffix,))  # before any work
    db = await Database.open()
    try:
        async with db.transaction() as session:
            if args.tenant and not await _known_tenant(session, args.tenant):
                print(f"studybot report: no tenant {args.tenant!r}. "
                      f"{await _tenants_text(session)}", file=sys.stderr)
                return 1
            if args.quiz is None:
                return await _print_overview(session, args.tenant, args.csv)
            report = await build_report(session, args.quiz, args.tenant)
        if report is None:
            print(f"studybot report: no quiz #{args.quiz}"
                  + (f" in {args.tenant}" if args.tenant else ""), file=sys.stderr)
            return 1
        print(report_text(report))
        if args.csv:
            write_file(Path(args.csv), report_csv(report))
            print(f"CSV written to {args.csv}")
        if args.chart:
            write_file(Path(args.chart), report_chart(report))
            print(f"Chart written to {args.chart}")
        return 0
    finally:
        await db.close()


async def _print_overview(session: AsyncSession, tenant_key: str | None,
                          csv_path: str | None) -> int:
    rows = await overview_rows(session, tenant_key)
    print(await _overview(session, rows, tenant_key))
    if csv_path:
        write_file(Path(csv_path), overview_csv(rows))
        print(f"CSV of {count_of(len(rows), 'quiz', 'quizzes')} written to {csv_path}")
    return 0


async def _known_tenant(session: AsyncSession, tenant_key: str) -> bool:
    """A tenant the bot has met: it has settings, or quizzes."""
    from bot.storage.tenants import Tenant

    if await session.get(Tenant, tenant_key) is not None:
        return True
    return (await session.execute(select(QuizSession.id).where(
        QuizSession.tenant_key == tenant_key).limit(1))).first() is not None


async def _tenants_text(session: AsyncSession) -> str:
    """Which tenants there are, for someone who typed one that is not."""
    keys = sorted(set((await session.execute(
        select(QuizSession.tenant_key).distinct())).scalars()))
    if not keys:
        return "There are no quizzes in this database yet."
    shown = ", ".join(keys[:10]) + (" ..." if len(keys) > 10 else "")
    return f"Tenants with quizzes: {shown}."


@dataclass(frozen=True, slots=True)
class OverviewRow:
    quiz: int
    tenant: str
    kind: str
    started: datetime
    state: str
    answers: int
    right: int

    @property
    def accuracy(self) -> float | None:
        return self.right / self.answers if self.answers else None


OVERVIEW_COLUMNS = ("quiz", "tenant", "kind", "started_utc", "state", "answers", "right",
                    "accuracy")


async def overview_rows(session: AsyncSession, tenant_key: str | None) -> list[OverviewRow]:
    """Every quiz (of one tenant, or all) with its answers and right answers."""
    query = (select(QuizSession.id, QuizSession.tenant_key, QuizSession.kind,
                    QuizSession.created_at, QuizSession.state,
                    func.count(QuizAnswer.id), func.sum(func.cast(QuizAnswer.correct, Integer)))
             .outerjoin(QuizAnswer, QuizAnswer.session_id == QuizSession.id)
             .group_by(QuizSession.id).order_by(QuizSession.id))
    if tenant_key:
        query = query.where(QuizSession.tenant_key == tenant_key)
    return [OverviewRow(quiz, tenant, kind, created, state, int(answered), int(right or 0))
            for quiz, tenant, kind, created, state, answered, right in
            (await session.execute(query)).all()]


def overview_csv(rows: list[OverviewRow]) -> bytes:
    """One row per quiz; ``accuracy`` is right/answers as a fraction, empty with no answers."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(OVERVIEW_COLUMNS)
    for row in rows:
        accuracy = "" if row.accuracy is None else f"{row.accuracy:.3f}"
        writer.writerow([row.quiz, row.tenant, row.kind, f"{row.started:%Y-%m-%d %H:%M}",
                         row.state, row.answers, row.right, accuracy])
    return out.getvalue().encode("utf-8")


async def _overview(session: AsyncSession, rows: list[OverviewRow],
                    tenant_key: str | None) -> str:
    """Every quiz with its accuracy, and per tenant the questions missed most over all quizzes."""
    if not rows:
        return f"No quizzes yet in {tenant_key}." if tenant_key else "No quizzes yet."
    lines = ["quiz  tenant                kind   started           state     answers  accuracy"]
    for row in rows:
        lines.append(f"{row.quiz:<5} {row.tenant[:21]:<21} {row.kind:<6} "
                     f"{row.started:%Y-%m-%d %H:%M}  {row.state:<9} {row.answers:>7}  "
                     f"{_percent(row.accuracy):>8}")
    for tenant in sorted({r.tenant for r in rows}):
        worst = await question_accuracy(session, tenant)
        missed = [w for w in worst if w[2] < w[1]][:MOST_MISSED]
        if missed:
            lines += ["", f"Most missed in {tenant} (all quizzes):"]
            for qid, answered, right in missed:
                prompt = await _prompt_of(session, tenant, qid)
                lines.append(f"- {right}/{answered} right: {_clip(prompt)} ({qid})")
    return "\n".join(lines)


async def _prompt_of(session: AsyncSession, tenant_key: str, question_id: str) -> str:
    """The question as students saw it: a teacher reads prompts, not question ids."""
    data = (await session.execute(
        select(QuizQuestion.data).where(QuizQuestion.tenant_key == tenant_key,
                                        QuizQuestion.question_id == question_id).limit(1))
    ).scalar_one_or_none()
    return str((data or {}).get("prompt", question_id))


async def question_accuracy(session: AsyncSession, tenant_key: str) -> list[tuple[str, int, int]]:
    """(question id, answers, right answers) over every quiz in the tenant, worst first."""
    right = func.sum(func.cast(QuizAnswer.correct, Integer))
    rows = (await session.execute(
        select(QuizQuestion.question_id, func.count(QuizAnswer.id), right)
        .join(QuizAnswer, QuizAnswer.question_row == QuizQuestion.id)
        .where(QuizQuestion.tenant_key == tenant_key, QuizAnswer.tenant_key == tenant_key)
        .group_by(QuizQuestion.question_id))).all()
    table = [(qid, int(n), int(r or 0)) for qid, n, r in rows]
    return sorted(table, key=lambda t: (t[2] / t[1], -t[1], t[0]))

