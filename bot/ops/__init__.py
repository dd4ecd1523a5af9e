"""Operating the bot: logs, metrics, the health and metrics HTTP endpoints."""
