"""Statements compiled by SQLAlchemy once, then run on the driver's own connection.

A PATCH's four statements cost about 100 µs each through a Session (execution
context, result wrapping, ORM loading) and 10-20 µs each on the sqlite3 or
psycopg connection underneath, inside the same transaction. The SQL, the
parameter order and the value conversions (aware datetimes, dates, enums) are
SQLAlchemy's own, taken from the compiled statement and the columns' types, so
rows written here read back through the ORM exactly as rows it wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement

Convert = Callable[[Any], Any] | None


class Prepared:
    """One statement for one dialect: its SQL text, and how to bind its parameters."""

    def __init__(self, stmt: ClauseElement, dialect: Dialect, returns: list | None = None) -> None:
        compiled = stmt.compile(dialect=dialect)
        self.sql = compiled.string
        procs = {name: bp.type.dialect_impl(dialect).bind_processor(dialect)
                 for name, bp in compiled.binds.items()}
        # qmark (SQLite) is positional; pyformat (psycopg) takes a mapping.
        self.positional = bool(compiled.positiontup)
        self._plan: list[tuple[str, Convert]] = (
            [(name, procs.get(name)) for name in compiled.positiontup] if self.positional
            else [(name, proc) for name, proc in procs.items() if proc is not None])
        self._dialect, self._returns = dialect, returns or []
        self._result: list[Convert] | None = None  # known from the first result's type codes

    def params(self, values: Mapping[str, Any]):
        """`values` by bind name, converted as SQLAlchemy would, in the driver's form."""
        if self.positional:
            return tuple(values[n] if proc is None else proc(values[n]) for n, proc in self._plan)
        if not self._plan:
            return values
        out = dict(values)
        for name, proc in self._plan:
            if name in out:
                out[name] = proc(out[name])
        return out

    def row(self, cur) -> list | None:
        """The cursor's next row with its columns' result conversions applied."""
        raw = cur.fetchone()
        if raw is None:
            return None
        if self._result is None:  # psycopg's numeric conversions depend on the type code
            d = self._dialect
            self._result = [c.type.dialect_impl(d).result_processor(d, desc[1])
                            for c, desc in zip(self._returns, cur.description)]
        return [v if proc is None else proc(v) for v, proc in zip(raw, self._result)]

    def run(self, dbapi_conn, values: Mapping[str, Any]):
        """Execute on the driver connection (inside the caller's transaction); the cursor."""
        cur = dbapi_conn.cursor()
        cur.execute(self.sql, self.params(values))
        return cur


def driver_connection(session) -> tuple[Any, Dialect]:
    """The session's transaction's driver connection and its dialect; pending ORM changes
    are flushed first, so statements run here see (and follow) them. Remembered for the
    transaction: asking the session again for each statement cost more than the statement."""
    session.flush()
    txn, known = session.get_transaction(), session.info.get(_KNOWN)
    if known is not None and txn is not None and known[0] is txn:
        return known[1], known[2]
    conn = session.connection()
    raw = conn.connection.dbapi_connection
    session.info[_KNOWN] = (session.get_transaction(), raw, conn.dialect)
    return raw, conn.dialect


_KNOWN = "followup_driver_connection"
