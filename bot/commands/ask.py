"""``ask``: answer a student's question from the knowledge base (typed free text lands here).

Answers are public (the class learns from each other's questions); "did you mean" and
"related" entries come as buttons that open that entry's answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.answering.answer import Answer, answer, answer_entry
from bot.answering.engine import AnswerEngine
from bot.commands.registry import Option, action, command
from bot.events import Command, Press
from bot.ops.metrics import record_question
from bot.replies import Choice, Reply, private

if TYPE_CHECKING:
    from bot.app import StudyBot

LABEL_CHARS = 80  # Discord's button label limit


def answer_engine(bot: StudyBot) -> AnswerEngine:
    """The bot's one engine over its knowledge base (``bot.service(answer_engine)``)."""
    return AnswerEngine(bot.kb.entries.values())


@command("ask", "Ask a question about the essay in your own words.",
         Option("question", "Your question, e.g. `when was the Nazi-Soviet Pact`.", rest=True))
async def ask(bot: StudyBot, cmd: Command) -> list[Reply]:
    result = answer(bot.service(answer_engine), cmd.args.get("question", ""))
    if not result.question:
        return [private(result.text)]
    record_question(outcome(result))
    return [_reply(result)]


def outcome(result: Answer) -> str:
    """How the answer went, for ``studybot_questions_total``: sure, close or none."""
    return "sure" if result.answered else "none"


@action("ask")
async def open_entry(bot: StudyBot, press: Press, parts: list[str]) -> list[Reply]:
    result = answer_entry(bot.service(answer_engine), parts[0]) if parts else None
    if result is None:
        return [private("That entry is no longer in the knowledge base.")]
    return [_reply(result)]


def _reply(result: Answer) -> Reply:
    offered = result.suggestions if not result.answered else result.related
    choices = tuple(Choice(e.title[:LABEL_CHARS], f"ask:{e.id}") for e in offered)
    return Reply(result.text, choices=choices)
