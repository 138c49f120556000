"""Items: list, read with history, change with If-Match, comment."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Query, Response
from sqlmodel import Session

from api.deps import AppState, Db, Editor, Id, State, Viewer
from api.writes import write
from api.schemas import CommentIn, ItemDetail, ItemPage, ItemPatch, MentionPublic, Problem
from flows.ops import change_item
from models import ActionItem, ActionItemPublic, ActionItemUpdate, InvalidInput, Kind, Status
from models import items as item_ops
from models.changes import read_item
from models.status import OPEN_LIKE
from models.tables import ActionEventPublic, ApiToken

router = APIRouter(tags=["items"])
PUBLIC_COLUMNS = tuple(ActionItemPublic.model_fields)
ERRORS = {s: {"model": Problem} for s in (401, 403, 404, 429)}


def etag(item: ActionItem | ActionItemPublic) -> str:
    """The item's version is its entity tag."""
    return f'"{item.version}"'


def if_match_versions(value: str | None) -> list[int] | None:
    """The versions If-Match names (None: no precondition; weak tags never match, RFC 9110)."""
    if value is None or value.strip() == "*":
        return None
    wanted = []
    for tag in (t.strip() for t in value.split(",")):
        digits = tag[1:-1]
        if len(tag) > 2 and tag[0] == '"' and tag[-1] == '"' and digits.isdigit():
            wanted.append(int(digits))
    return wanted


def expected_version(db: Session, item_id: int, value: str | None) -> int | None:
    """The version a change must find (None: any); one tag, the usual case, needs no read:
    a stale one fails the change's compare-and-set (VersionConflict, 412). Several tags,
    or none usable, are checked against the item here (412 if none is its version)."""
    wanted = if_match_versions(value)
    if wanted is None or len(wanted) == 1:
        return wanted[0] if wanted else None
    version = read_item(session=db, item_id=item_id)["version"]
    if version not in wanted:
        raise HTTPException(412, f"item {item_id} changed since you read it (If-Match {value}, "
                                 f'now "{version}"); GET it again and retry',
                            headers={"ETag": f'"{version}"'})
    return version


@router.get("/items", response_model=ItemPage, responses=ERRORS)
def list_items(_: Viewer, db: Db, st: State,
               status: Annotated[list[Status] | None, Query(description="Repeatable; default: not closed.")] = None,
               all: Annotated[bool, Query(description="Include done, cancelled and rejected items.")] = False,
               owner: Annotated[str | None, Query(max_length=200, description="Owner contains this.")] = None,
               counterpart: Annotated[str | None, Query(max_length=200)] = None,
               kind: Kind | None = None,
               overdue: Annotated[bool, Query(description="Active and past the due window's end.")] = False,
               due_before: date | None = None, due_after: date | None = None,
               q: Annotated[str | None, Query(max_length=200, description="Text in title, evidence or due text.")] = None,
               sort: Annotated[str, Query(pattern=r"^-?(due|updated|created|id|title|status|owner)$")] = "due",
               limit: Annotated[int, Query(ge=1, le=500)] = 50,
               offset: Annotated[int, Query(ge=0, le=10**9)] = 0) -> Response:
    """Items matching every filter given, sorted (`-` reverses), a page at a time."""
    statuses = status or ([] if all else list(OPEN_LIKE))
    today = st.clock().astimezone(st.policy.zone).date()
    filters = dict(status=statuses, owner=owner, counterpart=counterpart,
                   kind=kind.value if kind else None, overdue_on=today if overdue else None,
                   due_before=due_before, due_after=due_after, text=q)
    # Plain rows, not ORM items, validated once and serialised here: FastAPI would
    # validate the page a second time against response_model (4/5 of a page's CPU went
    # to ORM loading and the two validations).
    rows = item_ops.list_items(session=db, limit=limit, offset=offset, sort=sort,
                               columns=PUBLIC_COLUMNS, **filters)
    total = item_ops.count_items(session=db, **filters)
    page = ItemPage(items=[r._asdict() for r in rows], total=total, limit=limit, offset=offset)
    return Response(page.model_dump_json(), media_type="application/json")


