"""Sending the core's replies to Slack: where each one goes and by which API call.

- public: ``chat.postMessage`` (in the thread, if any); if the bot may not post there (not a
  member of a private channel, a DM between others), the slash command's ``response_url``
  posts it in the channel instead.
- private: the ``response_url`` as an ephemeral message when Slack gave one (slash commands
  and buttons), else ``chat.postEphemeral``.
- replace: ``chat.update`` of the message whose button was pressed, or the ``response_url``
  with ``replace_original`` when that message was ephemeral. A private reply never replaces a
  public message: that would show one student's answer to the class. An answer replacing one
  that said who asked ("More") keeps that line.
- attachments: ``files_upload_v2`` into the channel, or into a direct message with the user
  when the reply is private (Slack has no ephemeral files).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

import aiohttp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.render import blocks, fallback_text
from bot.replies import Asked, Attachment, Part, Reply

log = logging.getLogger(__name__)

#: Errors meaning "the bot cannot post in this conversation", answered with a fallback.
CANNOT_POST = {"not_in_channel", "channel_not_found", "is_archived", "restricted_action"}


@dataclass(frozen=True, slots=True)
class Target:
    """Everything needed to answer one person's command, mention or click."""

    client: AsyncWebClient
    channel: str
    user_id: str
    thread_ts: str | None = None
    respond: AsyncRespond | None = None
    source_ts: str | None = None  # the message whose button was pressed
    source_ephemeral: bool = False
    source_asked: Asked | None = None  # who asked, when that message said so


def message(reply: Reply) -> dict[str, Any]:
    """The ``text`` and ``blocks`` arguments every Slack message call takes."""
    return {"text": fallback_text(reply), "blocks": blocks(reply)}


async def deliver(target: Target, replies: list[Reply]) -> None:
    """Send each reply; one that Slack refuses is logged and the others still go."""
    for reply in replies:
        try:
            await _deliver_one(target, reply)
        except SlackApiError as error:
            log.error("could not deliver a reply in %s: %s", target.channel,
                      error.response.get("error"))
        except (SlackClientError, aiohttp.ClientError, TimeoutError):
            log.exception("could not reach Slack to deliver a reply in %s", target.channel)


async def _deliver_one(target: Target, reply: Reply) -> None:
    if reply.replace and _can_replace(target, reply):
        await _replace(target, reply)
        if reply.attachments and (reply.private or target.source_ephemeral):
            await _send_files_privately(target, reply)
        elif reply.attachments:
            await _upload(target.client, target.channel, target.thread_ts, _files_only(reply))
    elif reply.private:
        await _private(target, reply)
        if reply.attachments:
            await _send_files_privately(target, reply)
    else:
        await _public(target, reply)


def _can_replace(target: Target, reply: Reply) -> bool:
    if target.source_ephemeral:
        return target.respond is not None
    return target.source_ts is not None and not reply.private


async def _replace(target: Target, reply: Reply) -> None:
    if target.source_ephemeral and target.respond is not None:
        await target.respond(**message(reply), replace_original=True)
        return
    assert target.source_ts is not None  # _can_replace checked it
    if target.source_asked is not None and reply.parts and reply.asked is None:
        reply = replace(reply, asked=target.source_asked)  # "More" still says who asked
    await target.client.chat_update(channel=target.channel, ts=target.source_ts,
                                    **message(reply))


async def _private(target: Target, reply: Reply) -> None:
    note = replace(reply, text=reply.text + _files_note(reply), private=True,
                   parts=reply.parts + _files_part(reply))
    if target.respond is not None:
        await target.respond(**message(note), response_type="ephemeral",
                             replace_original=False)
        return
    await target.client.chat_postEphemeral(channel=target.channel, user=target.user_id,
                                           thread_ts=target.thread_ts, **message(note))


async def _public(target: Target, reply: Reply) -> None:
    if reply.attachments and not reply.choices:
        # one message: the files with the text as their comment
        if await _upload(target.client, target.channel, target.thread_ts, reply):
            return
        await _send_files_privately(target, reply)
        return
    try:
        await target.client.chat_postMessage(channel=target.channel, thread_ts=target.thread_ts,
                                             **message(reply))
    except SlackApiError as error:
        if error.response.get("error") not in CANNOT_POST or target.respond is None:
            raise
        await target.respond(**message(reply), response_type="in_channel",
                             replace_original=False)
    if reply.attachments:
        await _upload(target.client, target.channel, target.thread_ts, _files_only(reply))


async def _send_files_privately(target: Target, reply: Reply) -> None:
    dm = await open_dm(target.client, target.user_id)
    await _upload(target.client, dm, None, reply)


async def can_post(client: AsyncWebClient, channel: str) -> bool:
    """Whether the bot may post in ``channel`` later on its own (quiz questions, schedules):
    any public channel (``chat:write.public``), a private one only once it is a member."""
    try:
        info = (await client.conversations_info(channel=channel))["channel"]
    except SlackApiError as error:
        return error.response.get("error") not in {"channel_not_found", "not_in_channel"}
    if info.get("is_archived"):
        return False
    return bool(info.get("is_member")) or not (info.get("is_private") or info.get("is_im")
                                                or info.get("is_mpim"))


async def open_dm(client: AsyncWebClient, user_id: str) -> str:
    """The id of the bot's direct-message conversation with ``user_id``."""
    opened = await client.conversations_open(users=user_id)
    return str(opened["channel"]["id"])


async def _upload(client: AsyncWebClient, channel: str, thread_ts: str | None,
                  reply: Reply) -> bool:
    """Upload the reply's files in one go; False when the bot may not post there."""
    comment = fallback_text(reply) if reply.text or reply.title else None
    try:
        await client.files_upload_v2(
            file_uploads=[_upload_item(a) for a in reply.attachments], channel=channel,
            thread_ts=thread_ts, initial_comment=comment)
    except SlackApiError as error:
        if error.response.get("error") in CANNOT_POST:
            return False
        raise
    return True


def _upload_item(attachment: Attachment) -> dict[str, Any]:
    return {"content": attachment.data, "filename": attachment.filename,
            "title": attachment.filename}


def _files_only(reply: Reply) -> Reply:
    return Reply("", attachments=reply.attachments)


def _files_part(reply: Reply) -> tuple[Part, ...]:
    return (Part("context", _files_note(reply).strip()),) if reply.parts and reply.attachments \
        else ()


def _files_note(reply: Reply) -> str:
    if not reply.attachments:
        return ""
    names = ", ".join(a.filename for a in reply.attachments)
    return f"\n(I've sent you {names} in a direct message.)"
