"""Domain errors, defined once; the API and the CLI translate them at their edges."""

from __future__ import annotations


class FollowupError(Exception):
    """Base of every domain error; its message is what a user reads."""


class NotFound(FollowupError):
    """An id that names nothing."""


class InvalidInput(FollowupError):
    """Input that cannot be used as given; the message says what to fix."""


class IllegalTransition(FollowupError):
    """A status change the state machine does not allow."""

    def __init__(self, current: str, requested: str, allowed: list[str]) -> None:
        self.current, self.requested, self.allowed = current, requested, allowed
        choices = ", ".join(allowed) if allowed else "none"
        super().__init__(
            f"cannot move an item from {current!r} to {requested!r}; allowed: {choices}"
        )


class VersionConflict(FollowupError):
    """The item changed since the caller read it (optimistic locking)."""

    def __init__(self, item_id: int, expected: int, actual: int) -> None:
        self.item_id, self.expected, self.actual = item_id, expected, actual
        super().__init__(
            f"item {item_id} changed since you read it (version {expected}, now {actual}); "
            "read it again and retry"
        )


class SchemaTooNew(FollowupError):
    """The database was migrated by a newer followup than this one."""


def check_window(start, end) -> None:
    """A due window must not end before it starts (dates or None)."""
    if start and end and start > end:
        raise InvalidInput(f"due window starts ({start}) after it ends ({end})")
