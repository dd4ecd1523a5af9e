"""``studybot``: the command line. Imports lazily so ``studybot ask`` starts fast."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from bot.files import OutputError
from bot.settings import SettingProblem, apply_config_file
from knowledge.errors import PackError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="studybot",
        description="A study bot for a history essay: answers questions, runs quizzes, "
        "keeps revision going. On Discord, Slack or in this terminal.",
    )
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, target: str, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(target=target)
        return p

    run = add(
        "run",
        "adapters.launch:run_main",
        "Start the bot: Discord or Slack when their tokens are set, else the terminal chat.",
    )
    platform_option(run, "Which platform to serve (default: chosen from the tokens set).")

    add(
        "console",
        "adapters.console.chat:console_main",
        "Open the terminal chat: ask questions, take quizzes, revise.",
    )

    ask = add("ask", "bot.answering.cli:ask_main", "Answer one question from the knowledge base.")
    ask.add_argument(
        "question", nargs="+", help="The question, or - to read one per line from stdin."
    )
    ask.add_argument("--json", action="store_true", help="Print JSON (one object per line).")
    ask.add_argument(
        "--conversation", action="store_true",
        help="Read the questions as one student's conversation in one channel, so follow-ups "
             "(\"when did he die?\") refer to the answer before.")

    kb = add("kb", "knowledge.cli:kb_main", "Check, export and count the knowledge packs.")
    kb_sub = kb.add_subparsers(dest="kb_command", metavar="ACTION", required=True)
    validate = kb_sub.add_parser(
        "validate",
        help="Check packs; print each problem as file:line.",
        description="Check packs; print each problem as file:line.",
    )
    validate.add_argument("paths", nargs="*", help="Pack folders (default: every loaded pack).")
    export = kb_sub.add_parser(
        "export",
        help="Print every entry as a JSON list.",
        description="Print every entry as a JSON list.",
    )
    export.add_argument("--json", action="store_true", help="JSON (the only form; optional).")
    kb_sub.add_parser(
        "stats",
        help="Count entries per kind and pack.",
        description="Count entries per kind and pack.",
    )
    kb_sub.add_parser(
        "schema", help="Print the packs' JSON Schema.", description="Print the packs' JSON Schema."
    )

    quiz = add("quiz", "bot.quiz.cli:quiz_main", "Work with the quiz question bank.")
    quiz_sub = quiz.add_subparsers(dest="quiz_command", metavar="ACTION", required=True)
    qexport = quiz_sub.add_parser(
        "export",
        help="Print generated questions as a JSON list.",
        description="Print generated questions as a JSON list.",
    )
    qexport.add_argument("--json", action="store_true", help="JSON (the only form; optional).")
    qexport.add_argument("--count", type=int, default=10, help="How many questions (default 10).")
    qexport.add_argument("--seed", type=int, default=0, help="The same seed gives the same list.")
    qexport.add_argument("--topic", help="Only questions on this topic (a tag).")

    report = add(
        "report",
        "bot.quiz.reports:report_main",
        "Teachers' quiz reports: accuracy per quiz, student and question.",
    )
    report.add_argument("--tenant", help="Only this tenant (platform:id).")
    report.add_argument("--quiz", type=int, help="One quiz by its number.")
    report.add_argument("--csv", metavar="FILE", help="Write the CSV export here.")
    report.add_argument("--chart", metavar="FILE.png", help="Draw accuracy by question here.")

    otd = add("onthisday", "bot.calendar.cli:onthisday_main", "Events on this day in history.")
    otd.add_argument("--date", metavar="MM-DD", help="Another day than today.")
    otd.add_argument("--json", action="store_true", help="Print JSON.")

    tl = add(
        "timeline", "bot.calendar.cli:timeline_main", "Draw the dated events as a timeline PNG."
    )
    tl.add_argument("--from", dest="start", type=int, metavar="YEAR", help="First year.")
    tl.add_argument("--to", dest="end", type=int, metavar="YEAR", help="Last year.")
    tl.add_argument("--out", default="timeline.png", metavar="FILE.png", help="Where to write it.")

    privacy = add("privacy", "bot.privacy:privacy_main",
                  "See or erase what the bot stores about one user.")
    privacy_sub = privacy.add_subparsers(dest="privacy_command", metavar="ACTION", required=True)
    for name, text in (("export", "Print everything stored about a user, as JSON."),
                       ("delete", "Erase everything stored about a user.")):
        action = privacy_sub.add_parser(name, help=text, description=text)
        action.add_argument("--user", required=True, help="The platform's user id.")
        action.add_argument("--tenant", help="Only in this tenant (platform:id); default: all.")

    add(
        "revise",
        "adapters.console.chat:revise_main",
        "Review your due revision cards in the terminal.",
    )

    config = add("config", "adapters.preflight:config_main", "Check the configuration.")
    config_sub = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    check = config_sub.add_parser(
        "check",
        help="Check every setting, the database and the packs; print them, secrets masked.",
        description="Check every setting (environment variables and studybot.toml), the data "
        "folder, the database and the packs; print the effective settings with secrets masked "
        "and one line per problem (exit status 1 if any).",
    )
    platform_option(check, "Check for this platform (default: chosen from the tokens set).")

    add(
        "health",
        "bot.ops.http:health_main",
        "Ask the bot running on this machine whether it is healthy (exit status 0 if so).",
    )

    invite = add(
        "invite-url",
        "adapters.discord.permissions:invite_main",
        "Print the link that adds the bot to a Discord server, with the permissions it needs.",
    )
    invite.add_argument(
        "--client-id", help="The Application ID (default: read from DISCORD_TOKEN)."
    )
    return parser


def platform_option(parser: argparse.ArgumentParser, help: str) -> None:
    parser.add_argument(
        "--platform", choices=["auto", "discord", "slack", "console"], default="auto", help=help
    )


class _Version(argparse.Action):
    """``--version``: looked up only when asked for, so other commands start no slower."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="Print the version and leave.")

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        print(f"studybot {_version()}")
        parser.exit()


def _version() -> str:
    """The installed package's version (pyproject.toml), or a note when run from a checkout
    that was never installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("studybot")
    except PackageNotFoundError:
        return "(not installed)"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    module_name, _, func_name = args.target.partition(":")
    try:
        apply_config_file()  # studybot.toml, where the environment has no value of its own
        func = getattr(importlib.import_module(module_name), func_name)
        return int(func(args) or 0)
    except SettingProblem as problem:  # one line naming the setting, never a traceback
        print(f"studybot: {problem}", file=sys.stderr)
        return 2
    except PackError as exc:
        print(
            "The knowledge base has problems; the bot will not start on part of it:",
            file=sys.stderr,
        )
        print(exc, file=sys.stderr)
        return 1
    except OutputError as exc:
        print(f"studybot {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0
