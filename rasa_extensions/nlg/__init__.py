"""Response generation named in ``endpoints*.yml``: Rasa's own templates, worded from the knowledge files."""
