"""The `followup` console script: `list` without Typer, SQLModel or Prefect; the rest via cli.main.

Start-up was most of `followup list`'s time (importing Typer, SQLModel and our
pydantic models of the tables); the list itself is a few milliseconds of query.
Anything this does not recognise (help, --api, a mistake) goes to Typer,
which then answers exactly as it always did.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import flows  # noqa: F401  (sets the no-telemetry variables; imports nothing else)

# `followup list`'s options (cli.main.list_) as the keywords of cli.listing.list_text.
LIST_VALUES = {"--status": "status", "-s": "status", "--owner": "owner", "--kind": "kind",
               "--limit": "limit", "--format": "format", "-f": "format", "--now": "now"}
LIST_FLAGS = {"--overdue": ("overdue", True), "--no-overdue": ("overdue", False),
              "--all": ("all_", True), "--count": ("count", True), "--no-count": ("count", False)}


@contextmanager
def user_errors() -> Iterator[None]:
    """Domain, settings and database errors become one `error:` line and exit 1; a reader
    that stops early (`| head`) ends it with exit 1 and no traceback, as Click does."""
    from sqlalchemy.exc import OperationalError

    from config.settings import ConfigError
    from models.errors import FollowupError

    try:
        yield
    except (FollowupError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
    except OperationalError as exc:
        first = str(exc.orig).splitlines()[0] if exc.orig else "unknown error"
        print(f"error: database problem: {first} (check FOLLOWUP_DATABASE_URL)", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:  # Ctrl-C, worded as Click words it
        print("\nAborted!", file=sys.stderr)
        sys.exit(1)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush at exit
        sys.exit(1)


def list_options(args: list[str]) -> dict | None:
    """`followup list ARGS` as list_text's keywords, or None for whatever is Typer's to answer."""
    opts: dict = {"status": [], "owner": None, "kind": None, "overdue": False, "all_": False,
                  "count": False, "limit": None, "format": "table", "now": None}
    seen = set()
    rest = iter(args)
    for arg in rest:
        name, eq, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name in LIST_FLAGS and not eq:
            key, value = LIST_FLAGS[name]
        elif name in LIST_VALUES:
            key = LIST_VALUES[name]
            if not eq:
                value = next(rest, None)
                if value is None or value.startswith("-"):  # Click's business
                    return None
        else:
            return None
        if key == "status":
            opts["status"].append(value)
        elif key in seen:  # a repeated option: leave its meaning to Click
            return None
        else:
            seen.add(key)
            opts[key] = value
    if opts["limit"] is not None:
        try:
            opts["limit"] = int(opts["limit"])
        except ValueError:
            return None
        if opts["limit"] < 1:
            return None
    return opts


def run() -> None:
    """Console-script entry point."""
    args = sys.argv[1:]
    opts = None
    if args[:1] == ["list"] and "FOLLOWUP_API_URL" not in os.environ:
        opts = list_options(args[1:])
    if opts is None:
        from cli.main import run as run_typer

        return run_typer()
    with user_errors():
        from cli import listing
        from config.settings import Settings
        from models.status import parse_status

        fmt = listing.check_format(opts.pop("format"))  # checked in cli.main.list_'s order
        statuses = [parse_status(s) for s in opts.pop("status")]
        print(listing.list_text(settings=Settings(), statuses=statuses, fmt=fmt, **opts))
