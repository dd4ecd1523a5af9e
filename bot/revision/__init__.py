"""Each student's own spaced-repetition queue over the quiz question bank (FSRS)."""
