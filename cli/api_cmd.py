"""`followup api`, `followup token ...` and `followup link`: the HTTP API's commands."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Optional
from urllib.parse import urlencode

import typer

from flows.deps import get_engine, get_settings
from models import items as item_ops
from models import session_scope
from models import tokens as token_ops
from models.clock import utcnow

token_app = typer.Typer(no_args_is_help=True, add_completion=False, rich_markup_mode=None,
                        help="API bearer tokens: create, list, revoke; calendar feed URLs.",
                        epilog="Example: followup token create --name alice --role editor")


def api(host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(min=1, max=65535, help="Port.")] = 8000,
        workers: Annotated[int, typer.Option(min=1, max=64, help="Processes serving requests.")] = 1,
        access_log: Annotated[bool, typer.Option(
            help="Log every request to stdout (link tokens and feed keys redacted).")] = False,
        ) -> None:
    """Run the HTTP API (OpenAPI docs at /docs) until Ctrl-C or SIGTERM."""
    from api.app import serve

    serve(host=host, port=port, workers=workers, access_log=access_log)


@token_app.command("create", epilog="Example: followup token create --name alice --role editor")
def create(name: Annotated[str, typer.Option(help="Who or what uses it.")],
           role: Annotated[str, typer.Option(help="viewer, editor or admin.")] = "viewer") -> None:
    """Create a token. It is printed once, as the last line; only its hash is kept."""
    parsed = token_ops.parse_role(role)
    with session_scope(get_engine()) as session:
        row, token = token_ops.create_token(session=session, name=name, role=parsed, now=utcnow())
    print(f"token {row.id} {row.name!r} ({row.role}) created; it is shown only now:")
    print(token)


@token_app.command("list", epilog="Example: followup token list --revoked")
def list_(revoked: Annotated[bool, typer.Option(help="Include revoked tokens.")] = False) -> None:
    """List tokens (names and roles; never the tokens)."""
    with session_scope(get_engine()) as session:
        rows = token_ops.list_tokens(session=session, include_revoked=revoked)
    for r in rows:
        state = f"revoked {r.revoked_at:%Y-%m-%d %H:%M}" if r.revoked_at else "active"
        print(f"{r.id}\t{r.name}\t{r.role}\tcreated {r.created_at:%Y-%m-%d %H:%M}\t{state}")
    if not rows:
        print("no tokens; create one with `followup token create --name NAME --role editor`")


@token_app.command("revoke", epilog="Example: followup token revoke alice")
def revoke(name: Annotated[str, typer.Argument(help="Token name or id.")]) -> None:
    """Revoke a token: a running API refuses it within a second."""
    with session_scope(get_engine()) as session:
        row = token_ops.revoke_token(session=session, name_or_id=name, now=utcnow())
    print(f"token {row.id} {row.name!r} revoked")


@token_app.command("feed-url", epilog="Example: followup token feed-url --owner 'CBP'")
def feed_url(owner: Annotated[Optional[str], typer.Option(help="Only this owner's items.")] = None) -> None:
    """Print a calendar subscription URL (it carries a key: share it like a password)."""
    from config.secret import api_secret
    from models.links import feed_key

    settings = get_settings()
    query = {"owner": owner} if owner else {}
    query["key"] = feed_key(secret=api_secret(settings), owner=owner)
    print(f"{settings.public_url.rstrip('/')}/calendar.ics?{urlencode(query)}")


def link(item_id: Annotated[int, typer.Argument(help="Item id.")],
         action: Annotated[str, typer.Option(help="done, snooze or ack.")] = "done") -> None:
    """Print a signed one-click link for an item (what notifications carry)."""
    from config.secret import api_secret
    from flows.links import act_url
    from models import InvalidInput
    from models.links import ACTIONS

    if action not in ACTIONS:
        raise InvalidInput(f"unknown action {action!r}; use done, snooze or ack")
    settings = get_settings()
    with session_scope(get_engine(settings)) as session:
        item = item_ops.get_item(session=session, item_id=item_id)
    print(act_url(item=item, action=action, secret=api_secret(settings), base_url=settings.public_url,
                  now=utcnow(), ttl=timedelta(days=settings.link_ttl_days)))


def register(app: typer.Typer) -> None:
    app.command(epilog="Example: followup api --port 8000")(api)
    app.command(epilog="Example: followup link 4 --action done")(link)
    app.add_typer(token_app, name="token")
