"""Sessions and the schema; the engine itself is models.engine's."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine
from sqlmodel import Session

import models.tables  # noqa: F401  (registers the tables on the metadata)


def init_db(engine: Engine) -> None:
    """Bring the schema up to date (alembic migrations; one query when it already is)."""
    from models.schema import ensure_schema

    ensure_schema(engine)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
