"""Channel schedules set by teachers: on-this-day posts, revision questions, short quizzes."""
