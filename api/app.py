"""The FastAPI app (`create_app`) and how `followup api` runs it under uvicorn."""

from __future__ import annotations

import copy
import ipaddress
import logging
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, TimeoutError as PoolTimeout

import flows  # noqa: F401  (no-telemetry variables before Prefect is imported)
from api import fastpatch, feeds, items, links, records
from api.deps import AppState
from api.writes import Busy
from api.schemas import Health
from config import ConfigError, Settings
from config.secret import api_secret
from flows.deps import get_engine, get_settings, routing_for
from models import FollowupError, IllegalTransition, InvalidInput, NotFound, VersionConflict
from models.clock import utcnow

log = logging.getLogger("followup.api")


def _field(loc) -> str:
    return ".".join(str(p) for p in loc) or "request"


def validation_body(errors: list[dict]) -> dict:
    """FastAPI's 422 shape, plus one `message` line that names the field."""
    first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
    clean = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "value_error")}
             for e in errors]
    return {"detail": clean, "message": f"{_field(first['loc'])}: {first['msg']}"}


def _invalid(loc: tuple, msg: str) -> JSONResponse:
    return JSONResponse(validation_body([{"loc": loc, "msg": msg, "type": "value_error"}]), 422)


def install_error_handlers(app: FastAPI) -> None:
    """Domain errors become HTTP statuses here and nowhere else."""

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(validation_body(list(exc.errors())), 422)

    @app.exception_handler(FollowupError)
    async def _domain(_: Request, exc: FollowupError) -> JSONResponse:
        if isinstance(exc, NotFound):
            return JSONResponse({"detail": str(exc)}, 404)
        if isinstance(exc, IllegalTransition):
            return JSONResponse({"detail": str(exc), "allowed": exc.allowed}, 409)
        if isinstance(exc, VersionConflict):
            tag = f'"{exc.actual}"'
            return JSONResponse({"detail": str(exc), "current_etag": tag}, 412, headers={"ETag": tag})
        if isinstance(exc, InvalidInput):
            return _invalid(("body",), str(exc))
        return JSONResponse({"detail": str(exc)}, 400)

    @app.exception_handler(OperationalError)
    @app.exception_handler(PoolTimeout)
    @app.exception_handler(Busy)
    async def _db_down(_: Request, exc: Exception) -> JSONResponse:
        log.error("database busy or unreachable: %s", type(exc).__name__)
        return JSONResponse({"detail": "database unavailable; try again shortly"}, 503,
                            headers={"Retry-After": "5"})


def create_app(*, settings: Settings | None = None, engine: Engine | None = None,
               clock: Callable[[], datetime] = utcnow) -> FastAPI:
    """The API. Tests pass their own engine and clock; `followup api` passes nothing."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.followup.close()

    app = FastAPI(title="followup", version="0.1.0", lifespan=lifespan,
                  description="Action items from meeting records: read, update, ingest, subscribe.")
    app.state.followup = AppState(settings=settings, engine=engine or get_engine(settings),
                                  clock=clock, routing=routing_for(settings),
                                  secret=api_secret(settings))
    if settings.api_cors_origins:  # closed unless origins are listed
        app.add_middleware(CORSMiddleware, allow_origins=settings.api_cors_origins,
                           allow_methods=["GET", "POST", "PATCH", "DELETE"],
                           allow_headers=["Authorization", "If-Match", "Content-Type"],
                           expose_headers=["ETag", "Location"])
    install_error_handlers(app)
    for mod in (items, records, links, feeds):
        app.include_router(mod.router)
    fastpatch.install(app)

    @app.get("/healthz", response_model=Health, tags=["health"],
             responses={503: {"model": Health}})
    def healthz() -> JSONResponse:
        """Liveness and database reachability; needs no token."""
        st: AppState = app.state.followup
        try:
            with st.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            ok = True
        except OperationalError:
            ok = False
        body = Health(status="ok" if ok else "degraded", database="ok" if ok else "unreachable",
                      time=st.clock())
        return JSONResponse(body.model_dump(mode="json"), 200 if ok else 503)

    return app


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(host: str, settings: Settings) -> None:
    """Refuse a non-loopback address unless a secret is configured."""
    if not is_loopback(host) and settings.api_secret is None:
        raise ConfigError(f"refusing to listen on {host} without FOLLOWUP_API_SECRET; set it "
                          "(32+ random characters) or use --host 127.0.0.1")


class RedactLinks(logging.Filter):
    """Access-log lines must not carry link tokens or feed keys: they are credentials."""

    PATTERN = re.compile(r"(/act/)[^\s?\"]+|((?:[?&])key=)[^&\s\"]+")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self.PATTERN.sub(lambda m: (m.group(1) or m.group(2)) + "<redacted>", a)
                                if isinstance(a, str) else a for a in record.args)
        return True


def log_config() -> dict:
    """uvicorn's logging, with link tokens and feed keys redacted from the access log
    (a dict, not a filter added here: `--workers` processes configure logging anew)."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact_links"] = {"()": RedactLinks}
    config["loggers"]["uvicorn.access"]["filters"] = ["redact_links"]
    return config


def serve(*, host: str, port: int, workers: int = 1, settings: Settings | None = None,
          access_log: bool = False) -> None:
    """Run the API under uvicorn until SIGTERM or Ctrl-C (uvicorn stops it gracefully).

    With `workers` > 1 each process builds its own app from the environment's settings.
    The access log is off unless asked for, as in gunicorn: a line a request cost a
    tenth of a PATCH, and the items' history already says who changed what.
    """
    import uvicorn

    settings = settings or get_settings()
    check_bind(host, settings)
    api_secret(settings)  # made here, once, so that every worker reads the same one
    app = create_app(settings=settings) if workers == 1 else "api.app:create_app"
    uvicorn.run(app, factory=workers > 1, workers=workers, host=host, port=port,
                log_level="info", log_config=log_config(), access_log=access_log, server_header=False)
