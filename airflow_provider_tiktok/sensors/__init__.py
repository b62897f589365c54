"""TikTok sensors."""
