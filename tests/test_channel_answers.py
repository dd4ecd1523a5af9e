"""A channel's answers setting and private answers kept for sharing, through the core: stored
(so a restart or another process keeps them), per channel and per tenant, shared at most once
however many presses arrive, covered by privacy, and gone after a week."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from bot.app import StudyBot
from bot.clock import FakeClock
from bot.commands.share import SHARE_FOR, PrivateAnswer
from bot.events import Actor, Command, Place, Press
from bot.notifier import RecordingNotifier
from bot.replies import Reply
from bot.storage.base import Base
from bot.storage.db import Database

TEACHER = Actor("slack", "T1", "UTEACH", is_teacher=True)
ANN, BEN = Actor("slack", "T1", "UANN"), Actor("slack", "T1", "UBEN")
HERE = Place("slack", "T1", "C1")
LITVINOV = "who was litvinov"


async def ask(bot: StudyBot, actor: Actor = ANN, place: Place = HERE) -> Reply:
    [reply] = await bot.handle(Command(actor, place, "ask", {"question": LITVINOV}))
    return reply


async def set_answers(bot: StudyBot, mode: str, actor: Actor = TEACHER,
                      place: Place = HERE) -> str:
    [reply] = await bot.handle(Command(actor, place, "settings answers", {"mode": mode}))
    return reply.text


def share_id(reply: Reply) -> str:
    return next(c.action_id for c in reply.choices if c.action_id.startswith("share:"))


async def kept(bot: StudyBot) -> int:
    async with bot.db.transaction() as session:
        return int((await session.execute(select(func.count()).select_from(PrivateAnswer)))
                   .scalar_one())


async def test_a_public_answer_names_its_asker_and_question(studybot: StudyBot) -> None:
    reply = await ask(studybot)
    assert not reply.private and reply.asked is not None
    assert (reply.asked.user_id, reply.asked.question) == ("UANN", LITVINOV)


async def test_the_setting_is_stored_per_channel_and_tenant_and_outlives_a_restart(
        studybot: StudyBot, db: Database, clock: FakeClock) -> None:
    assert "only a teacher" in await set_answers(studybot, "private", actor=ANN)
    assert not (await ask(studybot)).private
    await set_answers(studybot, "private")
    assert (await ask(studybot)).private
    assert not (await ask(studybot, place=Place("slack", "T1", "C2"))).private
    other = Actor("slack", "T2", "UANN")
    assert not (await ask(studybot, other, Place("slack", "T2", "C1"))).private
    thread = Place("slack", "T1", "C1", "1700000000.000100")
    assert (await ask(studybot, place=thread)).private  # a thread has its channel's setting
    restarted = StudyBot(studybot.kb, db, clock, RecordingNotifier())
    reply = await ask(restarted)
    assert reply.private and reply.asked is None and share_id(reply)


async def test_a_kept_answer_is_shared_once_after_a_restart_whoever_presses_first(
        studybot: StudyBot, db: Database, clock: FakeClock) -> None:
    await set_answers(studybot, "private")
    button = share_id(await ask(studybot))
    other = StudyBot(studybot.kb, db, clock, RecordingNotifier())  # another process
    presses = await asyncio.gather(*(bot.handle(Press(ANN, HERE, button))
                                     for bot in (studybot, other, studybot, other)))
    shared = [replies for replies in presses if len(replies) == 2]
    assert len(shared) == 1
    public, note = shared[0]
    assert not public.private and public.asked is not None
    assert public.asked.question == LITVINOV and public.parts[0].text == "Maxim Litvinov"
    assert note.private and note.replace
    for replies in presses:
        if replies is not shared[0]:
            assert [r.text for r in replies] == [
                "You've already shared this answer with the channel."]


async def test_privacy_lists_and_erases_kept_answers_and_they_expire_after_a_week(
        studybot: StudyBot, clock: FakeClock) -> None:
    await set_answers(studybot, "private")
    button = share_id(await ask(studybot))
    await ask(studybot, BEN)
    [shown] = await studybot.handle(Command(ANN, HERE, "privacy"))
    data: dict[str, Any] = json.loads(shown.attachments[0].data)
    [mine] = data["stored"]["private answers to your questions, kept for sharing"]
    assert mine["question"] == LITVINOV and mine["user_id"] == "UANN"
    await studybot.handle(Press(ANN, HERE, "privacy:delete"))
    assert await kept(studybot) == 1  # Ben's stays
    [gone] = await studybot.handle(Press(ANN, HERE, button))
    assert "can no longer be shared" in gone.text
    clock.advance(seconds=SHARE_FOR.total_seconds() + 3600)
    await studybot.tick()
    assert await kept(studybot) == 0


async def test_the_migration_makes_the_tables_the_models_describe(db: Database) -> None:
    mine = {"channel_settings", "private_answers"}

    def compare(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return [d for d in compare_metadata(context, Base.metadata)
                if any(table in repr(d) for table in mine)]

    async with db.engine.connect() as conn:
        assert await conn.run_sync(compare) == []
