"""What the simulated clients say to each bot, and what a right answer contains.

Each turn carries an optional expected fragment of the reply (lower case), so the
benchmark counts wrong answers separately from failed requests: a fast reply that
is the wrong one is not a result.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Turn:
    text: str
    expect: str | None = None  # a lower-case fragment the joined reply texts must contain


@dataclass(frozen=True)
class Target:
    """One bot under test: its short name, its conversations and its cold-start probe."""

    name: str
    conversation: tuple[Turn, ...]
    long_conversation: tuple[Turn, ...]
    hello: Turn


# A full self-assessment: consent, red-flag screening, location and activity in one
# message, how it feels, score, duration, inflammation, treatment so far, the intake, the result, one FAQ and a goodbye.
RESULT_TURN = Turn("none of these", "quadratus lumborum")  # the intake answered: the result
PROJECT_CONVERSATION = (
    Turn("hi", "not a diagnosis"),
    Turn("yes lets start", "safety check"),
    Turn("no none of those", "where"),
    Turn("my lower back hurts on the left when i lift boxes", "how does it feel"),
    Turn("just a dull ache", "0"),
    Turn("about a 6", "how long"),
    Turn("3 weeks", "swelling"),
    Turn("no", "treatment for this pain"),
    Turn("not yet", "for your therapist"),
    RESULT_TURN,
    Turn("how many sessions will i need?", "four"),
    Turn("thanks bye", "take care"),
)

# After the result the client keeps asking questions: ten FAQ and small-talk turns,
# repeated, so turn 40 sends the same text as turn 10 and the ten turns before it.
_PROJECT_FOLLOW_UPS = (
    Turn("how many sessions will i need?", "four"),
    Turn("what is neuromuscular therapy?", "trigger point"),
    Turn("is massage safe for me?", "low risk"),
    Turn("what exercises can i do at home?", "yoga"),
    Turn("are you a bot?", None),
    Turn("what should i expect during a session?", "good pain"),
    Turn("does massage actually work for back pain?", "research"),
    Turn("how do i find a therapist?", "directory"),
    Turn("what are the benefits of massage?", "circulation"),
    Turn("thank you", None),
)
# Up to the result (the FAQ turns must come after it, outside the form), then the follow-ups.
PROJECT_LONG = PROJECT_CONVERSATION[:PROJECT_CONVERSATION.index(RESULT_TURN) + 1] + _PROJECT_FOLLOW_UPS * 4  # 50 turns

# The moodbot of `rasa init`: greet, mood_unhappy, affirm/deny, goodbye, bot_challenge.
STARTER_CONVERSATION = (
    # The sad path that ends in a goodbye comes first, exactly as in the starter's stories: one
    # trained starter model answered a later "no" with nothing at all.
    Turn("hi", "how are you"),
    Turn("my day was horrible", "did that help"),
    Turn("no", "bye"),
    Turn("hello", "how are you"),
    Turn("i am sad", "did that help"),
    Turn("yes", "carry on"),
    Turn("are you a bot?", "i am a bot"),
    Turn("hello", "how are you"),
    Turn("bye", "bye"),
)

# Five turns repeated: turn 40 sends the same text as turn 5 and turn 35.
_STARTER_CYCLE = (
    Turn("hello", "how are you"),
    Turn("i am so sad", "did that help"),
    Turn("yes", "carry on"),
    Turn("are you a bot?", "i am a bot"),
    Turn("goodbye", "bye"),
)
STARTER_LONG = _STARTER_CYCLE * 9  # 45 turns

PROJECT = Target("project", PROJECT_CONVERSATION, PROJECT_LONG, Turn("hi", "not a diagnosis"))
STARTER = Target("starter", STARTER_CONVERSATION, STARTER_LONG, Turn("hi", "how are you"))
