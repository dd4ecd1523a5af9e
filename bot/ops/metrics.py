"""What the bot is doing, as Prometheus metrics (all named ``studybot_...``), served on
``/metrics`` by :mod:`bot.ops.http`.

The rest of the bot reports through the small functions here (``record_question``,
``count_answers``, ...), so no feature module touches prometheus-client itself. Each process
counts what it did; a host scrapes every process. ``studybot_quizzes_running`` is read from the
database at each scrape, so every process reports the same, true number.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from sqlalchemy import func, select

if TYPE_CHECKING:
    from bot.app import StudyBot

#: How an answer to a question went: answered with confidence, answered with a hedge, or
#: "I don't know" (with or without "did you mean").
OUTCOMES = ("sure", "close", "none")
ANSWER_KINDS = ("quiz", "solo", "channel", "revision")
SCHEDULE_KINDS = ("onthisday", "revision", "quiz")

QUESTIONS = Counter("studybot_questions", "Questions students asked, by outcome: sure, close "
                    "(answered, less certain) or none (the bot said it does not know).",
                    ["outcome"])
QUIZZES_RUNNING = Gauge("studybot_quizzes_running", "Class quizzes running or paused now (read "
                        "from the database, so the same in every process).")
ANSWERS_STORED = Counter("studybot_answers_stored", "Answers stored, by kind: quiz (class "
                         "quiz), solo, channel (revision question in a channel), revision "
                         "(a student's own card).", ["kind"])
SCHEDULE_RUNS = Counter("studybot_schedule_runs", "Schedule occurrences this process fired.",
                        ["kind"])
SCHEDULE_MISSES = Counter("studybot_schedule_misses", "Schedule occurrences skipped because "
                          "the bot was down for longer than the grace period.", ["kind"])
SCHEDULE_LATENESS = Histogram("studybot_schedule_lateness_seconds", "From a schedule's due "
                              "time to its post.", buckets=(0.1, 0.25, 0.5, 1, 2, 5, 15, 60,
                                                            300, 900))
PLATFORM_ERRORS = Counter("studybot_platform_errors", "Calls to the chat platform that failed, "
                          "by platform and kind (rate_limited, server_error, forbidden, "
                          "not_found, client_error, unreachable, or Slack's error code).",
                          ["platform", "kind"])
PLATFORM_RETRIES = Counter("studybot_platform_retries", "Calls to the chat platform retried, "
                           "by platform and kind (rate_limited, server_error, connection).",
                           ["platform", "kind"])
REQUEST_SECONDS = Histogram("studybot_request_seconds", "Time to handle one request (a "
                            "command, a button press or a question) in the bot core, by "
                            "platform and event.", ["platform", "event"],
                            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                                     10.0))
TICK_SECONDS = Histogram("studybot_tick_seconds", "Time one tick of the timers (quiz steps, "
                         "schedules, reminders) takes.", buckets=(0.01, 0.05, 0.1, 0.25, 0.5,
                                                                   1.0, 2.5, 5.0, 10.0))

for _outcome in OUTCOMES:  # every series exists from the start, at zero
    QUESTIONS.labels(_outcome)
for _kind in ANSWER_KINDS:
    ANSWERS_STORED.labels(_kind)
for _kind in SCHEDULE_KINDS:
    SCHEDULE_RUNS.labels(_kind)
    SCHEDULE_MISSES.labels(_kind)


def record_question(outcome: str) -> None:
    """Count one question a student asked; ``outcome`` is one of :data:`OUTCOMES`."""
    if outcome not in OUTCOMES:
        raise ValueError(f"question outcome must be one of {OUTCOMES}, not {outcome!r}")
    QUESTIONS.labels(outcome).inc()


def count_answers(kind: str, stored: int = 1) -> None:
    """Count answers that are now stored (committed), of one of :data:`ANSWER_KINDS`."""
    if stored > 0:
        ANSWERS_STORED.labels(kind).inc(stored)


def schedule_fired(kind: str, lateness: float) -> None:
    SCHEDULE_RUNS.labels(kind).inc()
    SCHEDULE_LATENESS.observe(max(lateness, 0.0))


def schedule_missed(kind: str) -> None:
    SCHEDULE_MISSES.labels(kind).inc()


def platform_error(platform: str, kind: str) -> None:
    PLATFORM_ERRORS.labels(platform, kind[:40]).inc()


def platform_retry(platform: str, kind: str) -> None:
    PLATFORM_RETRIES.labels(platform, kind).inc()


def http_error_kind(status: int) -> str:
    """An HTTP status as a bounded label value."""
    if status == 429:
        return "rate_limited"
    if status >= 500:
        return "server_error"
    return {401: "unauthorized", 403: "forbidden", 404: "not_found"}.get(status, "client_error")


async def exposition(bot: StudyBot) -> tuple[bytes, str]:
    """The metrics page: refresh the gauges read from the database, then render."""
    from bot.quiz.models import GROUP, PAUSED, RUNNING, QuizSession

    async with bot.db.transaction() as session:
        running = (await session.execute(select(func.count()).select_from(QuizSession).where(
            QuizSession.kind == GROUP, QuizSession.state.in_((RUNNING, PAUSED))))).scalar_one()
    QUIZZES_RUNNING.set(running)
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
