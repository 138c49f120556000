"""Meeting records: stored once by content, with their items created or linked."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, select

from models.clock import as_utc
from models.errors import NotFound
from models.items import audit, create_item, find_matching_item, update_item
from models.status import CLOSED, Status
from models.tables import ActionItem, ActionItemCreate, ActionItemUpdate, ItemMention, MeetingRecord, RecordCreate


def content_hash(text: str) -> str:
    """Hash of the text with line endings and outer white space normalised."""
    norm = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


@dataclass
class IngestResult:
    record: MeetingRecord
    new_record: bool
    created: list[ActionItem] = field(default_factory=list)
    linked: list[ActionItem] = field(default_factory=list)
    done_proposed: list[ActionItem] = field(default_factory=list)


@dataclass(frozen=True)
class ItemReport:
    """A sentence of a new record about a known item that is not an item of its own."""

    item_id: int
    evidence: str
    start: int
    end: int
    done: bool  # the record reports it finished: propose `done` for review
    progress: bool = False  # the record reports it under way ("the draft was sent"): a status hint
    due_text: str | None = None  # a new time for it ("moved to 8-10 February")
    due_start: date | None = None
    due_end: date | None = None


def get_record_by_hash(*, session: Session, digest: str) -> MeetingRecord | None:
    return session.exec(select(MeetingRecord).where(MeetingRecord.content_hash == digest)).first()


def record_titles(*, session: Session, ids) -> dict[int, str]:
    """{record id: title} of the records `ids` name (None ids are ignored)."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(session.exec(select(MeetingRecord.id, MeetingRecord.title)
                             .where(col(MeetingRecord.id).in_(ids))).all())


def get_record(*, session: Session, record_id: int) -> MeetingRecord:
    record = session.get(MeetingRecord, record_id)
    if record is None:
        raise NotFound(f"no record with id {record_id}")
    return record


def ingest_record(*, session: Session, record_in: RecordCreate, items_in: list[ActionItemCreate],
                  now: datetime, actor: str = "extractor", auto_accept: float | None = None,
                  matches: dict[int, int] | None = None,
                  reports: list[ItemReport] | None = None) -> IngestResult:
    """Store a record and its items; the same text twice creates nothing new.

    Items with confidence >= `auto_accept` start `open`, the rest `proposed`.
    An item that matches a known one (`matches`: index in items_in -> item id;
    without `matches`, the same title) is linked to it instead of duplicated. `reports` are
    sentences about known items: each becomes a mention, a moved due window an
    update, and a report of it done a `done-proposed` event for a person to confirm.
    """
    at = as_utc(now)
    digest = content_hash(record_in.text)
    existing = get_record_by_hash(session=session, digest=digest)
    if existing is not None:
        return IngestResult(record=existing, new_record=False)
    record = MeetingRecord(**record_in.model_dump(), content_hash=digest, ingested_at=at)
    session.add(record)
    session.flush()
    result = IngestResult(record=record, new_record=True)
    for n, item_in in enumerate(items_in):
        hint = (matches or {}).get(n)
        known = session.get(ActionItem, hint) if hint is not None else None
        if matches is None:  # no topic matching was done: fall back to the same title
            known = find_matching_item(session=session, item_in=item_in)
        if known is not None:
            link_item(session=session, item=known, record=record, item_in=item_in, now=at, actor=actor)
            result.linked.append(known)
            continue
        status = Status.open if auto_accept is not None and item_in.confidence >= auto_accept \
            else Status.proposed
        result.created.append(create_item(session=session, item_in=item_in, record_id=record.id,
                                          now=at, actor=actor, status=status))
    for rep in reports or []:
        item = session.get(ActionItem, rep.item_id)
        if item is None or item in result.linked:
            continue
        _report(session, item, record, rep, at, actor)
        result.linked.append(item)
        if rep.done:
            result.done_proposed.append(item)
    return result


def _report(session: Session, item: ActionItem, record: MeetingRecord, rep: ItemReport, at: datetime,
            actor: str) -> None:
    link_item(session=session, item=item, record=record, now=at, actor=actor,
              item_in=ActionItemCreate(title=item.title, evidence=rep.evidence, evidence_start=rep.start,
                                       evidence_end=rep.end, due_text=rep.due_text, due_start=rep.due_start,
                                       due_end=rep.due_end))
    quote = " ".join(rep.evidence.split())[:200]
    if rep.progress:
        audit(session, item, kind="progress-reported", actor=actor, at=at,
               note=f"record {record.id} reports progress: \"{quote}\"")
    elif rep.done and Status(item.status) not in CLOSED:
        # Only a proposal: the status stays as it is until a person confirms.
        audit(session, item, kind="done-proposed", actor=actor, at=at,
               note=f"record {record.id} reports it done, confirm or ignore: \"{quote}\"")


def link_item(*, session: Session, item: ActionItem, record: MeetingRecord,
              item_in: ActionItemCreate, now: datetime, actor: str) -> ItemMention:
    """Attach a later mention; a moved due window is recorded as a change."""
    at = as_utc(now)
    mention = ItemMention(item_id=item.id, record_id=record.id, evidence=item_in.evidence,
                          evidence_start=item_in.evidence_start,
                          evidence_end=item_in.evidence_end, created_at=at)
    session.add(mention)
    audit(session, item, kind="linked", actor=actor, at=at, note=f"mentioned in record {record.id}")
    if item_in.due_end and (item_in.due_start, item_in.due_end) != (item.due_start, item.due_end):
        update_item(session=session, item_id=item.id, actor=actor, now=at,
                    item_in=ActionItemUpdate(due_start=item_in.due_start, due_end=item_in.due_end,
                                             due_text=item_in.due_text),
                    note=f"due window changed by record {record.id}")
    return mention


