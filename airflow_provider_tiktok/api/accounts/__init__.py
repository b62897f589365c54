"""Accounts API: TikTok business accounts."""
