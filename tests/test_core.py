"""The core's command handling: parsing typed commands, checking options, permissions, help."""

from __future__ import annotations

import pytest

from bot.app import StudyBot
from bot.commands import load_commands
from bot.commands.parse import ParseError, parse_command_line
from bot.events import Actor, Command, Place, Press
from bot.storage.tenants import get_tenant

load_commands()

TEACHER = Actor("discord", "g1", "t1", "Ms Teacher", is_teacher=True)
MANAGER = Actor("discord", "g1", "m1", "Head", is_teacher=True, is_manager=True)
STUDENT = Actor("discord", "g1", "s1", "Sam")
ROOM = Place("discord", "g1", "c1")


def test_typed_command_takes_positional_and_named_values() -> None:
    parsed = parse_command_line("/settings timezone Europe/Paris")
    assert parsed.spec.name == "settings timezone"
    assert parsed.args == {"timezone": "Europe/Paris"}
    assert parse_command_line("settings timezone timezone=Asia/Tokyo").args == {
        "timezone": "Asia/Tokyo"}


def test_a_leading_number_is_a_count_not_a_topic() -> None:
    assert parse_command_line("quiz solo 5").args == {"questions": "5"}
    assert parse_command_line("quiz start 3 30").args == {"questions": "3", "seconds": "30"}
    assert parse_command_line("quiz start spain 3 30").args == {
        "topic": "spain", "questions": "3", "seconds": "30"}
    assert parse_command_line("quiz solo all 5").args == {"topic": "all", "questions": "5"}


async def test_all_means_every_topic(studybot: StudyBot) -> None:
    for topic in ("all", "ALL", "every"):
        [intro, question] = await studybot.handle(Command(STUDENT, ROOM, "quiz solo",
                                                          {"topic": topic, "questions": "3"}))
        assert intro.text == "Practice: 3 questions." and question.choices


async def test_numbers_are_ascii_digits_and_bounds_read_naturally(studybot: StudyBot) -> None:
    for typed in ("²", "1²", "٣", "-²"):
        [reply] = await studybot.handle(Command(TEACHER, ROOM, "quiz start", {"questions": typed}))
        assert f"`questions` must be a whole number, not `{typed}`" in reply.text
    [reply] = await studybot.handle(Command(TEACHER, ROOM, "report", {"quiz": "-5"}))
    assert "`quiz` must be 1 or more." in reply.text and "None" not in reply.text
    [reply] = await studybot.handle(Command(TEACHER, ROOM, "quiz start", {"questions": "99"}))
    assert "`questions` must be from 1 to 50." in reply.text


def test_free_text_option_keeps_the_line_as_typed() -> None:
    parsed = parse_command_line('help settings  timezone')
    assert parsed.args == {"command": "settings  timezone"}


def test_unknown_and_incomplete_commands_explain_themselves() -> None:
    with pytest.raises(ParseError, match="Unknown command `frobnicate`"):
        parse_command_line("frobnicate now")
    with pytest.raises(ParseError, match="`/settings` needs one of: `/settings retention`, "
                                          "`/settings teacher-role`"):
        parse_command_line("settings")
    with pytest.raises(ParseError, match="Too many values") as caught:
        parse_command_line("settings timezone Europe/London extra")
    assert caught.value.spec is not None and caught.value.spec.name == "settings timezone"


async def test_student_cannot_use_a_teacher_command(studybot: StudyBot) -> None:
    [reply] = await studybot.handle(Command(STUDENT, ROOM, "settings timezone",
                                            {"timezone": "Asia/Tokyo"}))
    assert reply.private and "only a teacher" in reply.text
    async with studybot.db.transaction() as session:
        tenant = await get_tenant(session, STUDENT.tenant_key, studybot.clock.now())
        assert tenant.timezone == "Europe/London"


