"""Who a notification is for: people's own tags and time zones, and the escalation chain.

Read from the people and organisation directory (config/directory.yaml, shared
with extraction). The optional keys used here:

    people:
      - name: Karen Chaisson
        org: CBP
        tag: chaisson                 # her own apprise tag (her channel)
        timezone: America/New_York    # her reminders go out at reminder_hour there
        lead: Thomas Corwin           # who hears about her items at the `lead` step
    organisations:
      - name: CBP
        tag: cbp                      # for items owned by the organisation itself
        lead: Thomas Corwin
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from config import ConfigError, load_yaml


class _Entry(BaseModel):
    model_config = ConfigDict(extra="ignore")  # extraction's keys (country, ...) live here too
    name: str
    aliases: list[str] = Field(default_factory=list)
    tag: str | None = None
    lead: str | None = None

    @field_validator("tag")
    @classmethod
    def _one_word(cls, value):
        if value is not None and (not value.strip() or any(c in value for c in ", :")):
            raise ValueError(f"tag {value!r} must be one word (no spaces, commas or colons)")
        return value


class Person(_Entry):
    org: str | None = None
    timezone: str | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value):
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone {value!r} (use an IANA name like Europe/Moscow)")
        return value


class Org(_Entry):
    pass


class Recipients:
    """Looks owners up by name or alias (case-insensitive, whole name)."""

    def __init__(self, people: list[Person] = (), orgs: list[Org] = ()) -> None:
        self._people = {a.lower(): p for p in people for a in (p.name, *p.aliases)}
        self._orgs = {a.lower(): o for o in orgs for a in (o.name, *o.aliases)}

    def person(self, name: str | None) -> Person | None:
        return self._people.get(name.strip().lower()) if name else None

    def org(self, owner: str | None) -> Org | None:
        """The owner's organisation: the person's, or the owner itself when it is one."""
        p = self.person(owner)
        if p is not None:
            return self._orgs.get((p.org or "").lower())
        return self._orgs.get(owner.strip().lower()) if owner else None

    def zone(self, owner: str | None, default: ZoneInfo) -> ZoneInfo:
        p = self.person(owner)
        return ZoneInfo(p.timezone) if p is not None and p.timezone else default

    def tags(self, owner: str | None, step: str = "owner") -> list[str]:
        """Own tags for a step of the chain, cumulative: the owner always hears; from the
        `lead` step on, the owner's lead too (the office is reached by routing rules)."""
        p, o = self.person(owner), self.org(owner)
        own = (p.tag if p else None) or (o.tag if o and p is None else None)
        tags = [own] if own else []
        if step in ("lead", "office"):
            lead = self.person((p.lead if p else None) or (o.lead if o else None))
            if lead is not None and lead.tag and lead.tag not in tags:
                tags.append(lead.tag)
        return tags


def load_recipients(path: Path | str | None) -> Recipients:
    """The directory's people and organisations; an empty one when `path` is None."""
    if path is None:
        return Recipients()
    data = load_yaml(Path(path), "directory")
    entries = [(Person, "people", i, e) for i, e in enumerate(data.get("people") or [])]
    entries += [(Org, "organisations", i, e) for i, e in enumerate(data.get("organisations") or [])]
    found: dict[str, list] = {"people": [], "organisations": []}
    for model, section, i, entry in entries:
        try:
            found[section].append(model.model_validate(entry))
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join([section, str(i), *(str(p) for p in err["loc"])])
            msg = err["msg"].removeprefix("Value error, ")
            raise ConfigError(f"directory file {path}: {where}: {msg}") from None
    return Recipients(found["people"], found["organisations"])
