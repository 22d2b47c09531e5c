"""Where conversations and their locks are kept (named in ``endpoints*.yml``)."""
