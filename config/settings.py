"""Settings from FOLLOWUP_* environment variables, and the policy file they point at."""

from __future__ import annotations

import os
from functools import cached_property
from typing import Literal
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULTS_DIR = Path(__file__).resolve().parent


class ConfigError(Exception):
    """A settings or policy file that cannot be used; the message says what to fix."""


def default_data_dir() -> Path:
    """$XDG_DATA_HOME/followup, else ~/.local/share/followup."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "followup"


class EscalationStep(BaseModel):
    after_days: int = Field(ge=0)  # days past the end of the due window
    level: int = Field(ge=1)
    # Who hears it beyond the routing rules: the owner's own tag, the owner's lead's
    # (from the directory), or only the rules (office). Default: by level 1, 2, 3+.
    to: Literal["owner", "lead", "office"] | None = None

    @property
    def step(self) -> str:
        return self.to or {1: "owner", 2: "lead"}.get(self.level, "office")


class DispatchPolicy(BaseModel):
    max_attempts: int = Field(default=5, ge=1)
    backoff_seconds: float = Field(default=60, ge=0)  # first retry delay; doubles each time
    backoff_max_seconds: float = Field(default=6 * 3600, ge=0)
    jitter: float = Field(default=0.5, ge=0, le=1)  # +- this fraction of the delay
    timeout_seconds: float = Field(default=15, gt=0)  # per target
    lease_seconds: float = Field(default=300, gt=0)  # how long a claim keeps others off
    workers: int = Field(default=32, ge=1)  # messages in flight at once
    per_channel: int = Field(default=32, ge=1)  # sends in flight per apprise URL
    # Seconds between two sends to one target. None keeps apprise's own pause, which is
    # 5.5 s for e-mail and most services (about 650 messages an hour to one mailbox).
    min_interval_seconds: float | None = Field(default=None, ge=0)


class Policy(BaseModel):
    """When reminders, escalations and nudges go out (config/policy.yaml)."""

    timezone: str = "UTC"  # the office's; reminders go out at reminder_hour there
    reminder_hour: int = Field(default=9, ge=0, le=23)
    reminder_offsets_days: list[int] = Field(default_factory=lambda: [7, 1])
    escalation: list[EscalationStep] = Field(
        default_factory=lambda: [EscalationStep(after_days=0, level=1),
                                 EscalationStep(after_days=7, level=2),
                                 EscalationStep(after_days=14, level=3)])
    stale_after_days: int = Field(default=14, ge=1)  # nudge undated items idle this long
    auto_accept_confidence: float | None = Field(default=0.75, ge=0, le=1)
    dispatch: DispatchPolicy = Field(default_factory=DispatchPolicy)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name like Europe/Moscow)")
        return value

    @field_validator("reminder_offsets_days")
    @classmethod
    def _offsets(cls, value: list[int]) -> list[int]:
        if any(v < 0 for v in value):
            raise ValueError("reminder offsets are days before the due date: use numbers >= 0")
        return sorted(set(value), reverse=True)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class Settings(BaseSettings):
    """Everything configurable, from FOLLOWUP_<NAME> variables."""

    model_config = SettingsConfigDict(env_prefix="FOLLOWUP_", extra="ignore")

    def __init__(self, **values) -> None:
        # A bad FOLLOWUP_ variable is the user's to fix: one line naming it, not a traceback.
        # The value itself is not repeated: it may be a secret (FOLLOWUP_API_SECRET, ...).
        try:
            super().__init__(**values)
        except ValidationError as exc:
            raise ConfigError("; ".join(
                f"FOLLOWUP_{'_'.join(str(p) for p in e['loc'][:1]).upper()}: {e['msg']}"
                for e in exc.errors())) from None

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = None  # default: SQLite file in data_dir
    policy_file: Path = DEFAULTS_DIR / "policy.yaml"
    apprise_config: Path = DEFAULTS_DIR / "apprise.yaml"
    routing_file: Path = DEFAULTS_DIR / "routing.yaml"
    directory_file: Path = DEFAULTS_DIR / "directory.yaml"  # people's own tags and time zones
    max_record_mb: float = Field(default=20, gt=0)  # bigger record files are refused with a clear error
    # Optional model-based extractor: an OpenAI-compatible chat-completions endpoint.
    llm_url: str | None = None
    llm_model: str = "gpt-4o-mini"
    llm_key: SecretStr | None = None  # never logged: SecretStr prints as '**********'
    llm_timeout: float = Field(default=60, gt=0)

    @property
    def max_record_bytes(self) -> int:
        return int(self.max_record_mb * 1024 * 1024)

    # HTTP API (issue 6). The secret signs one-click links and calendar feed keys;
    # without it a loopback-only API keeps a generated one in data_dir.
    api_secret: SecretStr | None = None
    # How people reach the API: the base of links and feed URLs. (FOLLOWUP_API_URL is
    # the CLI's --api, a different thing: setting it sends list/show/update remote.)
    public_url: str = "http://127.0.0.1:8000"
    api_cors_origins: list[str] = Field(default_factory=list)  # closed unless listed
    link_ttl_days: int = Field(default=14, ge=1)
    links: bool = True  # one-click links in messages; off where no API will ever answer them

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'followup.db'}"

    @cached_property
    def policy(self) -> Policy:
        return load_policy(self.policy_file)


def load_yaml(path: Path, what: str) -> dict:
    """A YAML mapping from `path`, or ConfigError naming the file and the problem."""
    import yaml  # here, not at the top: `list` without --overdue reads no YAML

    # libyaml's safe loader where PyYAML was built with it: same results, several times faster.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=loader)
    except FileNotFoundError:
        raise ConfigError(f"{what} file not found: {path}") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigError(f"cannot read {what} file {path}: {first}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{what} file {path} must hold a mapping of settings")
    return data


def load_policy(path: Path) -> Policy:
    try:
        return Policy.model_validate(load_yaml(path, "policy"))
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "file"
        raise ConfigError(f"policy file {path}: {where}: {err['msg']}") from None
