"""Quizzes: the question bank, solo practice, teacher-run group quizzes, leaderboards, reports."""
