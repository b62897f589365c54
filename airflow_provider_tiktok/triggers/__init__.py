"""TikTok triggers."""
