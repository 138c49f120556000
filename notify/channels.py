"""Apprise channels: the `terminal://` scheme and loading an apprise YAML config.

Importing this module registers `terminal://` with apprise (a process-wide
plugin table), so every apprise config loaded afterwards may use it.
"""

from __future__ import annotations

import logging
import re
import sys
import warnings
from pathlib import Path

import apprise
from apprise.decorators import notify as apprise_notify
from apprise.manager_plugins import NotificationManager

from config import ConfigError
from notify.redact import one_line, redact

RULE = "-" * 72
# Titles from notify.templates read "Label: rest"; the terminal shows the label as [LABEL].
_LABELLED = re.compile(r"^(?P<label>[A-Za-z][A-Za-z0-9 ()\-]{0,30}):\s+(?P<rest>.+)$")


def _load_apprise_plugins() -> None:
    """Load apprise's plugin table once, up front.

    apprise imports its plugins lazily on first use; its e-mail plugin imports the
    deprecated `imghdr`, whose DeprecationWarning would turn into an error (and a
    missing mailto:// scheme) wherever warnings are errors, as in our tests.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*imghdr.*", category=DeprecationWarning)
        NotificationManager().load_modules()


def format_block(*, title: str, body: str, notify_type: str = "info") -> str:
    """The readable block the terminal channel prints for one message."""
    match = _LABELLED.match(title or "")
    if match:
        head = f"[{match['label'].upper()}] {match['rest']}"
    else:
        head = f"[{(notify_type or 'info').upper()}] {title}".rstrip()
    return f"{RULE}\n{head}\n{body.rstrip()}\n"


_load_apprise_plugins()

if "terminal" not in NotificationManager():  # re-imports (reloads) must not register twice

    @apprise_notify(on="terminal", name="followup terminal")
    def _terminal(body, title, notify_type, *args, **kwargs) -> bool:
        # sys.stdout is looked up per call so redirected output (pytest, the CLI) sees it.
        out = sys.stdout
        out.write(format_block(title=title, body=body, notify_type=str(notify_type)))
        out.flush()
        return True


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def load_apprise(path: Path | str) -> apprise.Apprise:
    """Channels from an apprise config file (YAML or text), every URL in it usable.

    Raises ConfigError (one line, naming the file) when the file is missing or
    unreadable, holds no URL, or apprise rejects any entry (an unknown scheme, a
    plugin whose requirements are missing): a typo must not silently drop a channel.
    """
    path = Path(path)
    try:
        with path.open("rb") as fh:
            fh.read(1)
    except FileNotFoundError:
        raise ConfigError(f"apprise config file not found: {path}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read apprise config file {path}: "
                          f"{exc.strerror or type(exc).__name__}") from None
    collect = _Collect()
    log = logging.getLogger(apprise.logger.name)
    log.addHandler(collect)
    try:
        config = apprise.AppriseConfig()
        config.add(str(path.resolve()))
        channels = apprise.Apprise()
        channels.add(config)
        count = len(channels)  # apprise parses the file here
    finally:
        log.removeHandler(collect)
    # Drop apprise's generic lines ("Unparseable URL x" is followed by a clearer one;
    # "Failed to load ... from file://" says nothing the file name does not).
    generic = ("Unparseable URL", "Failed to load Apprise configuration")
    problems = [redact(one_line(m)) for m in collect.messages]
    problems = [p for p in problems if not p.startswith(generic)] or [
        p for p in problems if not p.startswith(generic[1])]
    if problems:
        raise ConfigError(f"apprise config file {path}: {problems[0]}")
    if count == 0:
        raise ConfigError(f"apprise config file {path} defines no usable notification URL")
    return channels
