"""Request and response bodies of the API (tables' Public variants come from models)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import ConfigDict
from sqlmodel import Field, SQLModel

from models import ActionItemPublic, RecordPublic
from models.status import Status
from models.tables import ActionEventPublic, ApiTokenPublic
from models.tokens import Role


class ItemPatch(SQLModel):
    """Fields to change; leave a field out to keep it. `note` goes into the history."""

    model_config = ConfigDict(extra="forbid")
    status: Status | None = None
    owner: str | None = Field(default=None, max_length=200)
    counterpart: str | None = Field(default=None, max_length=200)
    # Not nullable: an item always has a title (leave it out to keep it).
    title: str = Field(default=None, min_length=1, max_length=500)
    due_start: date | None = None
    due_end: date | None = None
    due_text: str | None = Field(default=None, max_length=500)
    note: str | None = Field(default=None, max_length=5000)


class ItemPage(SQLModel):
    items: list[ActionItemPublic]
    total: int
    limit: int
    offset: int


class MentionPublic(SQLModel):
    record_id: int
    record_title: str
    record_date: date | None
    evidence: str | None
    evidence_start: int | None
    evidence_end: int | None


class ItemDetail(ActionItemPublic):
    history: list[ActionEventPublic]
    mentions: list[MentionPublic]


class CommentIn(SQLModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=5000)


class RecordAccepted(SQLModel):
    record_id: int
    ingest_run_id: str | None  # the Prefect flow run that ingested it
    new_record: bool
    created: list[int]
    linked: list[int]


class RecordDetail(RecordPublic):
    text: str
    item_ids: list[int]


class TokenIn(SQLModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    role: Role


class TokenCreated(ApiTokenPublic):
    token: str  # shown once


class Health(SQLModel):
    status: str
    database: str
    time: datetime


class Problem(SQLModel):
    """Every error: `detail` says what to fix."""

    detail: str
    allowed: list[str] | None = None
    current_etag: str | None = None
