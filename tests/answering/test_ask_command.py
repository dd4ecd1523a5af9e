"""The ``ask`` command, free text and the entry buttons, through the bot core."""

from __future__ import annotations

from bot.app import StudyBot
from bot.clock import FakeClock
from bot.events import Actor, Command, Place, Press, Text
from bot.privacy import apply_retention, collect
from tests.reliability.outage import database_down

STUDENT = Actor("slack", "T1", "U1", "Sam")
ROOM = Place("slack", "T1", "C1")


async def test_ask_answers_publicly_short_first_with_more_and_related_buttons(
        studybot: StudyBot) -> None:
    [reply] = await studybot.handle(Command(STUDENT, ROOM, "ask",
                                            {"question": "when was the munich agreement"}))
    assert reply.text.startswith("Munich Agreement") and not reply.private
    assert "From the essay" not in reply.text  # the passage waits behind "More"
    more, *related = reply.choices
    assert (more.label, more.action_id) == ("More", "more:entry:munich-agreement")
    assert 1 <= len(related) <= 2
    assert all(c.action_id.startswith("ask:") and len(c.action_id) < 100 for c in related)
    [whole] = await studybot.handle(Press(STUDENT, ROOM, more.action_id, "m1"))
    assert whole.replace and whole.text.startswith(reply.text)
    assert 'From the essay: "' in whole.text and "More" not in {c.label for c in whole.choices}


async def test_free_text_is_a_question(studybot: StudyBot) -> None:
    [reply] = await studybot.handle(Text(STUDENT, ROOM, "who was molotov"))
    assert reply.text.startswith("Vyacheslav Molotov")


async def test_an_off_topic_question_offers_its_near_entries_as_buttons(
        studybot: StudyBot) -> None:
    [reply] = await studybot.handle(Text(STUDENT, ROOM, "could litvinov speak several languages"))
    if reply.text.startswith("I don't know"):
        assert "ask:litvinov-multilingual" in {c.action_id for c in reply.choices}
    [none] = await studybot.handle(Text(STUDENT, ROOM, "who was napoleon"))
    assert none.text.startswith("I don't know") and none.choices == ()


async def test_a_pressed_entry_button_answers_that_entry(studybot: StudyBot) -> None:
    [reply] = await studybot.handle(Press(STUDENT, ROOM, "ask:winter-war", "m1"))
    assert reply.text.startswith("Winter War")
    [gone] = await studybot.handle(Press(STUDENT, ROOM, "ask:no-such-entry", "m1"))
    assert gone.private and "no longer" in gone.text


async def test_an_empty_question_is_answered_privately(studybot: StudyBot) -> None:
    [reply] = await studybot.handle(Command(STUDENT, ROOM, "ask", {}))
    assert reply.private and "Ask me a question" in reply.text


async def test_the_engine_is_built_once_per_bot(studybot: StudyBot) -> None:
    from bot.commands.ask import answer_engine

    assert studybot.service(answer_engine) is studybot.service(answer_engine)


async def test_follow_ups_belong_to_one_student_in_one_channel(studybot: StudyBot) -> None:
    other = Actor("slack", "T1", "U2", "Kim")
    elsewhere = Place("slack", "T1", "C2")
    await studybot.handle(Text(STUDENT, ROOM, "tell me about the munich agreement"))
    [mine] = await studybot.handle(Text(STUDENT, ROOM, "what year was that"))
    [theirs] = await studybot.handle(Text(other, ROOM, "what year was that"))
    [there] = await studybot.handle(Text(STUDENT, elsewhere, "what year was that"))
    assert mine.text.startswith("Munich Agreement (30 September 1938)")
    assert theirs.text.startswith("I don't know") and there.text.startswith("I don't know")


async def test_a_follow_up_expires_after_ten_minutes(studybot: StudyBot, clock: FakeClock) -> None:
    await studybot.handle(Text(STUDENT, ROOM, "what was the popular front"))
    clock.advance(minutes=11)
    [late] = await studybot.handle(Text(STUDENT, ROOM, "why?"))
    assert late.text.startswith("I don't know")


async def test_a_composed_answer_offers_its_views_and_entries(studybot: StudyBot) -> None:
    [reply] = await studybot.handle(Text(STUDENT, ROOM, "so was stalin consistent or not"))
    actions = [c.action_id for c in reply.choices]
    assert actions[0] == "more:overview"
    assert {"view:side:consistent", "view:side:inconsistent", "view:side:qualified"} <= set(actions)
    assert len(reply.text) < 2000  # one Discord message
    [side] = await studybot.handle(Press(STUDENT, ROOM, "view:side:inconsistent", "m1"))
    assert side.text.startswith("Arguments that foreign policy was inconsistent")
    assert all(len(a) < 100 for a in actions)


async def test_a_follow_up_is_understood_by_another_bot_process(
        studybot: StudyBot, clock: FakeClock) -> None:
    """Two processes on one database: the conversation lives there, not in either of them."""
    other = StudyBot(studybot.kb, studybot.db, clock)
    await studybot.handle(Text(STUDENT, ROOM, "tell me about the munich agreement"))
    [there] = await other.handle(Text(STUDENT, ROOM, "what year was that"))
    assert there.text.startswith("Munich Agreement (30 September 1938)")


async def test_questions_are_answered_fresh_while_the_database_is_down(
        studybot: StudyBot) -> None:
    async with database_down(studybot.db):
        [reply] = await studybot.handle(Text(STUDENT, ROOM, "who was litvinov"))
        [again] = await studybot.handle(Text(STUDENT, ROOM, "when was he sacked"))
    assert reply.text.startswith("Maxim Litvinov")
    assert "Sorry" not in again.text  # answered as a question of its own


async def test_what_a_student_was_asking_about_is_theirs_to_see_and_erase(
        studybot: StudyBot, clock: FakeClock) -> None:
    await studybot.handle(Text(STUDENT, ROOM, "who was litvinov"))
    async with studybot.db.transaction() as session:
        kept = await collect(session, STUDENT.tenant_key, STUDENT.user_id)
    [turn] = next(rows for label, rows in kept.items() if "asking about" in label)
    assert turn["entry_id"] == "litvinov"
    clock.advance(hours=2)
    await apply_retention(studybot)  # stale turns go with the hourly retention run
    async with studybot.db.transaction() as session:
        kept = await collect(session, STUDENT.tenant_key, STUDENT.user_id)
    assert not any(rows for label, rows in kept.items() if "asking about" in label)
