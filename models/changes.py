"""Changing an item (fields and/or status) on the driver's connection: the path every
change by a person takes (CLI `update`, the API's PATCH, one-click links).

One read, one compare-and-set UPDATE, the audit rows in one INSERT: no ORM objects.
Through the ORM the same change cost the API three times the CPU of the rest of a
PATCH (models/driver.py). models/items.py's `update_item` and `transition_item`
wrap this for code holding ORM items (ingest, tests): the rules live here alone.
"""

from __future__ import annotations

import functools
import json
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm.util import identity_key

from models.bulk import EVENT_HOOKS
from models.clock import as_utc
from models.driver import Prepared, driver_connection
from models.errors import NotFound, VersionConflict, check_window
from models.status import Status, check_transition
from models.tables import ActionEvent, ActionItem, ActionItemPublic

_ITEM = ActionItem.__table__
_COLUMNS = [c for c in _ITEM.c]
_NAMES = [c.name for c in _COLUMNS]


# Keyed by dialect: one engine (and dialect) a process in the API and the CLI.
@functools.lru_cache(maxsize=16)
def _read(dialect) -> Prepared:
    return Prepared(select(*_COLUMNS).where(_ITEM.c.id == bindparam("id")), dialect, returns=_COLUMNS)


@functools.lru_cache(maxsize=256)
def _update(dialect, names: tuple[str, ...]) -> Prepared:
    """SET just the changed columns (with version and updated_at) WHERE id and version match."""
    stmt = (_ITEM.update().where(_ITEM.c.id == bindparam("cas_id"),
                                 _ITEM.c.version == bindparam("cas_version"))
            .values({n: bindparam(n, type_=_ITEM.c[n].type) for n in names}))
    return Prepared(stmt, dialect)


@functools.lru_cache(maxsize=16)
def _audit(dialect) -> Prepared:
    t = ActionEvent.__table__
    names = ("item_id", "at", "actor", "kind", "from_status", "to_status", "note", "changes")
    return Prepared(insert(t).values({n: bindparam(n, type_=t.c[n].type) for n in names}), dialect)


def read_item(*, session, item_id: int) -> dict[str, Any]:
    """An item's row as a dict of column values (typed as the ORM types them); NotFound."""
    return _read_row(*driver_connection(session), item_id)


def _read_row(raw, dialect, item_id: int) -> dict[str, Any]:
    prep = _read(dialect)
    row = prep.row(prep.run(raw, {"id": item_id}))
    if row is None:
        raise NotFound(f"no action item with id {item_id}")
    return dict(zip(_NAMES, row))


def change_item_row(*, session, item_id: int, now: datetime, actor: str,
                    status: Status | None = None, note: str | None = None,
                    fields: dict[str, Any] | None = None,
                    expected_version: int | None = None) -> tuple[ActionItemPublic, Status]:
    """Edit `fields` and/or move to `status`, audited; (the item as it is now, its status before).

    Changed fields (or a note without a
    status) make an `updated` event and a version, a status move a `status-changed`
    event and another version; nothing to change changes nothing. `expected_version`
    guards the whole change (VersionConflict, before anything is written); a bad due
    window is InvalidInput, a forbidden move IllegalTransition.
    """
    at = as_utc(now)
    raw, dialect = driver_connection(session)
    row = _read_row(raw, dialect, item_id)
    old = row["version"]
    if expected_version is not None and old != expected_version:
        raise VersionConflict(item_id, expected_version, old)
    before = Status(row["status"])
    changes = {n: [row[n], new] for n, new in (fields or {}).items() if new != row[n]}
    check_window(*(changes[n][1] if n in changes else row[n] for n in ("due_start", "due_end")))
    if status is not None:
        check_transition(before, status)
    events = []
    edit_note = None if status else note
    if (fields or (note and status is None)) and (changes or edit_note is not None):
        events.append({"kind": "updated", "from_status": None, "to_status": None, "note": edit_note,
                       "changes": json.dumps(changes, default=str) if changes else None})
    if status is not None:
        events.append({"kind": "status-changed", "from_status": before.value,
                       "to_status": status.value, "note": note, "changes": None})
    if not events:
        return ActionItemPublic.model_validate(row), before
    new = {n: v for n, (_, v) in changes.items()} | {"version": old + len(events), "updated_at": at}
    if status is not None:
        new["status"] = status
    cur = _update(dialect, tuple(new)).run(raw, new | {"cas_id": item_id, "cas_version": old})
    if cur.rowcount != 1:  # another transaction moved it on between our read and this write
        raise VersionConflict(item_id, old, _read_row(raw, dialect, item_id)["version"])
    rows = [{"item_id": item_id, "at": at, "actor": actor} | e for e in events]
    audit = _audit(dialect)
    raw.cursor().executemany(audit.sql, [audit.params(r) for r in rows])
    for hook in EVENT_HOOKS:  # what models.bulk.insert_events tells (flows/events.py)
        hook(session, rows)
    # An ORM copy of the item in this session no longer matches the row.
    loaded = session.identity_map.get(identity_key(ActionItem, item_id))
    if loaded is not None:
        session.expire(loaded)
    return ActionItemPublic.model_validate(row | new), before
