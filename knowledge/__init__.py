"""The knowledge base: the pack format, loading and validation. Knows nothing of chat."""
