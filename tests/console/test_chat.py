"""The terminal chat: the same bot core, typed lines in, plain text out."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from adapters.console.chat import PLACE, PROMPT, ConsoleScreen, chat, handle_line, local_actor
from adapters.launch import choose_platform
from bot.app import StudyBot
from bot.events import Actor
from bot.replies import Attachment, Choice, Reply

ROOT = Path(__file__).resolve().parents[2]
ME = Actor("console", "local", "ana", "ana", is_teacher=True, is_manager=True)


def typing(*lines: str) -> Callable[[str], str]:
    """What the user types, then Ctrl-D."""
    pending = list(lines)

    def read(prompt: str) -> str:
        if not pending:
            raise EOFError
        return pending.pop(0)
    return read


async def run_chat(studybot: StudyBot, tmp_path: Path, *lines: str) -> str:
    out = io.StringIO()
    screen = ConsoleScreen(out, tmp_path)
    await chat(studybot, screen, typing(*lines), ME)
    return out.getvalue()


async def test_a_typed_question_is_answered(studybot: StudyBot, tmp_path: Path) -> None:
    shown = await run_chat(studybot, tmp_path, "when was the nazi soviet pact")
    assert "Nazi-Soviet Pact" in shown and "23 August 1939" in shown
    assert "  1. " in shown and shown.rstrip().endswith("Bye.")


async def test_a_number_presses_the_button_shown(studybot: StudyBot, tmp_path: Path) -> None:
    shown = await run_chat(studybot, tmp_path, "who was molotov", "1", "2")
    assert "  1. More" in shown and 'From the essay: "' in shown  # 1: the whole answer
    second = shown.split("  2. ", 1)[1].splitlines()[0]
    assert shown.count(second) >= 2  # 2: a related entry, then its own answer


async def test_help_and_unknown_commands(studybot: StudyBot, tmp_path: Path) -> None:
    shown = await run_chat(studybot, tmp_path, "/help", "/help ask", "/frobnicate")
    assert "/ask [question]: Ask a question" in shown and "question: Your question" in shown
    assert "Unknown command frobnicate. Type /help for the list." in shown
    assert "`" not in shown and "**" not in shown  # not a terminal: plain text


async def test_quit_leaves_before_later_lines(studybot: StudyBot, tmp_path: Path) -> None:
    shown = await run_chat(studybot, tmp_path, "/quit", "who was molotov")
    assert "Molotov" not in shown and "Bye." in shown


async def test_ctrl_d_leaves_cleanly(studybot: StudyBot, tmp_path: Path) -> None:
    shown = await run_chat(studybot, tmp_path)
    assert shown.rstrip().endswith("Bye.")


async def test_the_bots_own_posts_and_files_reach_the_terminal(tmp_path: Path) -> None:
    out = io.StringIO()
    screen = ConsoleScreen(out, tmp_path / "files")
    ref = await screen.post(PLACE, Reply("Question 1", choices=(Choice("Spain", "quiz:1:a"),)))
    await screen.edit(PLACE, ref, Reply("Question 1: closed"))
    await screen.send_direct("console", "local", "ana", Reply("Time to revise"))
    assert "Question 1\n  1. Spain" in out.getvalue()
    assert "(updated) Question 1: closed" in out.getvalue()
    assert "(to you) Time to revise" in out.getvalue()
    assert screen.pick("1") == (Choice("Spain", "quiz:1:a"), ref)
    assert screen.pick("spain") is not None and screen.pick("spanish") is None
    assert screen.pick("7") == "There is no choice 7: choose 1."
    assert screen.pick("1939") is None  # a year is a question, buttons or not
    screen.show(Reply("Your report", attachments=(Attachment("../r.csv", b"a,b\n", "text/csv"),)))
    assert (tmp_path / "files" / "r.csv").read_bytes() == b"a,b\n"


def test_the_local_user_is_teacher_of_their_own_bot() -> None:
    actor = local_actor()
    assert actor.platform == "console" and actor.tenant == "local" and actor.is_teacher


def test_the_platform_is_chosen_from_the_tokens_set() -> None:
    assert choose_platform("auto", {}) == "console"
    assert choose_platform("auto", {"DISCORD_TOKEN": "x", "SLACK_BOT_TOKEN": "y"}) == "discord"
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_CLIENT_ID"):
        assert choose_platform("auto", {name: "x"}) == "slack"
    assert choose_platform("auto", {"DISCORD_TOKEN": ""}) == "console"
    assert choose_platform("slack", {"DISCORD_TOKEN": "x"}) == "slack"


def test_studybot_console_and_run_in_a_terminal(tmp_path: Path) -> None:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
           "USER": "ana", "STUDYBOT_DATA_DIR": str(tmp_path / "data")}
    for command in (["console"], ["run", "--platform", "console"]):
        done = subprocess.run([sys.executable, "-m", "bot", *command], cwd=ROOT, env=env,
                              input="colectivisation\n/help\n", capture_output=True, text=True,
                              timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        assert "Collectivisation" in done.stdout and "/help [command]" in done.stdout
        assert done.stdout.rstrip().endswith("Bye.")
    assert (tmp_path / "data" / "studybot.sqlite3").exists()


def test_run_with_no_token_and_no_terminal_says_what_to_set(tmp_path: Path) -> None:
    """A container started with no token must not chat with nobody and exit 0."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
           "STUDYBOT_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 2
    assert "Bye" not in done.stdout
    assert "DISCORD_TOKEN" in done.stderr and "SLACK_BOT_TOKEN" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