def _detail(db, item: ActionItem) -> ItemDetail:
    history = item_ops.item_history(session=db, item_id=item.id)
    mentions = item_ops.item_mentions(session=db, item_id=item.id)
    return ItemDetail(
        **ActionItemPublic.model_validate(item).model_dump(),
        history=[ActionEventPublic.model_validate(e) for e in history],
        mentions=[MentionPublic(record_id=r.id, record_title=r.title, record_date=r.record_date,
                                evidence=m.evidence, evidence_start=m.evidence_start,
                                evidence_end=m.evidence_end) for m, r in mentions])


@router.get("/items/{item_id}", response_model=ItemDetail, responses=ERRORS | {304: {"description": "Not modified"}})
def get_item(item_id: Id, _: Viewer, db: Db, response: Response,
             if_none_match: Annotated[str | None, Header(description="304 if the item still has this ETag.")] = None,
             ) -> ItemDetail | Response:
    """One item with its history and every record that mentions it; ETag is its version."""
    item = item_ops.get_item(session=db, item_id=item_id)
    if if_none_match is not None and etag(item) in (t.strip().removeprefix("W/") for t in if_none_match.split(",")):
        return Response(status_code=304, headers={"ETag": etag(item)})
    response.headers["ETag"] = etag(item)
    return _detail(db, item)


@router.patch("/items/{item_id}", response_model=ActionItemPublic,
              responses=ERRORS | {409: {"model": Problem}, 412: {"model": Problem}})
async def patch_item(item_id: Id, patch: ItemPatch, token: Editor, st: State,
                     if_match: Annotated[str | None, Header(description='The ETag you read, e.g. "3".')] = None,
                     ) -> Response:
    """Change status and/or fields. With If-Match, a stale ETag gets 412 and nothing changes;
    a move the state machine forbids gets 409 with the allowed ones. Answers the item
    (its history is on GET: returning it here would grow with every change)."""
    return await apply_patch(st, token, item_id, patch, if_match)


async def apply_patch(st: AppState, token: ApiToken, item_id: int, patch: ItemPatch,
                      if_match: str | None) -> Response:
    """PATCH /items/{id} once its request is checked (here, or by api/fastpatch.py)."""
    fields = patch.model_dump(exclude_unset=True, exclude={"status", "note"})
    if not fields and patch.status is None and not patch.note:
        raise InvalidInput("nothing to change; send status, owner, counterpart, title, "
                           "due_start, due_end, due_text or note")

    def change(db: Session) -> tuple[bytes, str]:
        item = change_item(session=db, item_id=item_id, now=st.clock(), actor=f"api:{token.name}",
                           routing=st.routing, policy=st.policy, status=patch.status,
                           note=patch.note, item_in=ActionItemUpdate(**fields) if fields else None,
                           expected_version=expected_version(db, item_id, if_match))
        return item.model_dump_json().encode(), etag(item)

    # The body is serialised once, here: returning the model would have FastAPI
    # validate it a second time against response_model.
    body, tag = await write(st, change)
    return Response(body, media_type="application/json", headers={"ETag": tag})


@router.post("/items/{item_id}/comments", response_model=ActionEventPublic, status_code=201,
             responses=ERRORS)
async def comment(item_id: Id, body: CommentIn, token: Editor, st: State) -> ActionEventPublic:
    """Add a comment to the history. It does not change the item, so its ETag stays."""

    def add(db: Session) -> ActionEventPublic:
        item = item_ops.get_item(session=db, item_id=item_id)
        ev = item_ops.add_event(session=db, item=item, kind="commented", actor=f"api:{token.name}",
                                now=st.clock(), note=body.text)
        db.flush()
        return ActionEventPublic.model_validate(ev)

    return await write(st, add)
