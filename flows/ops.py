"""Plain operations shared by flows, the CLI and the API (no Prefect here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from config import Policy, Settings
from extraction import ExtractionResult, extract
from extraction.linking import Known, LinkPlan, plan_links
from flows import events
from models import ActionItemPublic, ActionItemUpdate, Status
from models.changes import change_item_row
from models import items as item_ops
from models import records as record_ops
from notify import Routing, queue_item_notices, queue_status_change

# Whoever changes items through here (CLI, flows, the HTTP API) emits their Prefect events.
events.install()


@dataclass
class IngestSummary:
    record_id: int
    title: str
    source: str | None
    record_date: date | None
    new_record: bool
    created: list[int] = field(default_factory=list)
    linked: list[int] = field(default_factory=list)
    done_proposed: list[int] = field(default_factory=list)  # known items this record reports done
    notifications: int = 0


def extract_text(text: str, *, settings: Settings, source: str | None = None, title: str | None = None,
                 use_model: bool = True) -> tuple[ExtractionResult, str | None]:
    """The rules' items, or the model's where FOLLOWUP_LLM_URL is set; a note says when the rules stood in."""
    if not (use_model and settings.llm_url):
        return extract(text, source=source, title=title), None
    import httpx

    from extraction.llm import LLMConfig, extract_llm

    key = settings.llm_key.get_secret_value() if settings.llm_key else None
    config = LLMConfig(url=settings.llm_url, model=settings.llm_model, key=key, timeout=settings.llm_timeout)
    with httpx.Client() as client:
        res = extract_llm(text, client=client, config=config, source=source, title=title)
    return res.result, res.note


def store_extraction(*, session: Session, result: ExtractionResult, now: datetime,
                     policy: Policy, routing: Routing) -> IngestSummary:
    """Save a record with its items and queue their notices, in one transaction."""
    if record_ops.get_record_by_hash(session=session, digest=record_ops.content_hash(result.record.text)):
        plan = LinkPlan()  # the same text again creates nothing: no need to read every open item
    else:
        known = [Known(*row) for row in item_ops.open_items_for_linking(session=session)]
        plan = plan_links(result.record.text, result.items, known)
    ing = record_ops.ingest_record(session=session, record_in=result.record, items_in=result.items,
                                 now=now, auto_accept=policy.auto_accept_confidence,
                                 matches=plan.matches, reports=plan.reports)
    queued = []
    if ing.created:
        queued = queue_item_notices(session=session, items=ing.created, routing=routing,
                                    policy=policy, now=now)
    rec = ing.record
    return IngestSummary(record_id=rec.id, title=rec.title, source=rec.source,
                         record_date=rec.record_date, new_record=ing.new_record,
                         created=[i.id for i in ing.created], linked=[i.id for i in ing.linked],
                         done_proposed=[i.id for i in ing.done_proposed],
                         notifications=len(queued))


def change_item(*, session: Session, item_id: int, now: datetime, actor: str,
                routing: Routing, policy: Policy, status: Status | None = None,
                note: str | None = None, item_in: ActionItemUpdate | None = None,
                expected_version: int | None = None) -> ActionItemPublic:
    """Edit fields and/or move status, audited, with a status-change notice; the item as it
    is now (a plain model: an ORM item of it in `session` is expired).

    `expected_version` guards the whole change: if the item moved on since the
    caller read it, nothing is written (VersionConflict).
    """
    fields = item_in.model_dump(exclude_unset=True) if item_in else {}
    item, before = change_item_row(session=session, item_id=item_id, now=now, actor=actor,
                                   status=status, note=note, fields=fields,
                                   expected_version=expected_version)
    if status is not None:
        queue_status_change(session=session, item=item, from_status=before, to_status=status,
                            actor=actor, note=note, routing=routing, policy=policy, now=now)
    return item
