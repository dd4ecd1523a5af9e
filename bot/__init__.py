"""The platform-neutral study bot: commands, answering, quizzes, schedules, revision, storage.

Nothing in this package imports a chat platform's SDK; adapters translate to and from it.
"""
