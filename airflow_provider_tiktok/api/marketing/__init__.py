"""Marketing API: async report tasks, synchronous reports, advertisers."""
