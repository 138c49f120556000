"""`followup db`: the database's schema revision, and upgrading it."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, help="The database schema (alembic migrations).")


@app.command(epilog="Example: FOLLOWUP_DATABASE_URL=postgresql+psycopg://localhost/followup "
             "followup db upgrade")
def upgrade() -> None:
    """Apply every pending migration (a database from before migrations is adopted)."""
    from flows.deps import get_settings
    from models import make_engine
    from models.schema import current_revision, upgrade as run_upgrade

    engine = make_engine(get_settings().db_url)
    before = current_revision(engine)
    after = run_upgrade(engine)
    print(f"schema at {after}" + (f" (was {before})" if before != after else " (already current)"))


@app.command(epilog="Example: followup db current")
def current() -> None:
    """Print the database's schema revision and the newest one this release knows."""
    from flows.deps import get_settings
    from models import make_engine
    from models.schema import HEAD, current_revision, known_revisions

    rev = current_revision(make_engine(get_settings().db_url))
    state = ("current" if rev == HEAD else "needs `followup db upgrade`"
             if rev is None or rev in known_revisions() else "newer than this followup: upgrade it")
    print(f"{rev or 'none'} (newest {HEAD}: {state})")
