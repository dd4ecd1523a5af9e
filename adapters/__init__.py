"""One folder per chat platform, each a thin translation layer over ``bot``."""
