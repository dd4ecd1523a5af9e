"""The permission matrix, one table per adapter: who may do what, through the real adapter.

Roles: a student; a teacher by the server's teacher role (Discord) or user group (Slack); a
server manager (Manage Server, a workspace admin); another server's teacher, whose buttons
and commands must never reach this server's quiz. Rows run in order against one bot, so a
row may rely on an earlier one (the quiz a teacher started is the one a student may not stop).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.app import StudyBot
from bot.clock import FakeClock
from bot.storage.db import Database
from knowledge.loader import KnowledgeBase
from tests.adapters.slack_helpers import TEACHER as SLACK_ADMIN
from tests.adapters.slack_helpers import slack_world
from tests.fakes.discord_harness import start_bot
from tests.fakes.discord_server import TEACHER_PERMISSIONS, FakeDiscord, FakeUser

REFUSALS = {
    "teacher": ("only a teacher",),
    "manager": ("only someone who manages",),
    "gone": ("no longer", "That practice has ended"),
}
OK = "ok"


def verdict(text: str) -> str:
    """Which refusal ``text`` is, or ``ok`` (done, or at least not refused)."""
    assert "something went wrong" not in text, text
    return next((kind for kind, phrases in REFUSALS.items()
                 if any(phrase in text for phrase in phrases)), OK)


# --- Discord ---------------------------------------------------------------------------------

G1, G2 = 1_000_000_000_000_001, 2_000_000_000_000_002
D_STUDENT = FakeUser(6001, "Ada")
D_MANAGER = FakeUser(5001, "Ms Okafor", TEACHER_PERMISSIONS)
D_OTHER = FakeUser(5003, "Mr Elsewhere", TEACHER_PERMISSIONS)  # manages server G2
QUIZ = {"questions": 3, "seconds": 60, "pace": "teacher"}

# (who, where, command or "press", options or button id, expected)
DISCORD_MATRIX: list[tuple[str, int, str, Any, str]] = [
    ("student", G1, "quiz start", {}, "teacher"),
    ("teacher", G1, "quiz start", QUIZ, OK),
    ("student", G1, "quiz pause", {}, "teacher"),
    ("student", G1, "quiz resume", {}, "teacher"),
    ("student", G1, "quiz next", {}, "teacher"),
    ("student", G1, "quiz stop", {}, "teacher"),
    ("teacher", G1, "quiz pause", {}, OK),
    ("manager", G1, "quiz resume", {}, OK),
    ("student", G1, "schedule add", {"kind": "onthisday", "time": "09:00"}, "teacher"),
    ("teacher", G1, "schedule add", {"kind": "onthisday", "time": "09:00"}, OK),
    ("student", G1, "schedule list", {}, "teacher"),
    ("teacher", G1, "schedule list", {}, OK),
    ("student", G1, "schedule remove", {"id": 1}, "teacher"),
    ("student", G1, "report", {}, "teacher"),
    ("manager", G1, "report", {}, OK),
    ("student", G1, "settings timezone", {"timezone": "Europe/Paris"}, "teacher"),
    ("teacher", G1, "settings timezone", {"timezone": "Europe/Paris"}, OK),
    ("student", G1, "settings teacher-role", {}, "manager"),
    ("teacher", G1, "settings teacher-role", {}, "manager"),
    ("student", G1, "settings retention", {"days": "30"}, "manager"),
    ("teacher", G1, "settings retention", {"days": "30"}, "manager"),
    ("manager", G1, "settings retention", {"days": "30"}, OK),
    ("student", G1, "ask", {"question": "when was munich"}, OK),
    ("student", G1, "quiz solo", {"questions": 2}, OK),
    ("student", G1, "revise", {}, OK),
    ("student", G1, "leaderboard", {}, OK),
    ("student", G1, "privacy", {}, OK),
    ("student", G1, "help", {}, OK),
    # another server's teacher: their own server is theirs, this one's quiz is not
    ("other", G2, "quiz stop", {}, OK),
    ("other", G2, "press", "quiz:1:0:0", "gone"),
    ("other", G2, "press", "rq:1:0", "gone"),
    ("other", G2, "press", "solo:2:0:0", "gone"),
    ("student", G1, "press", "quiz:999:0:0", "gone"),
    ("student", G1, "press", "quiz:1:0:9", "gone"),
    ("student", G1, "press", "nosuchthing:1", "gone"),
    ("teacher", G1, "quiz stop", {}, OK),  # the class quiz survived all of the above
]


@pytest.fixture
async def two_servers(kb: KnowledgeBase, db: Database,
                      clock: FakeClock) -> AsyncIterator[FakeDiscord]:
    fake = FakeDiscord(guilds=(G1, G2))
    await fake.start()
    running = await start_bot(fake, StudyBot(kb, db, clock), clock)
    yield fake
    await running.stop()
    await fake.stop()


def text_of(message: dict[str, Any]) -> str:
    return message["content"] or " ".join(e.get("description") or "" for e in message["embeds"])


async def test_the_discord_permission_matrix(two_servers: FakeDiscord) -> None:
    fake = two_servers
    teacher = FakeUser(5002, "Mr Role", roles=(fake.teacher_role_ids[G1],))
    people = {"student": D_STUDENT, "teacher": teacher, "manager": D_MANAGER,
              "other": D_OTHER}
    chosen = await fake.wait_response(await fake.command(
        "settings teacher-role", {"role": fake.teacher_role_ids[G1]}, user=D_MANAGER))
    assert "now count as teachers" in chosen["content"]
    wrong = []
    for who, guild, what, options, expected in DISCORD_MATRIX:
        user = people[who]
        if what == "press":
            token = await fake.press(options, user=user, guild_id=guild)
        else:
            token = await fake.command(what, options, user=user, guild_id=guild)
        got = verdict(text_of(await fake.wait_response(token, timeout=20)))
        if got != expected:
            wrong.append((who, what, options, expected, got))
    assert not wrong


# --- Slack -----------------------------------------------------------------------------------

S_STUDENT, S_TEACHER, S_OTHER = "US1", "US2", "UOTHER"  # US2 is in the teacher group
T2 = "T2"

# (who, team, typed line or "press <id>", expected)
SLACK_MATRIX: list[tuple[str, str, str, str]] = [
    (S_STUDENT, "T1", "quiz start", "teacher"),
    (S_TEACHER, "T1", "quiz start questions=3 seconds=60 pace=teacher", OK),
    (S_STUDENT, "T1", "quiz pause", "teacher"),
    (S_STUDENT, "T1", "quiz resume", "teacher"),
    (S_STUDENT, "T1", "quiz next", "teacher"),
    (S_STUDENT, "T1", "quiz stop", "teacher"),
    (S_TEACHER, "T1", "quiz pause", OK),
    (SLACK_ADMIN, "T1", "quiz resume", OK),
    (S_STUDENT, "T1", "schedule add onthisday 09:00", "teacher"),
    (S_TEACHER, "T1", "schedule add onthisday 09:00", OK),
    (S_STUDENT, "T1", "schedule list", "teacher"),
    (S_TEACHER, "T1", "schedule list", OK),
    (S_STUDENT, "T1", "schedule remove 1", "teacher"),
    (S_STUDENT, "T1", "report", "teacher"),
    (SLACK_ADMIN, "T1", "report", OK),
    (S_STUDENT, "T1", "settings timezone Europe/Paris", "teacher"),
    (S_TEACHER, "T1", "settings timezone Europe/Paris", OK),
    (S_STUDENT, "T1", "settings teacher-role S0EVIL", "manager"),
    (S_TEACHER, "T1", "settings teacher-role S0EVIL", "manager"),
    (S_TEACHER, "T1", "settings retention 30", "manager"),
    (SLACK_ADMIN, "T1", "settings retention 30", OK),
    (S_STUDENT, "T1", "ask when was munich", OK),
    (S_STUDENT, "T1", "quiz solo questions=2", OK),
    (S_STUDENT, "T1", "revise", OK),
    (S_STUDENT, "T1", "leaderboard", OK),
    (S_STUDENT, "T1", "privacy", OK),
    (S_STUDENT, "T1", "help", OK),
    (S_OTHER, T2, "quiz stop", OK),
    (S_OTHER, T2, "press quiz:1:0:0", "gone"),
    (S_OTHER, T2, "press rq:1:0", "gone"),
    (S_OTHER, T2, "press solo:2:0:0", "gone"),
    (S_STUDENT, "T1", "press quiz:999:0:0", "gone"),
    (S_STUDENT, "T1", "press quiz:1:0:9", "gone"),
    (S_STUDENT, "T1", "press nosuchthing:1", "gone"),
    (S_TEACHER, "T1", "quiz stop", OK),
]


async def test_the_slack_permission_matrix(studybot: StudyBot, clock: FakeClock) -> None:
    async with slack_world(studybot, clock) as world:
        world.fake.add_user(S_OTHER, "Mr Elsewhere", admin=True)
        world.fake.groups["S0TEACH"] = [S_TEACHER]
        await world.command(SLACK_ADMIN, "settings teacher-role <!subteam^S0TEACH|@teachers>")
        assert "now count as teachers" in world.last("response_url")["text"]
        wrong = []
        for who, team, line, expected in SLACK_MATRIX:
            world.fake.clear()
            if line.startswith("press "):
                status = await world.click(who, line.split()[1], team=team, ts="1.000001")
            else:
                status = await world.command(who, line, team=team)
            assert status == 200
            text = " ".join(str(b.get("text") or "") for b in world.fake.posted())
            got = verdict(text)
            if got != expected:
                wrong.append((who, team, line, expected, got, text[:120]))
        assert not wrong
