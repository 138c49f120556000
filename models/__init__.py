"""Tables, the status state machine, engine and the DB operations. Imports nothing of ours.

Names are loaded on first use (PEP 562), so that a light submodule (models.query,
models.schema, models.errors) can be imported without SQLModel and the tables.
"""

from importlib import import_module

_HOME = {
    "models.db": ("init_db", "session_scope"),
    "models.engine": ("make_engine",),
    "models.errors": ("FollowupError", "IllegalTransition", "InvalidInput", "NotFound",
                      "VersionConflict"),
    "models.status": ("ACTIVE", "CLOSED", "OPEN_LIKE", "TRANSITIONS", "Kind", "Status", "parse_status"),
    "models.tables": ("ActionEvent", "ActionItem", "ActionItemCreate", "ActionItemPublic",
                      "ActionItemUpdate", "Delivery", "ItemMention", "MeetingRecord", "Notification",
                      "NotificationCreate", "NotificationStatus", "RecordCreate", "RecordPublic"),
}
_WHERE = {name: module for module, names in _HOME.items() for name in names}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'models' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # the next lookup is an ordinary one
    return value
