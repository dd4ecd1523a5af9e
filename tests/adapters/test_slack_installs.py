"""Installable in many workspaces: the OAuth install flow stores the installation in the bot's
own database (slack_sdk's SQLAlchemy stores over our engine), and every request and every post
of the bot's own then uses that workspace's token."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator

import pytest
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, inspect

from bot.app import StudyBot
from bot.clock import FakeClock
from bot.events import Place
from bot.replies import Reply
from bot.storage.db import Database
from knowledge.loader import KnowledgeBase
from tests.adapters.slack_helpers import STUDENTS, TEAM, SlackWorld, latest_quiz, slack_world


@pytest.fixture
async def world(studybot: StudyBot, clock: FakeClock) -> AsyncIterator[SlackWorld]:
    async with slack_world(studybot, clock, bot_token=None, client_id="111.222",
                           client_secret="oauth-secret") as w:
        w.fake.tokens["code-1"] = "xoxb-school-one"
        yield w


async def install(world: SlackWorld, code: str) -> int:
    base = f"http://127.0.0.1:{world.running.port}"
    async with world.http.get(f"{base}/slack/install") as resp:
        assert resp.status == 200
        page = await resp.text()
        cookie = resp.headers["Set-Cookie"].split(";")[0]
    state = re.search(r"state=([\w-]+)", page)
    assert state is not None and "client_id=111.222" in page
    async with world.http.get(f"{base}/slack/oauth_redirect",
                              params={"code": code, "state": state.group(1)},
                              headers={"Cookie": cookie}) as resp:
        return resp.status


async def test_an_installed_workspace_is_served_with_its_own_token(world: SlackWorld) -> None:
    await world.command(STUDENTS[0], "help")  # not installed yet: bolt asks to reinstall
    assert "reinstall" in world.last("response_url")["text"]
    assert not world.fake.calls_to("users.info")
    assert await install(world, "code-1") == 200
    assert world.last("oauth.v2.access")["code"] == "code-1"
    world.fake.clear()
    assert await world.command(STUDENTS[0], "help") == 200
    assert "Ask me anything" in world.last("response_url")["text"]
    users_info = [c for c in world.fake.calls if c.method == "users.info"]
    assert users_info and {c.token for c in users_info} == {"xoxb-school-one"}
    await world.studybot.notifier.post(Place("slack", TEAM, "C1"), Reply("Scheduled"))
    assert world.fake.calls[-1].method == "chat.postMessage"
    assert world.fake.calls[-1].token == "xoxb-school-one"


async def test_two_workspaces_never_see_each_others_data(world: SlackWorld) -> None:
    world.fake.tokens["code-2"] = "xoxb-school-two"
    world.fake.code_teams["code-2"] = "T2"
    assert await install(world, "code-1") == 200
    assert await install(world, "code-2") == 200
    world.fake.add_user("UOTHER", "Other School Head", admin=True)
    await world.command("UTEACH", "quiz start questions=1 seconds=10")
    quiz = await latest_quiz(world.studybot)
    await world.click(STUDENTS[0], f"quiz:{quiz}:0:0", ts="1700000000.000001")
    # the other school can neither answer, stop nor report on the first school's quiz
    await world.click("UOTHER", f"quiz:{quiz}:0:1", ts="1700000000.000001", team="T2")
    assert "no longer does anything" in world.last("response_url")["text"]
    await world.command("UOTHER", "quiz stop", team="T2")
    assert "no quiz running" in world.last("response_url")["text"]
    await world.command("UOTHER", f"report {quiz}", team="T2")
    assert f"There is no quiz #{quiz} in this server." in world.last("response_url")["text"]
    world.clock.advance(11)
    await world.studybot.tick()  # the quiz ends in the first school only
    assert {c.token for c in world.fake.calls if c.method == "chat.update"} == {
        "xoxb-school-one"}
    await world.command("UOTHER", "leaderboard all", team="T2")
    assert "No class quiz points" in world.last("chat.postMessage")["text"]
    assert world.fake.calls[-1].token == "xoxb-school-two"


async def test_uninstalling_deletes_the_workspaces_tokens(world: SlackWorld) -> None:
    assert await install(world, "code-1") == 200
    uninstalled = json.dumps({
        "token": "legacy", "team_id": TEAM, "api_app_id": "A1", "type": "event_callback",
        "event": {"type": "app_uninstalled"}, "event_id": "EvGONE", "event_time": 1})
    assert (await world.send(uninstalled, "application/json"))[0] == 200
    with pytest.raises(LookupError):
        await world.studybot.notifier.post(Place("slack", TEAM, "C1"), Reply("x"))
    await world.command(STUDENTS[0], "help")
    assert "reinstall" in world.last("response_url")["text"]


async def test_a_forged_oauth_state_installs_nothing(world: SlackWorld) -> None:
    base = f"http://127.0.0.1:{world.running.port}"
    async with world.http.get(f"{base}/slack/oauth_redirect",
                              params={"code": "code-1", "state": "made-up"}) as resp:
        assert resp.status >= 400
    assert not world.fake.calls_to("oauth.v2.access")
    with pytest.raises(LookupError):
        await world.studybot.notifier.post(Place("slack", TEAM, "C1"), Reply("x"))


async def test_migration_matches_slack_sdks_tables(studybot: StudyBot) -> None:
    meta = MetaData()
    expected = {
        "slack_installations": SQLAlchemyInstallationStore.build_installations_table(
            meta, "slack_installations"),
        "slack_bots": SQLAlchemyInstallationStore.build_bots_table(meta, "slack_bots"),
        "slack_oauth_states": SQLAlchemyOAuthStateStore.build_oauth_states_table(
            meta, "slack_oauth_states"),
    }
    async with studybot.db.engine.connect() as conn:
        actual = await conn.run_sync(lambda sync: {
            name: [c["name"] for c in inspect(sync).get_columns(name)] for name in expected})
    for name, table in expected.items():
        assert actual[name] == [c.name for c in table.columns], name


async def test_a_retry_reaching_another_process_is_still_run_once(
        studybot: StudyBot, clock: FakeClock, kb: KnowledgeBase, database_url: str) -> None:
    """Two bot processes behind a load balancer, one database: Slack's retry of an event the
    first one took in lands on the second, which skips it."""
    other = StudyBot(kb, await Database.open(database_url), clock)
    try:
        async with slack_world(studybot, clock) as first, slack_world(other, clock) as second:
            body = first.mention_body(STUDENTS[0], "<@UBOT>", event_id="Ev0TWICE")
            assert (await first.send(body, "application/json"))[0] == 200
            retry = {"x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout"}
            assert (await second.send(body, "application/json", headers=retry))[0] == 200
            assert len(first.fake.calls_to("chat.postEphemeral")) == 1
            assert not second.fake.calls_to("chat.postEphemeral")
    finally:
        await other.close()
