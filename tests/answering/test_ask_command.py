"""The ``ask`` command, free text and the entry buttons, through the bot core."""

from __future__ import annotations

from bot.app import StudyBot
from bot.events import Actor, Command, Place, Press, Text

STUDENT = Actor("slack", "T1", "U1", "Sam")
ROOM = Place("slack", "T1", "C1")


async def test_ask_answers_publicly_with_related_buttons(studybot: StudyBot) -> None:
    [reply] = await studybot.handle(Command(STUDENT, ROOM, "ask",
                                            {"question": "when was the munich agreement"}))
    assert reply.text.startswith("Munich Agreement") and not reply.private
    assert 1 <= len(reply.choices) <= 2
    assert all(c.action_id.startswith("ask:") and len(c.action_id) < 100 for c in reply.choices)


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
