"""HTTP core: clients (sync on requests, async on httpx), envelope, error taxonomy, retry policy, pager."""
