"""Routing rules, message templates, the terminal channel, apprise config loading, redaction."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import apprise
import pytest

from config import DEFAULTS_DIR, ConfigError
from models import ActionItem, Kind, Status
from notify import describe_exception, load_apprise, load_routing, redact, render
from notify.routing import Routing

UTC = timezone.utc
NOW = datetime(2010, 2, 1, 9, tzinfo=UTC)


def review(**kw) -> ActionItem:
    fields = dict(id=12, title="Hold the Program Review", status=Status.open, kind=Kind.planned_event,
                  owner="CBP", counterpart="Russian Customs (FCS)", due_start=date(2010, 2, 1),
                  due_end=date(2010, 2, 7), due_text="the first week of February 2010",
                  evidence="The parties agreed to hold a Program Review in the first\n"
                           "week of February 2010.", created_at=NOW, updated_at=NOW)
    return ActionItem(**(fields | kw))


# --- routing -----------------------------------------------------------------------------

def write(tmp_path, text, name="routing.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_routing_file_loads_and_routes_the_escalation_chain():
    routing = load_routing(DEFAULTS_DIR / "routing.yaml")
    assert routing.tags_for(kind="reminder", item=review()) == ["default"]
    assert routing.tags_for(kind="overdue", item=review(), level=1) == ["default"]
    assert routing.tags_for(kind="overdue", item=review(), level=2) == ["default", "lead"]
    assert routing.tags_for(kind="overdue", item=review(), level=3) == ["default", "lead", "office"]
    assert routing.tags_for(kind="triage", item=review()) == ["default", "office"]


def test_rules_combine_until_stop_and_fall_back_to_default(tmp_path):
    routing = load_routing(write(tmp_path, """
version: 1
rules:
  - match: {owner: [kitova, "customs (fcs)"]}
    tags: [russia]
  - match: {kind: overdue, level: [2, 3], item_kind: planned_event}
    tags: lead, office
    stop: true
  - match: {owner: cbp}
    tags: [cbp]
