"""Rasa input channels as the clinic runs them (named in ``credentials*.yml``).

``web`` holds the REST and socket.io channels of the website widget; ``telegram``,
``facebook``, ``twilio`` (SMS and WhatsApp) and ``slack`` hold Rasa's messaging
connectors with what a clinic's clients need added:

- A message never goes unanswered (``never_silent``), as on the web.
- Every webhook is authenticated before anything is read: Telegram's secret-token
  header, Messenger's and Slack's signatures (Rasa's own checks, now answered with
  403), and Twilio's signature, which Rasa does not check at all (``webhooks``).
- Replies are sent whole instead of one chat bubble per paragraph; only the
  platform's length limit splits them (``bot.plain_text``).
- SMS and WhatsApp cannot show buttons: options become a numbered list, and "2" or
  the option's words pick it. Messenger shows up to 11 quick replies instead of
  silently dropping more than three buttons.
"""
