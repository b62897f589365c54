"""TikTok hooks."""