"""))
    assert routing.tags_for(kind="reminder", item=review(owner="Elena KITOVA")) == ["russia"]
    assert routing.tags_for(kind="reminder", item=review(owner="Russian Customs (FCS)")) == ["russia"]
    assert routing.tags_for(kind="reminder", item=review()) == ["cbp"]
    assert routing.tags_for(kind="overdue", item=review(), level=2) == ["lead", "office"]  # stop
    assert routing.tags_for(kind="overdue", item=review(), level=1) == ["cbp"]
    assert routing.tags_for(kind="overdue", item=review(kind=Kind.request), level=2) == ["cbp"]
    assert routing.tags_for(kind="reminder", item=review(owner=None)) == ["default"]
    assert routing.tags_for(kind="digest") == ["default"]
    assert Routing().tags_for(kind="reminder", item=review()) == ["default"]


@pytest.mark.parametrize("text, fragment", [
    ("rules:\n  - match: {kind: remindr}\n    tags: [x]\n", "unknown notification kind 'remindr'"),
    ("rules:\n  - match: {owner: x}\n    tags: ['a b']\n", "must be one word"),
    ("rules:\n  - match: {colour: red}\n    tags: [x]\n", "rules.0.match.colour"),
    ("rules:\n  - match: {kind: reminder}\n", "rules.0.tags"),
    ("rules:\n  - tags: []\n", "rules.0.tags"),
    ("version: 2\nrules: []\n", "version"),
    ("- just a list\n", "must hold a mapping"),
    ("rules: [\n", "cannot read routing file"),
])
def test_a_bad_routing_file_is_one_clear_line(tmp_path, text, fragment):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_routing(path)
    message = str(err.value)
    assert fragment in message and str(path) in message and "\n" not in message


def test_a_missing_routing_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match="routing file not found: .*nope.yaml"):
        load_routing(tmp_path / "nope.yaml")


# --- templates -----------------------------------------------------------------------------

def test_reminder_reads_well():
    title, body = render(kind="reminder", item=review(), record_title="Moscow cable 091103Z OCT 09",
                         now=NOW, zone=ZoneInfo("UTC"))
    assert title == "Reminder: Hold the Program Review — due in 6 days"
    lines = body.splitlines()
    assert lines[0] == "Hold the Program Review"
    assert "Status: open | kind: planned event" in lines
    assert ("When: due in 6 days, by Sun 7 Feb 2010 (window Mon 1 Feb – Sun 7 Feb 2010; "
            '"the first week of February 2010")') in lines
    assert "Owner: CBP | counterpart: Russian Customs (FCS)" in lines
    assert ('Evidence: "The parties agreed to hold a Program Review in the first week of '
            'February 2010."') in lines
    assert "Source: Moscow cable 091103Z OCT 09" in lines
    assert lines[-1] == ("Item 12: followup show 12 | mark done: followup update 12 --status done")


@pytest.mark.parametrize("now, short, long", [
    (datetime(2010, 2, 6, 9, tzinfo=UTC), "due tomorrow", "due tomorrow, by Sun 7 Feb 2010"),
    (datetime(2010, 2, 7, 23, tzinfo=UTC), "due today", "due today, Sun 7 Feb 2010"),
    (datetime(2010, 2, 8, 9, tzinfo=UTC), "1 day overdue", "1 day overdue (was due Sun 7 Feb 2010)"),
    (datetime(2010, 2, 10, 9, tzinfo=UTC), "3 days overdue", "3 days overdue (was due Sun 7 Feb 2010)"),
])
def test_due_window_in_words(now, short, long):
    title, body = render(kind="overdue", item=review(due_start=None, due_text=None), now=now,
                         zone=ZoneInfo("UTC"), level=2)
    assert title.endswith(f"— {short}") and f"When: {long}" in body.splitlines()
    assert title.startswith("Overdue (level 2): ") and "Escalation level 2" in body


def test_dates_are_office_dates():
    # 03:00 UTC on 1 Feb is still 31 Jan in New York: one more day to go there.
    early = datetime(2010, 2, 1, 3, tzinfo=UTC)
    assert render(kind="reminder", item=review(), now=early, zone=ZoneInfo("UTC"))[0].endswith("6 days")
    assert render(kind="reminder", item=review(), now=early,
                  zone=ZoneInfo("America/New_York"))[0].endswith("7 days")


def test_undated_proposed_item_and_a_nudge():
    item = review(status=Status.proposed, due_start=None, due_end=None, due_text=None, evidence=None,
                  owner=None, counterpart=None)
    title, body = render(kind="nudge", item=item, now=NOW, zone=ZoneInfo("UTC"),
                         extra={"idle_days": 20})
    assert title == "Nudge: Hold the Program Review — no update for 20 days"
    assert "When: no due date" in body and "Evidence" not in body and "Owner" not in body
    assert "accept: followup update 12 --status open" in body
    assert "reject: followup update 12 --status rejected" in body


def test_long_evidence_is_shortened():
    _, body = render(kind="new-item", item=review(evidence="word " * 300), now=NOW, zone=ZoneInfo("UTC"))
    [line] = [ln for ln in body.splitlines() if ln.startswith("Evidence")]
    assert len(line) < 420 and line.endswith('…"')


def test_digest_without_item():
    title, body = render(kind="digest", item=None, now=NOW, zone=ZoneInfo("UTC"),
                         extra={"title": "week 5", "lines": ["3 open", "1 overdue"]})
    assert (title, body) == ("Digest: week 5", "3 open\n1 overdue")


# --- channels ------------------------------------------------------------------------------

def test_the_terminal_channel_prints_a_readable_block(capsys):
    channels = load_apprise(DEFAULTS_DIR / "apprise.yaml")
    [target] = list(channels.find(tag=["default"]))
    assert target.url(privacy=True) == "terminal://"
    assert target.notify(title="Reminder: Hold the Program Review — due in 6 days",
                         body="line one\nline two") is True
    out = capsys.readouterr().out
    assert out.splitlines() == ["-" * 72, "[REMINDER] Hold the Program Review — due in 6 days",
                                "line one", "line two"]


def test_terminal_block_without_a_label_shows_the_type(capsys):
    channels = apprise.Apprise()
    import notify.channels  # noqa: F401  (registers terminal://)

    assert channels.add("terminal://")
    assert channels.notify(title="plain title", body="b", notify_type=apprise.NotifyType.WARNING)
    assert "[WARNING] plain title" in capsys.readouterr().out


def write_yaml(tmp_path, text):
    path = tmp_path / "apprise.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, fragment", [
    ("version: 1\nurls:\n  - bogus://user:s3cretpass@host:\n      tag: default\n",
     "invalid Apprise schema (bogus)"),
    ("version: 1\nurls:\n  - terminal://:\n      tag: default\n  - nosuch://x:\n      tag: b\n",
     "invalid Apprise schema (nosuch)"),
    ("version: 1\nurls: []\n", "no usable notification URL"),
    ("", ""),
    ("urls: [\n", "Invalid Apprise YAML"),
])
def test_an_unusable_apprise_config_is_one_clear_line(tmp_path, text, fragment):
    path = write_yaml(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_apprise(path)
    message = str(err.value)
    assert fragment in message and str(path) in message and "\n" not in message
    assert "s3cretpass" not in message


def test_missing_or_unreadable_apprise_config(tmp_path):
    with pytest.raises(ConfigError, match="apprise config file not found: .*none.yaml"):
        load_apprise(tmp_path / "none.yaml")
    with pytest.raises(ConfigError, match="cannot read apprise config file .*: Is a directory"):
        load_apprise(tmp_path)
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ConfigError, match="bin.yaml"):
        load_apprise(binary)


# --- redaction -----------------------------------------------------------------------------

def test_redact_masks_known_secrets_and_url_credentials():
    text = ("POST json://bot:s3cretpass@hooks.example.org/x?token=abc123&format=text failed; "
            "see https://api.example.org/?apikey=zzz999 and raw s3cretpass")
    clean = redact(text, ["s3cretpass"])
    for secret in ("s3cretpass", "abc123", "zzz999"):
        assert secret not in clean
    assert "format=text" in clean and "hooks.example.org" in clean
    assert redact(None, ["x"]) is None


def test_exceptions_become_one_redacted_line():
    exc = RuntimeError("cannot reach json://u:hunter22@h/x\nTraceback line\nmore")
    assert describe_exception(exc, ["hunter22"]) == "RuntimeError: cannot reach json://u:****@h/x"


def test_status_change_reads_in_words():
    title, body = render(kind="status-change", item=review(status=Status.in_progress), now=NOW,
                         zone=ZoneInfo("UTC"), extra={"from_status": "open", "to_status": "in_progress",
                                                      "actor": "k.chaisson", "note": "draft asked"})
    assert title == "Status: Hold the Program Review — now in progress (was open)"
    assert "Status: in progress | kind: planned event" in body
    assert "Changed by k.chaisson: open -> in progress — draft asked" in body


def test_the_policy_can_shorten_apprises_pause_between_sends(tmp_path):
    """apprise waits 5.5 s between two e-mails to one target unless told otherwise."""
    from notify.send import Channels
    from receivers import write_apprise_config

    def pauses(min_interval):
        channels = load_apprise(write_apprise_config(tmp_path, [
            ("mailto://127.0.0.1:2525?from=bot@example.com&to=a@example.com", "default"),
            ("json://127.0.0.1:9/hook", "default")]))
        Channels(channels, 4, min_interval)
        return [t.request_rate_per_sec for t in channels]

    assert pauses(None) == [5.5, 0]  # apprise's own: polite to mail servers, none for webhooks
    assert pauses(0.2) == [0.2, 0.2]
