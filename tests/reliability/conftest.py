"""Adapter fixtures: the fake platforms and the bot started against them."""

from tests.fakes.discord_harness import discord_bot, fake_discord  # noqa: F401
