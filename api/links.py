"""One-click links from e-mails: GET shows a confirmation page, only POST acts.

Mail scanners and link previewers follow GETs; they never change anything.
"""

from __future__ import annotations

from datetime import timedelta
from html import escape

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.deps import Db, State
from api.writes import writing
from flows.ops import change_item
from models import ActionItemUpdate, FollowupError, Status
from models import items as item_ops
from models.links import ACTIONS, BadLink, LinkClaim, verify_link

router = APIRouter(tags=["links"])
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="robots" content="noindex"><meta name="referrer" content="no-referrer">
<title>followup</title></head><body style="font-family:sans-serif;max-width:40em;margin:2em auto">
{body}</body></html>"""


def page(body: str, status: int = 200) -> HTMLResponse:
    # no-store: a shared proxy must not keep a page that carries the link's token.
    return HTMLResponse(PAGE.format(body=body), status_code=status,
                        headers={"Cache-Control": "no-store"})


def _claim(st, token: str, db) -> tuple[LinkClaim, object]:
    claim = verify_link(secret=st.secret, token=token, now=st.clock())
    item = item_ops.get_item(session=db, item_id=claim.item_id)
    if item.version != claim.version:
        raise BadLink("this link was already used, or the item changed since it was sent; "
                      "nothing was done")
    return claim, item


def _refused(exc: FollowupError) -> HTMLResponse:
    return page(f"<h1>Link not usable</h1><p>{escape(str(exc))}</p>", 410)


@router.get("/act/{token}", response_class=HTMLResponse,
            responses={410: {"content": {"text/html": {}}}})
def confirm(token: str, st: State, db: Db) -> HTMLResponse:
    """The confirmation page: says what the link would do, with one button."""
    try:
        claim, item = _claim(st, token, db)
    except FollowupError as exc:
        return _refused(exc)
    return page(f"<h1>{escape(item.title)}</h1><p>Status: {escape(getattr(item.status, 'value', str(item.status)))}</p>"
                f'<form method="post"><button type="submit">Yes, {ACTIONS[claim.action]}</button>'
                "</form>")


def act(*, st, db, claim: LinkClaim, item) -> str:
    """Do what the link says, through the same change as the CLI and the API."""
    now = st.clock()
    common = dict(session=db, item_id=item.id, now=now, actor=f"link:{item.owner or 'owner'}",
                  routing=st.routing, policy=st.policy, expected_version=claim.version)
    if claim.action == "done":
        change_item(status=Status.done, note="marked done from an e-mail link", **common)
        return "Marked done."
    if claim.action == "snooze":
        today = now.astimezone(st.policy.zone).date()
        end = max(item.due_end or today, today) + timedelta(days=7)
        start = min(item.due_start, end) if item.due_start else None
        change_item(item_in=ActionItemUpdate(due_start=start, due_end=end),
                    note="snoozed a week from an e-mail link", **common)
        return f"Snoozed: now due by {end.isoformat()}."
    to = Status.open if item.status == Status.proposed else None
    change_item(status=to, note="acknowledged from an e-mail link", **common)
    return "Acknowledged."


@router.post("/act/{token}", response_class=HTMLResponse,
             responses={410: {"content": {"text/html": {}}}})
def do_act(token: str, st: State) -> HTMLResponse:
    """Act once; the item's version moves on, so the link cannot act again."""
    try:
        with writing(st) as db:  # an error rolls the whole action back
            claim, item = _claim(st, token, db)
            title = item.title
            done = act(st=st, db=db, claim=claim, item=item)
    except FollowupError as exc:
        return _refused(exc)
    return page(f"<h1>{escape(title)}</h1><p>{escape(done)}</p>")
