"""Turning away what Slack would never send, before slack-bolt sees it.

Anyone can reach the events URL. A request whose timestamp header is not a number, or whose
signature is wrong, gets 401; a signed one that is not a body of a kind the bot handles (not
JSON, a JSON list, a ``payload=`` that is not an object, fields of the wrong type) gets 400.
Either way one line is logged (a minute, however many arrive) and nothing runs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs

from slack_sdk.signature import SignatureVerifier

#: Digits only, and no more than a timestamp has for centuries to come.
MAX_TIMESTAMP_DIGITS = 12
#: Fields of an event the bot reads; each must be text when present.
EVENT_TEXT_FIELDS = ("type", "user", "text", "channel", "ts", "thread_ts", "bot_id", "team",
                     "event_ts")


class Refused(ValueError):
    """Why a request is turned away, and with which HTTP status."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def check(headers: Mapping[str, str], body: str, signing_secret: str) -> None:
    """Raise :class:`Refused` unless the request is signed and shaped as Slack sends it."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    if not (timestamp.isascii() and timestamp.isdigit()
            and len(timestamp) <= MAX_TIMESTAMP_DIGITS):
        raise Refused(401, "the timestamp header is not a number")
    signature = headers.get("x-slack-signature", "")
    if not SignatureVerifier(signing_secret).is_valid(body, timestamp, signature):
        raise Refused(401, "bad or stale signature")
    check_body(parse(body, headers.get("content-type", "")))


def parse(body: str, content_type: str) -> dict[str, Any]:
    """The request's body as Slack means it: a JSON object, a command's form, or a form's
    ``payload`` JSON object."""
    if "json" in content_type or body.lstrip().startswith(("{", "[")):
        return _object(body, "the body")
    form = {key: values[0] for key, values in parse_qs(body, keep_blank_values=True).items()}
    if "payload" in form:
        return _object(form["payload"], "payload")
    if "ssl_check" in form:
        return form
    for name in ("command", "user_id", "team_id", "channel_id"):
        if not form.get(name):
            raise Refused(400, f"a command without {name}")
    return form


def _object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        raise Refused(400, f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise Refused(400, f"{what} is not a JSON object")
    return value


def check_body(body: dict[str, Any]) -> None:
    kind = body.get("type")
    if "command" in body:
        return  # form fields are always text
    if not isinstance(kind, str):
        raise Refused(400, "no request type")
    _text_fields(body, ("team_id", "event_id", "api_app_id", "challenge"), "")
    if kind == "url_verification" and not isinstance(body.get("challenge"), str):
        raise Refused(400, "a URL check without a challenge")
    if kind == "event_callback":
        event = body.get("event")
        if not isinstance(event, dict):
            raise Refused(400, "an event that is not an object")
        _text_fields(event, EVENT_TEXT_FIELDS, "event.")
    if kind == "block_actions":
        _check_actions(body)


def _check_actions(body: dict[str, Any]) -> None:
    user = body.get("user")
    if not isinstance(user, dict) or not isinstance(user.get("id"), str):
        raise Refused(400, "a button press without a user")
    _text_fields(user, ("team_id", "name", "username"), "user.")
    for name in ("team", "channel", "container", "message"):
        part = body.get(name)
        if part is not None and not isinstance(part, dict):
            raise Refused(400, f"{name} is not an object")
        _text_fields(part or {}, ("id", "channel_id", "message_ts", "thread_ts"), f"{name}.")
    actions = body.get("actions")
    if not isinstance(actions, list) or not all(
            isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in actions):
        raise Refused(400, "actions are not a list of buttons with ids")


def _text_fields(part: Mapping[str, Any], names: tuple[str, ...], prefix: str) -> None:
    for name in names:
        value = part.get(name)
        if value is not None and not isinstance(value, str):
            raise Refused(400, f"{prefix}{name} is not text")
