"""Rasa plug-ins, one package per extension point. Thin: the logic lives in ``bot/``.

- ``nlu/``: NLU components named in ``config.yml`` (input guard, vocabulary
  resolver, FAQ-only response selector).
- ``channels/``: input channels named in ``credentials*.yml`` (web: REST and
  socket.io; messaging: Telegram, Messenger, Twilio SMS and WhatsApp, Slack).
- ``nlg/``: the response generator named in ``endpoints*.yml`` (FAQ answers and
  small talk worded from the knowledge files, in the Rasa server).
- ``stores/``: tracker store and lock store named in ``endpoints*.yml``, and the
  in-memory cache of warm conversations.
- ``speedups/``: every patch to Rasa's internals, behind one guarded ``install()``.
- ``retention``: the ``make forget-old`` command (no TensorFlow needed).

Importing this package changes nothing in Rasa.
"""
