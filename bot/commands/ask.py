"""``ask``: answer a student's question from the knowledge base (typed free text lands here).

Answers are public (the class learns from each other's questions). Each student's questions
in one channel (or thread) are a conversation for a few minutes, so "when did he die?" after
a question about Litvinov is about Litvinov: what each student was asking about is kept in
the database, so any bot process understands the follow-up, and a database outage only
means the question is read afresh. An answer leads short; its buttons open the rest
("More"), a composed view (the arguments on one side), or an entry it lists.

Button ids: ``ask:<entry id>`` opens an entry, ``view:<view>`` a composed answer, and
``more:<view>`` shows an answer whole in place of its short form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.answering.answer import Answer
from bot.answering.conversation import FOLLOW_UP_FOR, reply_to
from bot.answering.engine import AnswerEngine
from bot.answering.respond import open_view
from bot.commands.registry import Option, action, command
from bot.events import Command, Press
from bot.faults import FaultLog, storage_unreachable
from bot.ops.metrics import record_question
from bot.replies import MAX_ACTION_ID, Choice, Reply, private
from bot.storage.conversations import last_subject, remember

if TYPE_CHECKING:
    from bot.app import StudyBot

LABEL_CHARS = 80  # Discord's button label limit
MORE = "More"
GONE = "That answer is no longer in the knowledge base."


def answer_engine(bot: StudyBot) -> AnswerEngine:
    """The bot's one engine over its knowledge base (``bot.service(answer_engine)``)."""
    return AnswerEngine.for_knowledge(bot.kb)


@command("ask", "Ask a question about the essay in your own words.",
         Option("question", "Your question, e.g. `when was the Nazi-Soviet Pact`.", rest=True))
async def ask(bot: StudyBot, cmd: Command) -> list[Reply]:
    engine = bot.service(answer_engine)
    now = bot.clock.now()
    where, who = cmd.place.key, cmd.actor.user_id
    try:  # what the student was asking about: a follow-up's "he" or "it"
        async with bot.db.transaction() as session:
            last = await last_subject(session, where, who, now - FOLLOW_UP_FOR)
    except Exception as exc:  # no storage: still answer, as a fresh question
        if not storage_unreachable(exc):
            raise
        bot.service(FaultLog).report("conversation memory", exc)
        last = None
    turn = reply_to(engine, cmd.args.get("question", ""), engine.by_id.get(last or ""))
    if not turn.answer.question:
        return [private(turn.answer.lead)]
    record_question(outcome(turn.answer))
    if turn.subject is not None or last is not None:
        await _remember(bot, cmd, turn.subject.id if turn.subject else None)
    return [short_reply(turn.answer)]


async def _remember(bot: StudyBot, cmd: Command, entry_id: str | None) -> None:
    try:
        async with bot.db.transaction() as session:
            await remember(session, cmd.actor.tenant_key, cmd.place.key, cmd.actor.user_id,
                           entry_id, bot.clock.now())
    except Exception as exc:
        if not storage_unreachable(exc):
            raise
        bot.service(FaultLog).report("conversation memory", exc)


def outcome(result: Answer) -> str:
    """How the answer went, for ``studybot_questions_total``: sure, close or none."""
    return result.confidence


@action("ask")
async def open_entry(bot: StudyBot, press: Press, parts: list[str]) -> list[Reply]:
    result = open_view(bot.service(answer_engine), f"entry:{parts[0]}") if parts else None
    return [short_reply(result)] if result is not None else [private(GONE)]


@action("view")
async def open_composed(bot: StudyBot, press: Press, parts: list[str]) -> list[Reply]:
    result = open_view(bot.service(answer_engine), ":".join(parts))
    return [short_reply(result)] if result is not None else [private(GONE)]


@action("more")
async def show_more(bot: StudyBot, press: Press, parts: list[str]) -> list[Reply]:
    result = open_view(bot.service(answer_engine), ":".join(parts))
    if result is None:
        return [private(GONE)]
    return [Reply(result.text, choices=_links(result), replace=True, parts=result.parts)]


def short_reply(result: Answer) -> Reply:
    """The answer's lead, with "More" (when there is more) and its views and entries."""
    more = f"more:{result.view}"
    first = (Choice(MORE, more, "primary"),) if result.more and len(more) < MAX_ACTION_ID else ()
    return Reply(result.lead, choices=first + _views(result) + _links(result),
                 parts=result.lead_parts)


def _views(result: Answer) -> tuple[Choice, ...]:
    return tuple(Choice(label[:LABEL_CHARS], f"view:{view}") for label, view in result.views
                 if len(view) + 5 < MAX_ACTION_ID)


def _links(result: Answer) -> tuple[Choice, ...]:
    return tuple(Choice(e.title[:LABEL_CHARS], f"ask:{e.id}") for e in result.links)
