"""Each student's revision queue: FSRS rescheduling, daily caps, quiz misses feeding in,
privacy between students and tenants, and opt-in daily reminders."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import StudyBot
from bot.clock import FakeClock
from bot.events import Actor, Command, Press
from bot.notifier import RecordingNotifier
from bot.quiz.bank import question_bank
from bot.quiz.records import record_miss
from bot.replies import Reply
from bot.revision.cards import Owner, Today, next_card
from bot.revision.models import RevisionCard
from bot.storage.db import Database
from knowledge.loader import KnowledgeBase
from tests.studypack import people, small_kb

TEACHER, STUDENT, OTHER_STUDENT, CLASS = people()
_, FOREIGN_STUDENT, _, FOREIGN_CLASS = people(tenant="g2")
START = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    return small_kb(tmp_path / "pack", questions=14)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
async def bot(kb: KnowledgeBase, database_url: str, clock: FakeClock) -> AsyncIterator[StudyBot]:
    studybot = StudyBot(kb, await Database.open(database_url), clock, RecordingNotifier())
    yield studybot
    await studybot.close()


async def revise(bot: StudyBot, who: Actor = STUDENT) -> Reply:
    [reply] = await bot.handle(Command(who, CLASS, "revise", {}))
    assert reply.private
    return reply


async def card_of(bot: StudyBot, reply: Reply) -> RevisionCard:
    card_id = int(reply.choices[0].action_id.split(":")[2])
    async with bot.db.transaction() as session:
        card = await session.get(RevisionCard, card_id)
    assert card is not None
    return card


async def answer(bot: StudyBot, reply: Reply, right: bool, who: Actor = STUDENT) -> Reply:
    card = await card_of(bot, reply)
    _labels, correct = bot.service(question_bank).questions[card.question_id].options()
    index = correct if right else (correct + 1) % len(reply.choices)
    [result] = await bot.handle(Press(who, CLASS, reply.choices[index].action_id))
    assert result.private
    return result


async def test_revise_deals_a_private_card_with_answer_buttons(bot: StudyBot) -> None:
    reply = await revise(bot)
    assert reply.title == "Revision"
    assert "New card · 10 new cards left today" in reply.text
    assert len(reply.choices) >= 2
    assert all(c.action_id.startswith("rv:a:") for c in reply.choices)


async def test_a_card_answered_right_comes_back_later_than_one_answered_wrong(
        bot: StudyBot, clock: FakeClock) -> None:
    right = await answer(bot, await revise(bot, STUDENT), right=True)
    wrong = await answer(bot, await revise(bot, OTHER_STUDENT), right=False, who=OTHER_STUDENT)
    assert right.text.startswith("Right: ") and "back in 10 minutes" in right.text
    assert wrong.text.startswith("Not quite") and "comes back in 1 minute" in wrong.text
    async with bot.db.transaction() as session:
        cards = {c.user_id: c for c in (await session.execute(select(RevisionCard))).scalars()}
    assert cards["s1"].due > cards["s2"].due
    # walk on: the card known twice in a row is pushed out by days, the missed one stays near
    clock.advance(minutes=10)
    again = await revise(bot, STUDENT)
    assert "Review" in again.text
    await answer(bot, again, right=True)
    clock.advance(minutes=1)
    await answer(bot, await revise(bot, OTHER_STUDENT), right=False, who=OTHER_STUDENT)
    async with bot.db.transaction() as session:
        cards = {c.user_id: c for c in (await session.execute(select(RevisionCard))).scalars()}
    assert cards["s1"].due - clock.now() >= timedelta(days=1)
    assert cards["s2"].due - clock.now() <= timedelta(minutes=10)


async def test_hard_or_easy_after_a_right_answer_reschedules_it(bot: StudyBot,
                                                                clock: FakeClock) -> None:
    first = await revise(bot)
    await answer(bot, first, right=True)
    clock.advance(minutes=10)
    review = await revise(bot)
    result = await answer(bot, review, right=True)
    labels = [c.label for c in result.choices]
    assert labels == ["Hard", "Easy", "Next card"]
    good_due = (await card_of(bot, review)).due
    [easy] = await bot.handle(Press(STUDENT, CLASS, result.choices[1].action_id))
    assert easy.text.startswith("Rated Easy: this card comes back in")
    easy_due = (await card_of(bot, review)).due
    [hard] = await bot.handle(Press(STUDENT, CLASS, result.choices[0].action_id))
    hard_due = (await card_of(bot, review)).due
    assert hard.text.startswith("Rated Hard")
    assert hard_due < good_due < easy_due
    [stolen] = await bot.handle(Press(OTHER_STUDENT, CLASS, result.choices[1].action_id))
    assert stolen.text == "That rating belongs to someone else's card."


async def test_an_answered_card_cannot_be_answered_twice_or_by_someone_else(
        bot: StudyBot) -> None:
    reply = await revise(bot)
    [other] = await bot.handle(Press(OTHER_STUDENT, CLASS, reply.choices[0].action_id))
    assert other.text.startswith("That card is in someone else's revision queue.")
    [foreign] = await bot.handle(Press(FOREIGN_STUDENT, FOREIGN_CLASS,
                                       reply.choices[0].action_id))
    assert foreign.text.startswith("That card is in someone else's revision queue.")
    await answer(bot, reply, right=True)
    [twice] = await bot.handle(Press(STUDENT, CLASS, reply.choices[0].action_id))
    assert twice.text == "You've already answered that card."


async def test_new_cards_are_capped_at_ten_a_day(bot: StudyBot, clock: FakeClock) -> None:
    seen = set()
    for _ in range(10):
        reply = await revise(bot)
        seen.add((await card_of(bot, reply)).question_id)
        await answer(bot, reply, right=True)
    assert len(seen) == 10
    capped = await revise(bot)
    assert capped.text == ("Nothing due right now, and you've had today's 10 new cards. "
                           "Your next card is due in 10 minutes.")
    clock.advance(minutes=10)
    assert "Review" in (await revise(bot)).text
    clock.set(datetime(2026, 11, 28, 9, 0, tzinfo=UTC))  # a new day in London
    reply = await revise(bot)
    assert "10 new cards left today" in reply.text or "Review" in reply.text


async def test_reviews_are_capped_at_fifty_a_day(bot: StudyBot) -> None:
    bank = bot.service(question_bank)
    owner = Owner(STUDENT.tenant_key, STUDENT.user_id)
    await answer(bot, await revise(bot), right=False)  # one reviewed card, due in a minute
    later = START + timedelta(minutes=5)
    async with bot.db.transaction() as session:
        due = await next_card(session, owner, bank, later, Today(new_done=10, reviews_done=49))
        assert due is not None and due.last_review is not None
        assert await next_card(session, owner, bank, later,
                               Today(new_done=10, reviews_done=50)) is None


async def test_questions_missed_in_quizzes_enter_the_queue_first(bot: StudyBot) -> None:
    bank = bot.service(question_bank)
    missed = sorted(bank.questions)[-1]
    async with bot.db.transaction() as session:
        await record_miss(session, STUDENT.tenant_key, STUDENT.user_id, missed,
                          bank.questions[missed].entry_id, START - timedelta(hours=1))
    reply = await revise(bot)
    card = await card_of(bot, reply)
    assert (card.question_id, card.source) == (missed, "missed")
    first = await revise(bot, OTHER_STUDENT)  # nobody else's queue gets it
    assert (await card_of(bot, first)).question_id != missed or len(bank) == 1


async def test_the_same_user_in_another_tenant_has_a_separate_queue(bot: StudyBot) -> None:
    await answer(bot, await revise(bot), right=True)
    twin = Actor("discord", "g2", STUDENT.user_id)
    [reply] = await bot.handle(Command(twin, FOREIGN_CLASS, "revise", {}))
    assert "10 new cards left today" in reply.text


async def test_reminders_are_opt_in_daily_once_and_stop_on_opt_out(
        bot: StudyBot, clock: FakeClock) -> None:
    notifier = bot.notifier
    assert isinstance(notifier, RecordingNotifier)
    await bot.handle(Command(OTHER_STUDENT, CLASS, "revise", {}))  # never opted in
    [on] = await bot.handle(Command(STUDENT, CLASS, "remind", {"state": "on", "time": "18:00"}))
    assert on.text.startswith("I'll message you at 18:00 (Europe/London)")
    clock.set(datetime(2026, 11, 27, 17, 59, tzinfo=UTC))
    await bot.tick()
    assert notifier.direct == []
    clock.set(datetime(2026, 11, 27, 18, 0, tzinfo=UTC))
    await bot.tick()
    await bot.tick()
    [(platform, tenant, user, message)] = notifier.direct
    assert (platform, tenant, user) == ("discord", "g1", "s1")
    assert message.text.startswith("You have 10 cards due (10 new).")
    clock.set(datetime(2026, 11, 28, 18, 1, tzinfo=UTC))
    await bot.tick()
    assert len(notifier.direct) == 2
    [off] = await bot.handle(Command(STUDENT, CLASS, "remind", {"state": "off"}))
    assert off.text.startswith("Revision reminders are off.")
    clock.set(datetime(2026, 11, 29, 18, 0, tzinfo=UTC))
    await bot.tick()
    assert len(notifier.direct) == 2
    [bad] = await bot.handle(Command(STUDENT, CLASS, "remind", {"state": "on", "time": "6pm"}))
    assert "not a time like 09:00" in bad.text


async def test_a_reminder_is_not_sent_twice_after_a_restart(
        bot: StudyBot, clock: FakeClock, kb: KnowledgeBase, database_url: str) -> None:
    await bot.handle(Command(STUDENT, CLASS, "remind", {"state": "on", "time": "18:00"}))
    clock.set(datetime(2026, 11, 27, 18, 0, tzinfo=UTC))
    await bot.tick()
    restarted = StudyBot(kb, await Database.open(database_url), clock, RecordingNotifier())
    try:
        clock.advance(minutes=2)
        await restarted.tick()
        assert isinstance(restarted.notifier, RecordingNotifier)
        assert restarted.notifier.direct == []
    finally:
        await restarted.close()


async def test_a_question_missed_in_solo_practice_comes_up_in_revise(bot: StudyBot) -> None:
    from bot.quiz.models import QuizQuestion

    [_intro, question] = await bot.handle(Command(STUDENT, CLASS, "quiz solo",
                                                  {"questions": "2"}))
    session_id = int(question.choices[0].action_id.split(":")[1])
    async with bot.db.transaction() as session:
        asked = (await session.execute(select(QuizQuestion).where(
            QuizQuestion.session_id == session_id, QuizQuestion.position == 0))).scalar_one()
    wrong = (asked.correct + 1) % len(question.choices)
    await bot.handle(Press(STUDENT, CLASS, f"solo:{session_id}:0:{wrong}"))
    card = await card_of(bot, await revise(bot))
    assert (card.question_id, card.source) == (asked.question_id, "missed")


def test_studybot_revise_opens_the_terminal_chat_on_the_queue(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
           "USER": "ana", "STUDYBOT_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "-m", "bot", "revise"], cwd=root, env=env,
                          input="1\n/revise\n", capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr
    shown = done.stdout
    assert "you> /revise" in shown and "New card · 10 new cards left today" in shown
    assert "Right: " in shown or "Not quite: " in shown
    assert "9 new cards left today" in shown  # the second card, after the first was answered
    assert shown.rstrip().endswith("Bye.")


async def test_a_known_card_missed_again_in_a_quiz_comes_due_at_once(
        bot: StudyBot, clock: FakeClock) -> None:
    first = await revise(bot)
    await answer(bot, first, right=True)
    clock.advance(minutes=10)
    await answer(bot, await revise(bot), right=True)  # now scheduled days ahead
    card = await card_of(bot, first)
    assert card.due - clock.now() >= timedelta(days=1)
    clock.advance(hours=1)
    bank = bot.service(question_bank)
    async with bot.db.transaction() as session:
        await record_miss(session, STUDENT.tenant_key, STUDENT.user_id, card.question_id,
                          bank.questions[card.question_id].entry_id, clock.now())
    again = await revise(bot)
    assert (await card_of(bot, again)).question_id == card.question_id
    assert "Review" in again.text


async def test_two_processes_send_one_reminder(bot: StudyBot, clock: FakeClock,
                                               kb: KnowledgeBase, database_url: str) -> None:
    import asyncio

    for n in range(8):
        student = Actor("discord", "g1", f"s{n}")
        await bot.handle(Command(student, CLASS, "remind", {"state": "on", "time": "18:00"}))
    other = StudyBot(kb, await Database.open(database_url), clock, RecordingNotifier())
    try:
        clock.set(datetime(2026, 11, 27, 18, 0, tzinfo=UTC))
        await asyncio.gather(bot.tick(), other.tick(), bot.tick(), other.tick())
        sent = [d[2] for b in (bot, other) for d in b.notifier.direct]  # type: ignore[attr-defined]
        assert sorted(sent) == [f"s{n}" for n in range(8)]
    finally:
        await other.close()
