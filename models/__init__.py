"""Tables, the status state machine, engine and the DB operations. Imports nothing of ours."""

from models.db import init_db, make_engine, session_scope
from models.errors import FollowupError, IllegalTransition, InvalidInput, NotFound, VersionConflict
from models.status import ACTIVE, CLOSED, TRANSITIONS, Kind, Status, parse_status
from models.tables import (
    ActionEvent,
    ActionItem,
    ActionItemCreate,
    ActionItemPublic,
    ActionItemUpdate,
    Delivery,
    ItemMention,
    MeetingRecord,
    Notification,
    NotificationCreate,
    NotificationStatus,
    RecordCreate,
    RecordPublic,
)

__all__ = [
    "ACTIVE", "CLOSED", "TRANSITIONS", "ActionEvent", "ActionItem", "ActionItemCreate",
    "ActionItemPublic", "ActionItemUpdate", "Delivery", "FollowupError", "IllegalTransition",
    "InvalidInput", "ItemMention", "Kind", "MeetingRecord", "NotFound", "Notification",
    "NotificationCreate", "NotificationStatus", "RecordCreate", "RecordPublic", "Status",
    "VersionConflict", "init_db", "make_engine", "parse_status", "session_scope",
]
