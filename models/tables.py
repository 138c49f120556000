"""SQLModel tables and their Create/Update/Public variants."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.status import Kind, Status

# Timestamps are aware datetimes; sqlmodel stores them in UTC on every database
# and hands them back in UTC, so comparisons are the same on SQLite and PostgreSQL.


class RecordBase(SQLModel):
    title: str
    source: str | None = None  # file path, URL or "api"
    record_date: date | None = None


class RecordCreate(RecordBase):
    text: str


class MeetingRecord(RecordBase, table=True):
    __tablename__ = "meeting_record"
    id: int | None = Field(default=None, primary_key=True)
    text: str
    content_hash: str = Field(unique=True, index=True)
    ingested_at: datetime


class RecordPublic(RecordBase):
    id: int
    content_hash: str
    ingested_at: datetime


class ItemBase(SQLModel):
    title: str
    kind: Kind = Kind.action
    requester: str | None = None
    owner: str | None = None
    counterpart: str | None = None
    due_text: str | None = None
    due_start: date | None = None
    due_end: date | None = None
    evidence: str | None = None
    evidence_start: int | None = None
    evidence_end: int | None = None
    confidence: float = 0.5


class ActionItemCreate(ItemBase):
    """A candidate item, as the extractor or an import proposes it."""


class ActionItem(ItemBase, table=True):
    __tablename__ = "action_item"
    __table_args__ = (
        Index("ix_action_item_status_due_end", "status", "due_end"),
        Index("ix_action_item_owner_status", "owner", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    status: Status = Field(default=Status.proposed)
    version: int = 1
    record_id: int | None = Field(default=None, foreign_key="meeting_record.id", index=True)
    created_at: datetime
    updated_at: datetime
    # Where an imported item came from ("taskwarrior:<uuid>"): importing it again skips it.
    source_key: str | None = Field(default=None, unique=True, index=True)


class ActionItemUpdate(SQLModel):
    """Fields a person may change; None means leave as is."""

    title: str | None = None
    owner: str | None = None
    counterpart: str | None = None
    due_text: str | None = None
    due_start: date | None = None
    due_end: date | None = None


class ActionItemPublic(ItemBase):
    id: int
    status: Status
    version: int
    record_id: int | None
    created_at: datetime
    updated_at: datetime


class ItemMention(SQLModel, table=True):
    """A record that mentions an item: the first one and every later one."""

    __tablename__ = "item_mention"
    __table_args__ = (UniqueConstraint("item_id", "record_id"),)
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="action_item.id", index=True)
    record_id: int = Field(foreign_key="meeting_record.id", index=True)
    evidence: str | None = None
    evidence_start: int | None = None
    evidence_end: int | None = None
    created_at: datetime


class ActionEvent(SQLModel, table=True):
    """One row per change to an item: the audit trail."""

    __tablename__ = "action_event"
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="action_item.id", index=True)
    at: datetime
    actor: str
    kind: str  # created, status-changed, updated, linked, reminded, escalated
    from_status: str | None = None
    to_status: str | None = None
    note: str | None = None
    changes: str | None = None  # JSON object {field: [old, new]}


class ActionEventPublic(SQLModel):
    id: int
    item_id: int
    at: datetime
    actor: str
    kind: str
    from_status: str | None
    to_status: str | None
    note: str | None
    changes: str | None


class NotificationStatus:
    pending = "pending"
    sent = "sent"
    sending = "sending"  # claimed by a dispatcher until next_attempt_at (a lease)
    failed = "failed"  # will be retried at next_attempt_at
    dead = "dead"  # gave up after the configured attempts
    # Not sent, on purpose: by the time it was due to go out it no longer applied (a
    # reminder for an item since closed or rescheduled); last_error says why.
    skipped = "skipped"


class NotificationCreate(SQLModel):
    key: str  # idempotency key: one message per key, ever
    kind: str  # new-item, reminder, overdue, nudge, status-change, digest
    item_id: int | None = None
    tags: str = "default"  # comma-separated apprise tags
    title: str
    # Plain text. None: worded by the dispatcher when it first claims the message, so
    # what people read ("due tomorrow", one-click links) is true when it arrives.
    body: str | None = None
    body_markdown: str | None = None  # chat channels; None: converted from `body`
    body_html: str | None = None  # e-mail; None: converted from `body`
    level: int | None = None  # escalation level of an overdue notice
    context: str | None = None  # JSON: what the wording needs beyond the item (notify/templates)


class Notification(NotificationCreate, table=True):
    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_status_next", "status", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)
    item_id: int | None = Field(default=None, foreign_key="action_item.id", index=True)
    status: str = NotificationStatus.pending
    attempts: int = 0
    next_attempt_at: datetime
    last_error: str | None = None  # redacted: never holds a secret
    claim_token: str | None = None  # which dispatch run holds the lease (see models/outbox.py)
    created_at: datetime
    sent_at: datetime | None = None


class Delivery(SQLModel, table=True):
    """One notification's result at one apprise target (privacy form of its URL)."""

    __tablename__ = "delivery"
    __table_args__ = (UniqueConstraint("notification_id", "target"),)
    id: int | None = Field(default=None, primary_key=True)
    notification_id: int = Field(foreign_key="notification.id", index=True)
    target: str  # apprise's url(privacy=True): no secrets
    status: str = NotificationStatus.pending
    attempts: int = 0
    last_error: str | None = None
    sent_at: datetime | None = None


class ApiTokenPublic(SQLModel):
    """What may be shown of a token: never the token or its hash."""

    id: int
    name: str
    role: str  # viewer, editor or admin
    created_at: datetime
    revoked_at: datetime | None = None


class ApiToken(ApiTokenPublic, table=True):
    """A bearer token for the HTTP API, stored as its SHA-256 only (issue 6)."""

    __tablename__ = "api_token"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    token_hash: str = Field(unique=True, index=True)
