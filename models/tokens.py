"""API bearer tokens: created, listed, revoked and checked; only their hash is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from enum import Enum

from sqlmodel import Session, select

from models.clock import as_utc
from models.errors import InvalidInput, NotFound
from models.tables import ApiToken

PREFIX = "fu_"  # makes a leaked token easy to recognise in secret scanners


class Role(str, Enum):
    viewer = "viewer"  # reads
    editor = "editor"  # also changes items and ingests records
    admin = "admin"  # also manages tokens


RANK = {Role.viewer: 0, Role.editor: 1, Role.admin: 2}


def parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        raise InvalidInput(f"unknown role {value!r}; use viewer, editor or admin") from None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(*, session: Session, name: str, role: Role, now: datetime) -> tuple[ApiToken, str]:
    """A new token row and the token itself, which is shown once and never stored."""
    name = name.strip()
    if not name:
        raise InvalidInput("a token needs a --name (who or what uses it)")
    if session.exec(select(ApiToken).where(ApiToken.name == name)).first() is not None:
        raise InvalidInput(f"a token named {name!r} exists; pick another name or revoke it first")
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(name=name, role=role.value, token_hash=hash_token(token), created_at=as_utc(now))
    session.add(row)
    session.flush()
    return row, token


def list_tokens(*, session: Session, include_revoked: bool = False) -> list[ApiToken]:
    stmt = select(ApiToken).order_by(ApiToken.id)
    if not include_revoked:
        stmt = stmt.where(ApiToken.revoked_at.is_(None))
    return list(session.exec(stmt).all())


def revoke_token(*, session: Session, name_or_id: str, now: datetime) -> ApiToken:
    ref = name_or_id.strip()
    stmt = select(ApiToken).where(
        (ApiToken.id == int(ref)) if ref.isdigit() else (ApiToken.name == ref))
    row = session.exec(stmt).first()
    if row is None:
        raise NotFound(f"no API token named or numbered {ref!r}; see `followup token list`")
    if row.revoked_at is None:
        row.revoked_at = as_utc(now)
        session.add(row)
    return row


def check_token(*, session: Session, token: str, now: datetime) -> ApiToken | None:
    """The live token row for `token`, or None. The hash comparison is constant-time."""
    digest = hash_token(token)
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == digest)).first()
    # The lookup uses an index on the hash (not the token), so timing reveals nothing
    # about the token; compare_digest keeps the final check constant-time as well.
    if row is None or not hmac.compare_digest(row.token_hash, digest) or row.revoked_at:
        return None
    return row
