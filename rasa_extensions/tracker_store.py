"""SQL tracker store that can truly forget a conversation.

When a client asks to be forgotten, ``action_forget_me`` runs; on the save that
follows, this store deletes every stored event of that sender instead of
appending the new ones. Deleting from inside the action would not work: Rasa
writes the in-memory conversation back after the action returns.
"""

from __future__ import annotations

import logging

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

FORGET_ACTION = "action_forget_me"

logger = logging.getLogger(__name__)


def asked_to_forget(tracker: DialogueStateTracker) -> bool:
    return any(isinstance(event, ActionExecuted) and event.action_name == FORGET_ACTION
               for event in tracker.events)


class ForgetfulSQLTrackerStore(SQLTrackerStore):
    async def save(self, tracker: DialogueStateTracker) -> None:
        if not asked_to_forget(tracker):
            await super().save(tracker)
            return
        with self.session_scope() as session:
            deleted = session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == tracker.sender_id).delete()
            session.commit()
        logger.info("Deleted a conversation on the client's request (%d events).", deleted)
