"""A student sees everything the bot stores about them and can erase it; a server chooses how
long quiz answers are kept."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import func, inspect, select

from bot.app import StudyBot
from bot.clock import FakeClock
from bot.events import Actor, Place
from bot.privacy import KEPT
from bot.quiz.models import QuizAnswer, QuizPlayer, QuizSession
from bot.storage.db import Database
from tests.adapters.slack_helpers import STUDENTS, slack_world
from tests.fakes.discord_harness import STUDENT, DiscordBot
from tests.fakes.discord_server import EPHEMERAL
from tests.quiz.helpers import PLACE, correct_option, press, run, student, teacher

ROOT = Path(__file__).parents[2]
ANN, BEN = student("Ann"), student("Ben")
ANN_ELSEWHERE = student("Ann", tenant="g2")


async def class_quiz(bot: StudyBot, clock: FakeClock, place: Place = PLACE,
                     who: tuple[Actor, ...] = (ANN, BEN)) -> int:
    """A one-question class quiz everyone in ``who`` answers (the first one right)."""
    await run(bot, teacher(tenant=place.tenant), "quiz start", place, questions="1",
              seconds="20")
    async with bot.db.transaction() as session:
        quiz = int((await session.execute(select(func.max(QuizSession.id)))).scalar_one())
    right = await correct_option(bot, quiz, 0)
    for n, actor in enumerate(who):
        await press(bot, actor, f"quiz:{quiz}:0:{right if n == 0 else (right + 1) % 4}", place)
    clock.advance(20)
    await bot.tick()
    return quiz


async def count(bot: StudyBot, model: Any, **where: str) -> int:
    async with bot.db.transaction() as session:
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return int((await session.execute(query)).scalar_one())


async def test_a_student_sees_their_data_and_only_theirs(studybot: StudyBot,
                                                         clock: FakeClock) -> None:
    await class_quiz(studybot, clock)
    await run(studybot, ANN, "quiz solo", questions="2")
    await run(studybot, ANN, "remind", state="on")
    [shown] = await run(studybot, ANN, "privacy")
    assert shown.private
    assert "1 quiz answers" in shown.text and "1 solo practice quizzes" in shown.text
    assert "1 revision reminders" in shown.text
    [file] = shown.attachments
    data = json.loads(file.data)
    assert data["user_id"] == ANN.user_id
    answers = data["stored"]["quiz answers"]
    assert [a["user_id"] for a in answers] == [ANN.user_id]
    assert BEN.user_id not in file.data.decode()
    [nothing] = await run(studybot, student("Cleo"), "privacy")
    assert nothing.text == "I store nothing about you in this server."


async def test_a_student_erases_their_data_after_confirming(studybot: StudyBot,
                                                            clock: FakeClock) -> None:
    await class_quiz(studybot, clock)
    await class_quiz(studybot, clock, Place("discord", "g2", "c1"), who=(ANN_ELSEWHERE,))
    await run(studybot, ANN, "quiz solo", questions="2")
    [asked] = await run(studybot, ANN, "privacy delete")
    assert await count(studybot, QuizAnswer, user_id=ANN.user_id) == 2  # nothing yet
    [button] = asked.choices
    [done] = await press(studybot, ANN, button.action_id)
    assert done.text.startswith("Erased: 1 quiz answers; 1 quiz scores")
    assert (await run(studybot, ANN, "privacy"))[0].text.startswith("I store nothing")
    assert await count(studybot, QuizAnswer, user_id=BEN.user_id) == 1  # the class's stay
    assert await count(studybot, QuizPlayer, user_id=BEN.user_id) == 1
    assert await count(studybot, QuizAnswer, user_id=ANN.user_id,
                       tenant_key="discord:g2") == 1  # another server's are its own
    assert await count(studybot, QuizSession, kind="group") == 2


async def test_a_teachers_erasure_keeps_the_class_quiz_without_their_name(
        studybot: StudyBot, clock: FakeClock) -> None:
    quiz = await class_quiz(studybot, clock)
    ms_gray = teacher()
    await press(studybot, ms_gray, "privacy:delete")
    async with studybot.db.transaction() as session:
        kept = await session.get(QuizSession, quiz)
    assert kept is not None and kept.user_id == "" and kept.user_name == ""
    assert await count(studybot, QuizAnswer) == 2


async def test_every_table_naming_a_user_is_covered(studybot: StudyBot) -> None:
    from bot.storage.base import Base

    covered = {k.model.__tablename__ for k in KEPT}
    naming = {t.name for t in Base.metadata.sorted_tables
              if {"user_id", "created_by"} & set(t.columns.keys())}
    assert naming <= covered, naming - covered


async def test_retention_deletes_old_answers_only_where_it_is_set(
        studybot: StudyBot, clock: FakeClock) -> None:
    manager = Actor("discord", "g1", "boss", is_teacher=True, is_manager=True)
    refused = await run(studybot, teacher(), "settings retention", days="30")
    assert "only someone who manages" in refused[0].text
    assert "30 days" in (await run(studybot, manager, "settings retention", days="30"))[0].text
    assert "1 to 3650" in (await run(studybot, manager, "settings retention",
                                     days="²"))[0].text
    await class_quiz(studybot, clock)
    await class_quiz(studybot, clock, Place("discord", "g2", "c1"), who=(ANN_ELSEWHERE,))
    clock.advance(days=20)
    await class_quiz(studybot, clock, Place("discord", "g1", "c2"))
    clock.advance(days=11)
    await studybot.tick()
    assert await count(studybot, QuizAnswer, tenant_key="discord:g1") == 2  # the newer quiz
    assert await count(studybot, QuizAnswer, tenant_key="discord:g2") == 1  # no setting
    await run(studybot, manager, "settings retention", days="forever")
    clock.advance(days=60)
    await studybot.tick()
    assert await count(studybot, QuizAnswer, tenant_key="discord:g1") == 2


async def test_studybot_privacy_export_and_delete_from_the_command_line(
        database_url: str, studybot: StudyBot, clock: FakeClock) -> None:
    await class_quiz(studybot, clock)
    env = {**os.environ, "DATABASE_URL": database_url}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bot", "privacy", *args], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=120)

    exported = cli("export", "--user", ANN.user_id)
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    assert [a["user_id"] for a in data["stored"]["quiz answers"]] == [ANN.user_id]
    erased = cli("delete", "--user", ANN.user_id, "--tenant", "discord:g1")
    assert erased.returncode == 0 and "1 quiz answers" in erased.stdout
    assert await count(studybot, QuizAnswer, user_id=ANN.user_id) == 0
    assert await count(studybot, QuizAnswer, user_id=BEN.user_id) == 1


async def test_privacy_on_slack_is_private_with_the_file_in_a_direct_message(
        studybot: StudyBot, clock: FakeClock) -> None:
    async with slack_world(studybot, clock) as world:
        await world.command(STUDENTS[0], "remind on")
        await world.command(STUDENTS[0], "privacy")
        shown = world.last("response_url")
        assert shown["response_type"] == "ephemeral" and "revision reminders" in shown["text"]
        [upload] = world.fake.uploads.values()  # the file goes to a direct message
        assert json.loads(upload)["user_id"] == STUDENTS[0]
        assert world.fake.calls_to("conversations.open")


async def test_privacy_on_discord_is_ephemeral_with_the_file(discord_bot: DiscordBot) -> None:
    fake = discord_bot.fake
    await fake.wait_response(await fake.command("remind", {"state": "on"}, user=STUDENT))
    shown = await fake.wait_response(await fake.command("privacy", user=STUDENT))
    assert shown["flags"] & EPHEMERAL and "revision reminders" in shown["content"]
    assert [name for name, _, _ in shown["files"]] == ["my-studybot-data.json"]
    asked = await fake.wait_response(await fake.command("privacy", {"action": "delete"},
                                                        user=STUDENT))
    assert asked["flags"] & EPHEMERAL and "Are you sure" in asked["content"]


async def test_the_retention_column_is_migrated(database_url: str) -> None:
    db = await Database.open(database_url)
    try:
        async with db.engine.connect() as conn:
            names = await conn.run_sync(
                lambda c: [col["name"] for col in inspect(c).get_columns("tenants")])
        assert "answer_retention_days" in names
    finally:
        await db.close()
