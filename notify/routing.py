"""Routing rules: which apprise tags a notification goes to (config/routing.yaml).

Every rule whose `match` fits contributes its tags, in file order, until a rule
with `stop: true` fits; when no rule fits, the notification goes to `default`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from config import ConfigError, load_yaml
from notify.recipients import Recipients, load_recipients

KINDS = ("new-item", "triage", "reminder", "overdue", "escalation", "nudge", "status-change",
         "digest")
DEFAULT_TAG = "default"


def _as_list(value):
    if value is None:
        return None
    return value if isinstance(value, list) else [value]


class Match(BaseModel):
    """Conditions, all of which must hold; a list means any of its values."""

    model_config = ConfigDict(extra="forbid")
    kind: list[str] | None = None  # notification kind, see KINDS
    owner: list[str] | None = None  # case-insensitive substring of the item's owner
    organisation: list[str] | None = None  # the owner's organisation (directory), or in the owner
    item_kind: list[str] | None = None  # request, commitment, planned_event, ...
    level: list[int] | None = None  # exact escalation levels
    min_level: int | None = Field(default=None, ge=1)

    @field_validator("kind", "owner", "organisation", "item_kind", "level", mode="before")
    @classmethod
    def _listify(cls, value):
        return _as_list(value)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value):
        for kind in value or ():
            if kind not in KINDS:
                raise ValueError(f"unknown notification kind {kind!r}; use one of: {', '.join(KINDS)}")
        return value

    def fits(self, *, kind: str, item, level: int | None, org: str | None = None) -> bool:
        # "escalation" names the overdue notices past the owner: level 2 and up.
        kinds = {kind} | ({"escalation"} if kind == "overdue" and (level or 0) >= 2 else set())
        if self.kind is not None and not kinds.intersection(self.kind):
            return False
        owner = (getattr(item, "owner", None) or "").lower()
        if self.owner is not None:
            if not owner or not any(o.lower() in owner for o in self.owner):
                return False
        if self.organisation is not None:
            names = [o.lower() for o in self.organisation]
            if not ((org and org.lower() in names) or any(n in owner for n in names if owner)):
                return False
        if self.item_kind is not None:
            item_kind = getattr(getattr(item, "kind", None), "value", getattr(item, "kind", None))
            if item_kind not in self.item_kind:
                return False
        if self.level is not None and level not in self.level:
            return False
        if self.min_level is not None and (level is None or level < self.min_level):
            return False
        return True


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = None
    match: Match = Field(default_factory=Match)
    tags: list[str] = Field(min_length=1)
    stop: bool = False

    @field_validator("tags", mode="before")
    @classmethod
    def _split(cls, value):
        if isinstance(value, str):
            value = value.split(",")
        return value

    @field_validator("tags")
    @classmethod
    def _clean(cls, value: list[str]) -> list[str]:
        tags = [t.strip() for t in value]
        # Tags are stored comma-separated on the outbox row and matched by apprise.
        bad = [t for t in tags if not t or "," in t or ":" in t or " " in t]
        if bad:
            raise ValueError(f"tag {bad[0]!r} must be one word (no spaces, commas or colons)")
        return tags


class Routing(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Literal[1] = 1
    rules: list[Rule] = Field(default_factory=list)
    _recipients: Recipients = PrivateAttr(default_factory=Recipients)

    @property
    def recipients(self) -> Recipients:
        return self._recipients

    def with_recipients(self, recipients: Recipients) -> Routing:
        self._recipients = recipients
        return self

    def tags_for(self, *, kind: str, item=None, level: int | None = None,
                 step: str = "owner") -> list[str]:
        """Apprise tags: the fitting rules' (or ['default']), plus the own tag of whoever
        `step` of the escalation chain names (owner, lead; office is left to rules)."""
        owner = getattr(item, "owner", None)
        org = self._recipients.org(owner)
        tags: list[str] = []
        for rule in self.rules:
            if rule.match.fits(kind=kind, item=item, level=level, org=org.name if org else None):
                tags.extend(t for t in rule.tags if t not in tags)
                if rule.stop:
                    break
        tags = tags or [DEFAULT_TAG]
        return tags + [t for t in self._recipients.tags(owner, step) if t not in tags]


def load_routing(path: Path | str, directory: Path | str | None = None) -> Routing:
    """Rules from a routing YAML file, with people's own tags from `directory` if given;
    ConfigError (one line, naming the file) if unusable."""
    data = load_yaml(Path(path), "routing")
    recipients = load_recipients(directory)
    try:
        return Routing.model_validate(data).with_recipients(recipients)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "file"
        msg = err["msg"].removeprefix("Value error, ")
        raise ConfigError(f"routing file {path}: {where}: {msg}") from None
