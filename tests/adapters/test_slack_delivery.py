"""Where each kind of reply goes on Slack, checked against the fake Web API with the real
slack_sdk client and bolt's response_url sender."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_bolt.context.respond.async_respond import AsyncRespond

from adapters.slack.app import from_slack, strip_mentions
from adapters.slack.delivery import Target, deliver
from adapters.slack.notifier import web_client
from bot.replies import Attachment, Choice, Reply
from tests.fakes.slack_api import FakeSlack

CSV = Attachment("quiz-1.csv", b"student,right\nAna,3\n", "text/csv")
PNG = Attachment("quiz-1.png", b"\x89PNG chart")


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack().start()
    yield fake
    await fake.close()


def target(fake: FakeSlack, **kw: object) -> Target:
    values: dict[str, object] = {"client": web_client("xoxb-test", fake.api_url),
                                 "channel": "C1", "user_id": "U1",
                                 "respond": AsyncRespond(response_url=fake.response_url("r1"))}
    values.update(kw)
    return Target(**values)  # type: ignore[arg-type]


async def test_private_files_go_to_a_direct_message(fake: FakeSlack) -> None:
    await deliver(target(fake), [Reply("Report for quiz 1", attachments=(CSV, PNG),
                                       private=True)])
    note = fake.calls_to("response_url")[0]
    assert note["response_type"] == "ephemeral" and "direct message" in note["text"]
    assert fake.calls_to("conversations.open")[0]["users"] == "U1"
    complete = fake.calls_to("files.completeUploadExternal")[0]
    assert complete["channel_id"] == "DU1"
    assert set(fake.uploads.values()) == {CSV.data, PNG.data}


async def test_public_files_with_their_text_are_one_upload(fake: FakeSlack) -> None:
    await deliver(target(fake, thread_ts="1.2"), [Reply("Timeline", attachments=(PNG,))])
    complete = fake.calls_to("files.completeUploadExternal")[0]
    assert complete["channel_id"] == "C1" and complete["thread_ts"] == "1.2"
    assert complete["initial_comment"] == "Timeline"
    assert not fake.calls_to("chat.postMessage")


async def test_files_go_to_the_user_when_the_bot_cannot_post_in_the_channel(
        fake: FakeSlack) -> None:
    fake.errors["files.completeUploadExternal"] = "not_in_channel"
    await deliver(target(fake), [Reply("Timeline", attachments=(PNG,))])
    assert [c["channel_id"] for c in fake.calls_to("files.completeUploadExternal")] == [
        "C1", "DU1"]


async def test_replace_edits_the_public_message_the_button_was_on(fake: FakeSlack) -> None:
    await deliver(target(fake, source_ts="9.1"), [Reply("Done", replace=True)])
    update = fake.calls_to("chat.update")[0]
    assert update["channel"] == "C1" and update["ts"] == "9.1"
    assert not fake.calls_to("response_url")


async def test_replace_of_an_ephemeral_message_uses_the_response_url(fake: FakeSlack) -> None:
    await deliver(target(fake, source_ts="9.1", source_ephemeral=True),
                  [Reply("Right!", private=True, replace=True,
                         choices=(Choice("Next", "solo:1:2:0"),))])
    response = fake.calls_to("response_url")[0]
    assert response["replace_original"] is True
    assert response["blocks"][-1]["elements"][0]["action_id"] == "solo:1:2:0"
    assert not fake.calls_to("chat.update")


async def test_a_private_reply_never_replaces_a_public_message(fake: FakeSlack) -> None:
    await deliver(target(fake, source_ts="9.1"), [Reply("Your answer: B", private=True,
                                                        replace=True)])
    assert not fake.calls_to("chat.update")
    response = fake.calls_to("response_url")[0]
    assert response["response_type"] == "ephemeral" and response["replace_original"] is False


async def test_private_without_a_response_url_is_an_ephemeral_message(fake: FakeSlack) -> None:
    await deliver(target(fake, respond=None, thread_ts="5.5"), [Reply("Only you", private=True)])
    ephemeral = fake.calls_to("chat.postEphemeral")[0]
    assert ephemeral["user"] == "U1" and ephemeral["thread_ts"] == "5.5"


async def test_one_failed_reply_does_not_stop_the_rest(fake: FakeSlack) -> None:
    fake.errors["chat.postMessage"] = "channel_not_found"
    await deliver(target(fake, respond=None), [Reply("public"), Reply("mine", private=True)])
    assert fake.calls_to("chat.postEphemeral")


def test_slack_markup_becomes_what_the_person_typed() -> None:
    assert from_slack("hi <@U1|ann> in <#C1|history> see <https://x.y/?a=1&amp;b=2|this> "
                      "&lt;!here&gt; <!here> <!subteam^S1|@teachers>") == (
        "hi @ann in #history see this <!here> @here @teachers")
    assert strip_mentions("<@UBOT> when was <@UBOT|studybot> munich?", "UBOT") == (
        "when was munich?")


@pytest.mark.parametrize(("info", "expected"), [
    (None, True),  # the fake's default: a public channel the bot is in
    ({"is_private": False, "is_member": False}, True),  # chat:write.public
    ({"is_private": True, "is_member": False}, False),
    ({"is_private": True, "is_member": True}, True),
    ({"is_private": False, "is_member": True, "is_archived": True}, False),
])
async def test_where_the_bot_may_post_on_its_own(fake: FakeSlack, info: dict[str, bool] | None,
                                                 expected: bool) -> None:
    from adapters.slack.delivery import can_post
    if info is not None:
        fake.channels["C5"] = {"id": "C5", **info}
    assert await can_post(web_client("xoxb-test", fake.api_url), "C5") is expected
    fake.errors["conversations.info"] = "channel_not_found"
    assert await can_post(web_client("xoxb-test", fake.api_url), "C5") is False
