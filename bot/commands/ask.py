"""``ask``: answer a student's question from the knowledge base (typed free text lands here).

Answers are public (the class learns from each other's questions), saying who asked what;
where a teacher chose ``settings answers private`` for the channel, each goes only to the
student who asked, with a button to share it (:mod:`bot.commands.share`). Each student's
questions in one channel (or thread) are a conversation for a few minutes, so "when did he
die?" after a question about Litvinov is about Litvinov: what each student was asking about
is kept in the database, so any bot process understands the follow-up, and a database outage
only means the question is read afresh. An answer leads short; its buttons open the rest
("More"), a composed view (the arguments on one side), or an entry it lists.

Button ids: ``ask:<entry id>`` opens an entry, ``view:<view>`` a composed answer, and
``more:<view>`` shows an answer whole in place of its short form.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from bot.answering.answer import Answer
from bot.answering.conversation import FOLLOW_UP_FOR, reply_to
from bot.answering.engine import AnswerEngine
from bot.answering.respond import open_view
from bot.commands.registry import Option, action, command
from bot.commands.settings import answers_private
from bot.commands.share import answer_privately
from bot.events import Command, Press
from bot.faults import FaultLog, storage_unreachable
from bot.ops.metrics import record_question
from bot.replies import MAX_ACTION_ID, Asked, Choice, Reply, private
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
    question = cmd.args.get("question", "")
    turn = reply_to(engine, question, engine.by_id.get(last or ""))
    if not turn.answer.question:
        return [private(turn.answer.lead)]
    record_question(outcome(turn.answer))
    if turn.subject is not None or last is not None:
        await _remember(bot, cmd, turn.subject.id if turn.subject else None)
    return [await _shown(bot, cmd, question, turn.answer)]


async def _shown(bot: StudyBot, cmd: Command, question: str, result: Answer) -> Reply:
    """For the channel, saying who asked; or, where a teacher chose private answers for the
    channel, for the asker alone, with a button to share it."""
    reply = short_reply(result)
    if not await answers_private(bot, cmd.place):
        return replace(reply, asked=Asked(cmd.actor.user_id, question))
    if not result.answered:  # "I don't know", a greeting: nothing worth sharing
        return replace(reply, private=True)
    return await answer_privately(bot, cmd.actor, cmd.place, question, reply)


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
    return [await _opened(bot, press, result)]


@action("view")
async def open_composed(bot: StudyBot, press: Press, parts: list[str]) -> list[Reply]:
    return [await _opened(bot, press, open_view(bot.service(answer_engine), ":".join(parts)))]


async def _opened(bot: StudyBot, press: Press, result: Answer | None) -> Reply:
    """An entry or view opened from a button: for the channel, or only for the presser
    where answers here are private."""
    if result is None:
        return private(GONE)
    return replace(short_reply(result), private=await answers_private(bot, press.place))


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
