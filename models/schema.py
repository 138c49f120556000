"""Schema migrations (alembic, shipped in models/migrations) and the revision check.

Every process checks the database's revision with one query; alembic itself is
imported only when something must change, so read-only commands stay fast.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError

from models.errors import SchemaTooNew

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HEAD = "0005"  # the newest migration; tests check it is alembic's head
BASELINE = "0001"  # what databases made before migrations existed hold
MIGRATION_LOCK = 0x666F6C6C  # PostgreSQL advisory lock key ("foll") held while migrating


def current_revision(engine: Engine) -> str | None:
    """The database's revision; None for an empty database or one made before migrations."""
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DatabaseError:
        return None


def _config(conn):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Bring the schema to `revision`; a database made before migrations is adopted first."""
    from alembic import command

    check_not_newer(current_revision(engine))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Several processes meeting an empty database at once (first use on several
            # machines): the others wait here, then find the schema at head and do nothing.
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        cfg = _config(conn)
        tables = set(inspect(conn).get_table_names())
        if "action_item" in tables and "alembic_version" not in tables:
            command.stamp(cfg, BASELINE)
        command.upgrade(cfg, revision)
    return current_revision(engine)


def head_revision() -> str:
    """Alembic's own idea of the newest revision (imports alembic)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def known_revisions() -> set[str]:
    """The revisions this release ships (from the file names: no alembic import)."""
    return {p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py")}


def check_not_newer(revision: str | None) -> None:
    if revision is not None and revision not in known_revisions():
        raise SchemaTooNew(
            f"the database's schema is at revision {revision}, newer than this followup knows "
            f"(up to {HEAD}): upgrade followup, or point FOLLOWUP_DATABASE_URL elsewhere")


def ensure_schema(engine: Engine) -> None:
    """Upgrade unless the database is already at HEAD (one query in the common case)."""
    if current_revision(engine) != HEAD:
        upgrade(engine)  # which refuses a database newer than this release
