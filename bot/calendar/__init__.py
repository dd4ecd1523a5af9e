"""Dates in the knowledge base: "on this day" posts and the timeline picture."""
