"""The tenant's settings row: made once, whoever asks first, however many ask at once."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.app import StudyBot
from bot.clock import FakeClock
from bot.events import Actor, Command, Place
from bot.storage.db import Database
from bot.storage.tenants import Tenant, find_tenant, get_tenant


async def test_thirty_transactions_creating_one_tenant_at_once_all_succeed(
        db: Database, clock: FakeClock) -> None:
    async def first_contact() -> str:
        async with db.transaction() as session:
            return (await get_tenant(session, "slack:TNEW", clock.now())).timezone

    zones = await asyncio.gather(*(first_contact() for _ in range(30)))

    assert zones == ["Europe/London"] * 30
    async with db.transaction() as session:
        assert (await session.execute(select(func.count()).select_from(Tenant))).scalar_one() == 1


async def test_reading_settings_never_creates_the_row(db: Database) -> None:
    async with db.transaction() as session:
        assert await find_tenant(session, "discord:1") is None
    async with db.transaction() as session:
        assert (await session.execute(select(func.count()).select_from(Tenant))).scalar_one() == 0


async def test_two_reminder_requests_at_once_leave_one_reminder(studybot: StudyBot) -> None:
    actor = Actor("slack", "T1", "U1")
    place = Place("slack", "T1", "C1")
    replies = await asyncio.gather(*(studybot.handle(Command(actor, place, "remind",
                                                             {"state": "on", "time": t}))
                                     for t in ("17:30", "18:00")))
    assert all("I'll message you" in r[0].text for r in replies)
