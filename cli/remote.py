"""`list`, `show` and `update` against a remote API (--api URL or FOLLOWUP_API_URL)."""

from __future__ import annotations

import os
from types import SimpleNamespace

from api.client import FollowupClient
from cli import render
from models import ActionItemPublic, InvalidInput
from models.tables import ActionEventPublic


def refuse_now(now: str | None) -> None:
    if now is not None:
        raise InvalidInput("--now cannot be used with --api: the API keeps its own clock")


def client(url: str) -> FollowupClient:
    return FollowupClient(url, os.environ.get("FOLLOWUP_API_TOKEN"))


def list_items(url: str, *, fmt: str, count: bool, **filters) -> None:
    with client(url) as c:
        page = c.list_items(**filters)
    if count:
        print(page["total"])
        return
    rows = [ActionItemPublic.model_validate(i) for i in page["items"]]
    if fmt == "json":
        print(render.dumps([render.item_row(i) for i in rows]))
    else:
        print(render.items_table(rows, f"{len(rows)} of {page['total']} action item(s)"))


def show_item(url: str, item_id: int, *, fmt: str) -> None:
    with client(url) as c:
        data, _ = c.get_item(item_id)
    if fmt == "json":
        print(render.dumps(data))
        return
    item = ActionItemPublic.model_validate(data)
    history = [ActionEventPublic.model_validate(e) for e in data["history"]]
    mentions = [(SimpleNamespace(**m), SimpleNamespace(id=m["record_id"], title=m["record_title"],
                                                         record_date=m["record_date"]))
                for m in data["mentions"]]
    print(render.item_detail(item, history, mentions))


def update_item(url: str, item_id: int, changes: dict, *, if_version: int | None) -> None:
    with client(url) as c:
        data, etag = c.update_item(item_id, changes,
                                   etag=f'"{if_version}"' if if_version is not None else None)
    print(f"item {data['id']}: {data['status']} (version {data['version']})")
