"""The secret that signs one-click links and calendar feed keys."""

from __future__ import annotations

import os
import secrets

from config.settings import ConfigError, Settings


def api_secret(settings: Settings) -> str:
    """FOLLOWUP_API_SECRET, else one generated once and kept (mode 600) in the data dir.

    The generated one is fine for a single machine; an API reachable from other
    hosts must be given a configured secret (the `api` command refuses otherwise).
    """
    if settings.api_secret is not None:
        value = settings.api_secret.get_secret_value()
        if len(value) < 16:
            raise ConfigError("FOLLOWUP_API_SECRET is too short; use at least 16 random characters")
        return value
    path = settings.data_dir / "api-secret"
    if path.is_file():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    # O_EXCL: two processes starting at once must not end up with different secrets.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(value)
    return value
