"""What every route shares: app state, a session per request, authentication by role."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine
from sqlmodel import Session

from config import Policy, Settings
from api.writes import SqliteWriters
from models import session_scope
from models.tables import ApiToken
from models.tokens import RANK, Role, check_token, hash_token
from notify import Routing


@dataclass
class FailedAuthLimiter:
    """At most `limit` failed authentications per client per `window`; then 429.

    Called from the threadpool's threads at once: one lock around each look or change,
    or a failure recorded in a deque another thread has just dropped is lost."""

    limit: int = 10
    window: timedelta = timedelta(minutes=1)
    max_clients: int = 10_000
    _fails: dict[str, deque] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def _recent(self, client: str, now: datetime) -> deque:
        q = self._fails.setdefault(client, deque())
        while q and now - q[0] >= self.window:
            q.popleft()
        if not q:
            self._fails.pop(client, None)  # forget quiet clients: bounded memory
        return q

    def blocked_for(self, client: str, now: datetime) -> int:
        """Seconds until `client` may try again (0: not blocked)."""
        with self._lock:
            q = self._recent(client, now)
            if len(q) < self.limit:
                return 0
            return max(1, int((q[0] + self.window - now).total_seconds()) + 1)

    def fail(self, client: str, now: datetime) -> None:
        with self._lock:
            if len(self._fails) >= self.max_clients:  # many failing addresses: forget stale ones
                for other in list(self._fails):
                    self._recent(other, now)
            self._recent(client, now)
            self._fails.setdefault(client, deque()).append(now)


class TokenCache:
    """Tokens checked in the last `ttl`, by hash: most requests skip the database and the
    threadpool hop a query needs (together a third of a PATCH's CPU).

    A revocation through this process's API takes effect at once (`forget`); one made
    elsewhere (`followup token revoke`, another worker) within `ttl`. Only good tokens
    are kept, so a new token works at once and guesses are never cached.
    """

    def __init__(self, ttl: timedelta = timedelta(seconds=1), size: int = 1024) -> None:
        self.ttl, self.size = ttl, size
        self._rows: dict[str, tuple[ApiToken, datetime]] = {}

    def get(self, digest: str, now: datetime) -> ApiToken | None:
        hit = self._rows.get(digest)
        if hit is None or not (hit[1] <= now < hit[1] + self.ttl):
            return None
        return hit[0]

    def put(self, digest: str, row: ApiToken, now: datetime) -> None:
        if len(self._rows) >= self.size:
            self._rows.clear()  # many live tokens at once is rare: start again
        self._rows[digest] = (row, now)

    def forget(self) -> None:
        self._rows.clear()


@dataclass
class AppState:
    settings: Settings
    engine: Engine
    clock: Callable[[], datetime]
    routing: Routing
    secret: str
    limiter: FailedAuthLimiter = field(default_factory=FailedAuthLimiter)
    tokens: TokenCache = field(default_factory=TokenCache)
    writers: SqliteWriters | None = None  # set on SQLite
    write_patience: float = 30.0  # seconds a change waits for another program writing; then 503

    def __post_init__(self) -> None:
        if self.writers is None and self.engine.dialect.name == "sqlite":
            self.writers = SqliteWriters(self.engine.url.database)

    @property
    def policy(self) -> Policy:
        return self.settings.policy

    def close(self) -> None:
        """Let go of what the app holds open (the app's lifespan calls it at shutdown)."""
        if self.writers is not None:
            self.writers.close()


# Cheap dependencies are `async def`: FastAPI runs plain `def` ones in its threadpool,
# and each hop there costs more than the work itself.
async def state(request: Request) -> AppState:
    return request.app.state.followup


State = Annotated[AppState, Depends(state)]


def get_session(st: State) -> Iterator[Session]:
    with session_scope(st.engine) as session:
        yield session


Db = Annotated[Session, Depends(get_session)]
bearer = HTTPBearer(auto_error=False, description="A token from `followup token create`.")


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def check_bearer(st: AppState, client: str, creds: HTTPAuthorizationCredentials | None) -> ApiToken:
    """The live token row for `creds`, or 401/429 (rate-limited per client); may query."""
    now = st.clock()
    wait = st.limiter.blocked_for(client, now)
    if wait:
        raise HTTPException(429, "too many failed authentications; try again later",
                            headers={"Retry-After": str(wait)})
    if creds is None or creds.scheme.lower() != "bearer":
        st.limiter.fail(client, now)
        raise HTTPException(401, "missing bearer token; send 'Authorization: Bearer <token>' "
                                 "(create one with `followup token create`)",
                            headers={"WWW-Authenticate": "Bearer"})
    row = _known(st, creds, now)
    if row is None:
        with session_scope(st.engine) as session:
            row = check_token(session=session, token=creds.credentials, now=now)
        if row is None:
            st.limiter.fail(client, now)
            raise HTTPException(401, "invalid or revoked token", headers={"WWW-Authenticate": "Bearer"})
        st.tokens.put(hash_token(creds.credentials), row, now)
    return row


def _known(st: AppState, creds: HTTPAuthorizationCredentials | None, now: datetime) -> ApiToken | None:
    """The row of a bearer token checked within the cache's TTL, else None."""
    if creds is None or creds.scheme.lower() != "bearer":
        return None
    return st.tokens.get(hash_token(creds.credentials), now)


async def authenticate(request: Request, st: AppState,
                       creds: HTTPAuthorizationCredentials | None) -> ApiToken:
    """`check_bearer` on the event loop when the token is cached, else in the threadpool."""
    client, now = client_of(request), st.clock()
    row = _known(st, creds, now)
    if row is not None and not st.limiter.blocked_for(client, now):
        return row
    return await run_in_threadpool(check_bearer, st, client, creds)


async def cached_token(request: Request, role: Role) -> ApiToken | None:
    """The token a request carries if it is cached, of `role` or higher, and its client is
    not held back; else None, and the request takes the full path (`require`), which
    answers 401, 403 or 429 as the case may be."""
    st: AppState = request.app.state.followup
    client, now = client_of(request), st.clock()
    row = _known(st, await bearer(request), now)
    if row is None or RANK[Role(row.role)] < RANK[role] or st.limiter.blocked_for(client, now):
        return None
    return row


def require(role: Role) -> Callable[..., ApiToken]:
    """A dependency that lets through tokens of `role` or a higher one, else 401/403.

    One dependency, not a chain of them (state, then authenticate, then the role):
    FastAPI's solving of each level cost a cached PATCH more than the check itself."""

    async def check(request: Request,
                    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> ApiToken:
        token = await authenticate(request, request.app.state.followup, creds)
        if RANK[Role(token.role)] < RANK[role]:
            raise HTTPException(403, f"this needs a {role.value} token; yours is {token.role}")
        return token

    return check


Viewer = Annotated[ApiToken, Depends(require(Role.viewer))]
Editor = Annotated[ApiToken, Depends(require(Role.editor))]
Admin = Annotated[ApiToken, Depends(require(Role.admin))]

# Ids beyond SQLite's 64-bit integers are 404s by construction, never a driver error.
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