async def test_teacher_sets_timezone_and_bad_zone_is_refused(studybot: StudyBot) -> None:
    [bad] = await studybot.handle(Command(TEACHER, ROOM, "settings timezone",
                                          {"timezone": "Mars/Olympus"}))
    assert bad.private and "not a time zone" in bad.text
    [ok] = await studybot.handle(Command(TEACHER, ROOM, "settings timezone",
                                         {"timezone": "Asia/Tokyo"}))
    assert "Asia/Tokyo" in ok.text
    async with studybot.db.transaction() as session:
        assert (await get_tenant(session, TEACHER.tenant_key, studybot.clock.now())).timezone == (
            "Asia/Tokyo")
        other = await get_tenant(session, "discord:g2", studybot.clock.now())
        assert other.timezone == "Europe/London"  # another server is untouched


async def test_only_managers_choose_the_teacher_role(studybot: StudyBot) -> None:
    [refused] = await studybot.handle(Command(TEACHER, ROOM, "settings teacher-role",
                                              {"role": "Staff"}))
    assert "only someone who manages" in refused.text
    [done] = await studybot.handle(Command(MANAGER, ROOM, "settings teacher-role",
                                           {"role": "Staff"}))
    assert "Staff" in done.text
    from bot.commands.settings import teacher_role

    assert await teacher_role(studybot, "discord:g1") == "Staff"
    assert await teacher_role(studybot, "slack:g1") is None


async def test_bad_option_values_get_a_short_message(studybot: StudyBot) -> None:
    [reply] = await studybot.handle(Command(TEACHER, ROOM, "settings timezone", {"colour": "red"}))
    assert reply.private and "has no option `colour`" in reply.text
    [missing] = await studybot.handle(Command(TEACHER, ROOM, "settings timezone", {}))
    assert "needs `timezone`" in missing.text and "Usage:" in missing.text


async def test_help_lists_commands_and_hides_teacher_ones_from_students(
        studybot: StudyBot) -> None:
    [student_help] = await studybot.handle(Command(STUDENT, ROOM, "help", {}))
    [teacher_help] = await studybot.handle(Command(TEACHER, ROOM, "help", {}))
    assert "settings timezone" not in student_help.text
    assert "settings timezone" in teacher_help.text
    [one] = await studybot.handle(Command(STUDENT, ROOM, "help", {"command": "settings timezone"}))
    assert one.text.startswith("`/settings timezone <timezone>`")


async def test_unknown_buttons_and_commands_do_not_crash(studybot: StudyBot) -> None:
    [reply] = await studybot.handle(Press(STUDENT, ROOM, "nosuch:1:2"))
    assert reply.private and "no longer" in reply.text
    [reply] = await studybot.handle(Command(STUDENT, ROOM, "dance", {}))
    assert "don't know the command" in reply.text


async def test_control_characters_are_stripped_from_options(studybot: StudyBot) -> None:
    [reply] = await studybot.handle(Command(TEACHER, ROOM, "settings timezone",
                                            {"timezone": "\x00Asia/\x07Tokyo\x1b"}))
    assert "\x00" not in reply.text and "\x1b" not in reply.text


async def test_forged_button_numbers_never_crash(studybot: StudyBot) -> None:
    """Superscript and other non-ASCII digits pass ``str.isdigit`` but not ``int``; numbers
    too big for a database integer are refused before any query."""
    from bot.commands.registry import ACTIONS

    for prefix in ACTIONS:
        for parts in ("²", "1:²", "²:1:1", "1:1:²", "a:1:²", "h:²", "e:99999999999999999999",
                      "a:99999999999999999999:1", "9999999999:0:0", "٣:1"):
            [reply] = await studybot.handle(Press(STUDENT, ROOM, f"{prefix}:{parts}"))
            assert "something went wrong" not in reply.text, (prefix, parts)


async def test_typed_numbers_in_every_option_never_crash(studybot: StudyBot) -> None:
    from bot.commands.registry import COMMANDS

    for spec in COMMANDS.values():
        for option in spec.options:
            for typed in ("²", "1²", "²:00", "0²-1", "-²"):
                replies = await studybot.handle(Command(TEACHER, ROOM, spec.name,
                                                        {option.name: typed}))
                assert all("something went wrong" not in r.text for r in replies), (
                    spec.name, option.name, typed)
