"""The project's NLU components, named in ``config.yml``: input guard, vocabulary resolver, FAQ selector.

Rasa imports this package whenever it loads (or trains) the project's model: in the
server, the terminal chat and the tests. That makes it the one place the speedups
are installed (``rasa_extensions/speedups``: guarded by Rasa's version and
``RASA_SPEEDUPS``).
"""

from rasa_extensions import speedups

speedups.install()
