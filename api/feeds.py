"""The calendar feed of due windows, and the admin's token endpoints."""

from __future__ import annotations

import hmac
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from icalendar import Calendar, Event

from api.deps import Admin, Db, State, bearer, check_bearer, client_of
from api.writes import writing
from api.items import ERRORS
from api.schemas import TokenCreated, TokenIn
from models import ACTIVE
from models import items as item_ops
from models import tokens as token_ops
from models.links import feed_key
from models.tables import ApiTokenPublic

router = APIRouter()


def calendar(items, *, stamp, base_url: str) -> bytes:
    """An iCalendar with one all-day event per dated item, spanning its due window."""
    cal = Calendar()
    cal.add("prodid", "-//followup//action items//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Follow-ups due")
    for it in items:
        if it.due_end is None:
            continue
        ev = Event()
        ev.add("uid", f"action-item-{it.id}@followup")
        ev.add("dtstamp", stamp)
        ev.add("summary", it.title)
        ev.add("dtstart", it.due_start or it.due_end)
        ev.add("dtend", it.due_end + timedelta(days=1))  # DTEND of an all-day event is exclusive
        ev.add("sequence", it.version)  # calendars replace the event when the item changes
        lines = [f"Status: {getattr(it.status, 'value', it.status)}",
                 f"Owner: {it.owner or '-'}", f"Counterpart: {it.counterpart or '-'}"]
        if it.due_text:
            lines.append(f"Due: {it.due_text}")
        ev.add("description", "\n".join(lines))
        ev.add("url", f"{base_url.rstrip('/')}/items/{it.id}")
        cal.add_component(ev)
    return cal.to_ical()


@router.get("/calendar.ics", tags=["calendar"], response_class=Response,
            responses=ERRORS | {200: {"content": {"text/calendar": {}}}})
def calendar_feed(request: Request, st: State, db: Db,
                  owner: Annotated[str | None, Query(max_length=200, description="Only this owner's items.")] = None,
                  key: Annotated[str | None, Query(max_length=100, description="Feed key from `followup token feed-url`.")] = None,
                  creds=Depends(bearer)) -> Response:
    """Due windows of active items; subscribe with the feed URL (its key) or send a token."""
    if key is None or not hmac.compare_digest(
            key.encode(), feed_key(secret=st.secret, owner=owner).encode()):
        if key is not None and creds is None:
            raise HTTPException(401, "this feed key does not match the owner; get a new URL")
        check_bearer(st, client_of(request), creds)
    rows = item_ops.list_items(session=db, status=list(ACTIVE), owner=owner)
    body = calendar(rows, stamp=st.clock(), base_url=st.settings.public_url)
    return Response(body, media_type="text/calendar; charset=utf-8")


@router.get("/tokens", tags=["tokens"], response_model=list[ApiTokenPublic], responses=ERRORS)
def list_tokens(_: Admin, db: Db, revoked: bool = False) -> list[ApiTokenPublic]:
    return [ApiTokenPublic.model_validate(t)
            for t in token_ops.list_tokens(session=db, include_revoked=revoked)]


@router.post("/tokens", tags=["tokens"], response_model=TokenCreated, status_code=201,
             responses=ERRORS | {422: {}})
def create_token(body: TokenIn, _: Admin, st: State) -> TokenCreated:
    """The token is in this answer only; it is stored hashed."""
    with writing(st) as db:
        row, token = token_ops.create_token(session=db, name=body.name, role=body.role, now=st.clock())
    return TokenCreated(**ApiTokenPublic.model_validate(row).model_dump(), token=token)


@router.delete("/tokens/{name_or_id}", tags=["tokens"], response_model=ApiTokenPublic,
               responses=ERRORS)
def revoke_token(name_or_id: str, _: Admin, st: State) -> ApiTokenPublic:
    with writing(st) as db:
        row = token_ops.revoke_token(session=db, name_or_id=name_or_id, now=st.clock())
    st.tokens.forget()  # at once here; other processes' caches within their TTL
    return ApiTokenPublic.model_validate(row)
