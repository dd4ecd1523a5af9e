"""Answering students' questions from the knowledge base: retrieval, never generated text.

Kept import-light on purpose: ``studybot ask`` imports only what it needs, lazily, so it
answers within a second and a half of being started.
"""
