"""Keep secrets in apprise URLs (passwords, tokens) out of logs, the database and output.

A target is only ever named by apprise's privacy form of its URL; any text that
may quote a URL or a credential (plugin logs, exception messages) goes through
`redact` with the target's secrets before it is stored or shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote, unquote

MASK = "****"

# user:password@ inside any URL-looking text: secrets we were not told about.
_USERINFO = re.compile(r"(?P<scheme>[a-z][a-z0-9+.\-]*://)(?P<user>[^\s/@:]*):(?P<pw>[^\s/@]+)@",
                       re.IGNORECASE)
# ?token=... &apikey=... and friends in query strings.
_SECRET_PARAM = re.compile(
    r"(?P<name>[?&;](?:[a-z_\-]*(?:token|key|secret|pass|passwd|password|pwd|auth|sig|signature)"
    r"[a-z_\-]*))=(?P<value>[^&\s#;]+)", re.IGNORECASE)


def target_name(target) -> str:
    """The loggable name of an apprise target: its URL with secrets masked by apprise."""
    try:
        return target.url(privacy=True)
    except Exception:  # a plugin that cannot print itself must not leak either
        return f"{getattr(target, 'secure_protocol', None) or type(target).__name__}://"


def target_secrets(target) -> list[str]:
    """Everything about `target` that must never be shown: full URL, password, private tokens."""
    found: list[str] = []

    def add(value) -> None:
        if isinstance(value, str) and value:
            found.extend({value, quote(value, safe=""), unquote(value)})
        elif isinstance(value, (list, tuple, set)):
            for v in value:
                add(v)

    try:
        add(target.url(privacy=False))
    except Exception:
        pass
    add(getattr(target, "password", None))
    # apprise marks secret URL parts (tokens, keys, webhook ids) as private in its templates.
    tokens = {**getattr(target, "template_tokens", {}), **getattr(target, "template_args", {})}
    for key, spec in tokens.items():
        if isinstance(spec, dict) and spec.get("private"):
            add(getattr(target, key, None))
            if spec.get("map_to"):
                add(getattr(target, spec["map_to"], None))
    return [s for s in found if s]


def redact(text: str | None, secrets: Iterable[str] = ()) -> str | None:
    """`text` with every secret replaced by ****, plus generic URL credentials masked."""
    if text is None:
        return None
    # Longest first so a full URL is masked whole before its password part is.
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _USERINFO.sub(lambda m: f"{m['scheme']}{m['user']}:{MASK}@", text)
    return _SECRET_PARAM.sub(lambda m: f"{m['name']}={MASK}", text)


def one_line(text: str, limit: int = 300) -> str:
    """The first non-empty line of `text`, shortened to `limit` characters."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def describe_exception(exc: BaseException, secrets: Iterable[str] = ()) -> str:
    """A plugin's exception as one redacted line: `TypeName: first line of its message`."""
    message = one_line(str(exc))
    text = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return redact(text, secrets)
