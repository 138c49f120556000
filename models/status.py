"""The action-item state machine: every allowed move is listed here and nowhere else."""

from __future__ import annotations

from enum import Enum

from models.errors import IllegalTransition, InvalidInput


class Status(str, Enum):
    proposed = "proposed"  # extracted, awaiting triage
    open = "open"
    in_progress = "in_progress"
    waiting = "waiting"  # on a counterpart
    done = "done"
    cancelled = "cancelled"
    rejected = "rejected"  # triage said: not a follow-up


class Kind(str, Enum):
    request = "request"
    commitment = "commitment"
    planned_event = "planned_event"
    decision_followup = "decision_followup"
    action = "action"


TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.proposed: frozenset({Status.open, Status.rejected}),
    Status.open: frozenset({Status.in_progress, Status.waiting, Status.done, Status.cancelled}),
    Status.in_progress: frozenset({Status.waiting, Status.done, Status.cancelled, Status.open}),
    Status.waiting: frozenset({Status.in_progress, Status.done, Status.cancelled}),
    # Closed items can be reopened: people close things by mistake.
    Status.done: frozenset({Status.open}),
    Status.cancelled: frozenset({Status.open}),
    Status.rejected: frozenset({Status.proposed}),
}

# Items someone is expected to act on: these get reminders and escalations.
ACTIVE: frozenset[Status] = frozenset({Status.open, Status.in_progress, Status.waiting})
CLOSED: frozenset[Status] = frozenset({Status.done, Status.cancelled, Status.rejected})
# Everything not closed: what `list`, the API and the dashboard show by default, what the sweep reads.
OPEN_LIKE: tuple[Status, ...] = tuple(s for s in Status if s not in CLOSED)


def _parse(enum: type[Enum], value: str, what: str):
    key = value.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return enum(key)
    except ValueError:
        names = ", ".join(member.value for member in enum)
        raise InvalidInput(f"unknown {what} {value!r}; use one of: {names}") from None


def parse_status(value: str) -> Status:
    """The Status named by `value` (case, dashes and spaces forgiven), or InvalidInput."""
    return _parse(Status, value, "status")


def parse_kind(value: str) -> Kind:
    """The Kind named by `value` (case, dashes and spaces forgiven), or InvalidInput."""
    return _parse(Kind, value, "kind")


def allowed_from(current: Status) -> list[str]:
    return sorted(s.value for s in TRANSITIONS[current])


def check_transition(current: Status, requested: Status) -> None:
    """Raise IllegalTransition unless current -> requested is allowed."""
    if requested not in TRANSITIONS[current]:
        raise IllegalTransition(current.value, requested.value, allowed_from(current))
