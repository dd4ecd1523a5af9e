"""The Slack adapter: slack-bolt (async) over the platform-neutral core.

``app`` turns ``/study`` commands, mentions and button clicks into core events; ``delivery``
and ``render`` turn the core's replies into Block Kit messages; ``notifier`` posts the bot's own
messages; ``people`` decides who is a teacher; ``run`` starts it all (HTTP or Socket Mode).
"""
