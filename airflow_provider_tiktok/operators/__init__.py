"""TikTok operators."""