async def test_a_post_while_the_user_types_gives_the_prompt_back(studybot: StudyBot,
                                                                  tmp_path: Path) -> None:
    """A class quiz's reveal arrives while the user sits at the prompt, half-way through a
    line: it shows on a line of its own, then the prompt and the half-typed line again."""
    out = io.StringIO()
    screen = ConsoleScreen(out, tmp_path)
    studybot.notifier = screen
    assert await handle_line(studybot, screen, ME, "/quiz start spain 1 5")
    assert await handle_line(studybot, screen, ME, "1")
    screen.waiting, screen.typed = PROMPT, lambda: "who was fra"
    out.write(PROMPT + "who was fra")  # as readline has echoed it
    studybot.clock.advance(6)  # type: ignore[attr-defined]
    await studybot.tick()
    shown = out.getvalue()
    assert "Question 1 of 1: the answer" in shown and "Final leaderboard" in shown
    assert shown.endswith(f"Teachers: /report 1 for accuracy per question and student.\n\n"
                          f"{PROMPT}who was fra")
    assert f"{PROMPT}who was fra\nQuestion 1 of 1: the answer" in shown


async def test_a_timeline_replaces_the_pages_of_the_one_before(studybot: StudyBot,
                                                               tmp_path: Path) -> None:
    out = io.StringIO()
    screen = ConsoleScreen(out, tmp_path / "files")
    assert await handle_line(studybot, screen, ME, "/timeline")
    first = {p.name for p in (tmp_path / "files").iterdir()}
    assert first >= {"timeline.png", "timeline-2.png", "timeline-3.png"}
    out.seek(0)
    out.truncate()
    assert await handle_line(studybot, screen, ME, "/timeline 1939 1939")
    saved = {Path(line.split()[1]).name for line in out.getvalue().splitlines()
             if line.startswith("[saved ")}
    assert saved and {p.name for p in (tmp_path / "files").iterdir()} == saved < first


async def test_files_that_cannot_be_saved_say_so(studybot: StudyBot, tmp_path: Path) -> None:
    (tmp_path / "files").write_text("a file where the folder should be")
    screen = ConsoleScreen(io.StringIO(), tmp_path / "files")
    assert await handle_line(studybot, screen, ME, "/timeline 1939 1939")
    assert "[could not save the files: " in screen.out.getvalue()  # type: ignore[attr-defined]


async def test_a_number_no_button_has_keeps_the_revision_card(studybot: StudyBot,
                                                              tmp_path: Path) -> None:
    out = io.StringIO()
    screen = ConsoleScreen(out, tmp_path)
    assert await handle_line(studybot, screen, ME, "/revise")
    card = list(screen.choices)
    assert card and all(c.action_id.startswith("rv:a:") for c in card)
    assert await handle_line(studybot, screen, ME, "9")
    assert f"There is no choice 9: choose 1-{len(card)}." in out.getvalue()
    assert screen.choices == card  # the card is still the one to answer
    assert await handle_line(studybot, screen, ME, "1")
    assert "This card comes back" in out.getvalue() or "Rated Good" in out.getvalue()
