"""Routing to people: their own tags and time zones from the directory, the escalation
chain, organisations; and the message forms (text, Markdown, HTML) each channel gets."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from config import ConfigError, Policy
from config.settings import DispatchPolicy, EscalationStep
from models import ActionItem, ActionItemCreate, Kind, Status, session_scope
from models import items as item_ops
from notify import dispatch_due, load_apprise, load_recipients, load_routing, render_message, run_sweep
from receivers import SmtpReceiver, WebhookReceiver, write_apprise_config

UTC = timezone.utc
T0 = datetime(2010, 1, 1, 10, tzinfo=UTC)
DIRECTORY = """
organisations:
  - name: CBP
    aliases: [US Customs and Border Protection]
    tag: cbp
    lead: Thomas Corwin
  - name: EXBS
people:
  - name: Karen Chaisson
    org: CBP
    aliases: [Chaisson]
    tag: chaisson
    timezone: America/New_York
  - name: Thomas Corwin
    org: CBP
    tag: corwin
    lead: Nobody Listed
"""
ROUTES = """
version: 1
rules:
  - {match: {kind: escalation}, tags: [office]}
  - {match: {organisation: CBP, kind: reminder}, tags: [cbp-team]}
"""


@pytest.fixture
def routing(tmp_path):
    (tmp_path / "directory.yaml").write_text(DIRECTORY, encoding="utf-8")
    (tmp_path / "routing.yaml").write_text(ROUTES, encoding="utf-8")
    return load_routing(tmp_path / "routing.yaml", tmp_path / "directory.yaml")


def item(owner="Karen Chaisson", **kw) -> ActionItem:
    fields = dict(id=7, title="Send the MOU draft", status=Status.open, kind=Kind.request,
                  owner=owner, due_end=date(2010, 3, 15), created_at=T0, updated_at=T0)
    return ActionItem(**(fields | kw))


def test_people_and_organisations_name_their_own_tags(routing):
    people = routing.recipients
    assert people.tags("Karen Chaisson") == ["chaisson"] and people.tags("chaisson") == ["chaisson"]
    # The chain is cumulative: the owner keeps hearing; her organisation's lead joins.
    assert people.tags("Karen Chaisson", "lead") == ["chaisson", "corwin"]
    assert people.tags("Thomas Corwin", "lead") == ["corwin"]  # his lead is not in the directory
    assert people.tags("US Customs and Border Protection") == ["cbp"]
    assert people.tags("EXBS") == [] and people.tags("Someone Else") == [] and people.tags(None) == []
    assert people.tags("Karen Chaisson", "office") == ["chaisson", "corwin"]
    assert people.zone("Karen Chaisson", ZoneInfo("UTC")) == ZoneInfo("America/New_York")
    assert people.zone("Thomas Corwin", ZoneInfo("Europe/Moscow")) == ZoneInfo("Europe/Moscow")


def test_routing_adds_the_step_s_own_tag_and_matches_organisations(routing):
    karen = item()
    assert routing.tags_for(kind="reminder", item=karen) == ["cbp-team", "chaisson"]
    assert routing.tags_for(kind="reminder", item=item(owner="EXBS")) == ["default"]
    assert routing.tags_for(kind="overdue", item=karen, level=1) == ["default", "chaisson"]
    # level 2 and up are escalations: the office rule, and the owner's lead.
    assert routing.tags_for(kind="overdue", item=karen, level=2, step="lead") == [
        "office", "chaisson", "corwin"]
    assert routing.tags_for(kind="overdue", item=item(owner="EXBS"), level=3, step="office") == [
        "office"]


@pytest.mark.parametrize("entry, fragment", [
    ("people: [{name: A, tag: 'two words'}]", "people.0.tag: tag 'two words' must be one word (no spaces, commas or colons)"),
    ("people: [{name: A, timezone: Mars/Base}]", "people.0.timezone: unknown time zone 'Mars/Base' (use an IANA name like Europe/Moscow)"),
])
def test_a_bad_directory_entry_is_one_clear_line(tmp_path, entry, fragment):
    path = tmp_path / "directory.yaml"
    path.write_text(entry, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_recipients(path)
    assert str(err.value) == f"directory file {path}: {fragment}"


def test_escalation_steps_name_who_hears_them():
    assert [s.step for s in Policy().escalation] == ["owner", "lead", "office"]
    assert EscalationStep(after_days=3, level=2, to="office").step == "office"


def test_reminders_go_out_at_the_owner_s_hour_across_dst(routing, sqlite_engine):
    """Karen is in New York (DST began 14 Mar 2010); the office runs on UTC."""
    engine = sqlite_engine
    with session_scope(engine) as s:
        for owner in ("Karen Chaisson", "EXBS"):
            item_ops.create_item(session=s, record_id=None, now=T0, actor="t", status=Status.open,
                                 item_in=ActionItemCreate(title=f"Report by {owner}", owner=owner,
                                                          due_end=date(2010, 3, 15)))
    policy = Policy(timezone="UTC", reminder_offsets_days=[1])

    def swept(hour: int, minute: int = 0) -> list[str]:
        with session_scope(engine) as s:
            report = run_sweep(session=s, policy=policy, routing=routing,
                               now=datetime(2010, 3, 14, hour, minute, tzinfo=UTC))
            return [n.title for n in report.queued]

    assert swept(9) == ["Reminder: Report by EXBS — due tomorrow"]  # 09:00 UTC
    assert swept(12, 59) == []  # 08:59 in New York (EDT, UTC-4, since that morning)
    assert swept(13) == ["Reminder: Report by Karen Chaisson — due tomorrow"]


# --- forms ----------------------------------------------------------------------------

NOW = datetime(2010, 3, 8, 9, tzinfo=UTC)


def test_markdown_and_html_forms_escape_record_text_and_show_links():
    it = item(title="Review <b>draft</b> *urgent*", evidence="They asked for an MOU & a <plan>.")
    m = render_message(kind="reminder", item=it, record_title="Cable", now=NOW, zone=ZoneInfo("UTC"),
                       links={"Mark done": "https://followup.example/i/7/done?t=abc",
                              "Snooze a week": "https://followup.example/i/7/snooze?t=abc"})
    assert m.title == "Reminder: Review <b>draft</b> *urgent* — due in 7 days"
    assert "Mark done: https://followup.example/i/7/done?t=abc" in m.text.splitlines()
    assert m.markdown.startswith("**Review \\<b\\>draft\\</b\\> \\*urgent\\***")
    assert '> Evidence: "They asked for an MOU & a \\<plan\\>."' in m.markdown
    assert "[Mark done](https://followup.example/i/7/done?t=abc)" in m.markdown
    assert m.markdown.endswith("Item 7: `followup show 7` | mark done: `followup update 7 --status done`")
    assert "<b>" not in m.html and "&lt;b&gt;draft&lt;/b&gt;" in m.html
    assert "<blockquote>Evidence: &quot;They asked for an MOU &amp; a &lt;plan&gt;.&quot;</blockquote>" in m.html
    assert '<a href="https://followup.example/i/7/snooze?t=abc">Snooze a week</a>' in m.html
    assert render_message(kind="reminder", item=it, record_title="Cable", now=NOW,
                          zone=ZoneInfo("UTC")).text == \
        m.text.replace("Mark done: https://followup.example/i/7/done?t=abc\n", "").replace(
            "Snooze a week: https://followup.example/i/7/snooze?t=abc\n", "")


def test_each_channel_gets_its_own_form(tmp_path, routing, sqlite_engine):
    """E-mail gets HTML (with a plain-text part), a Markdown webhook gets Markdown, a text one text."""
    engine = sqlite_engine
    with session_scope(engine) as s:
        item_ops.create_item(session=s, record_id=None, now=T0, actor="t", status=Status.open,
                             item_in=ActionItemCreate(title="Send the MOU draft", owner="EXBS",
                                                      due_end=date(2010, 3, 15),
                                                      evidence="FCS asked for an MOU."))
        run_sweep(session=s, policy=Policy(), routing=routing, now=NOW)
    smtp, md, text = SmtpReceiver().start(), WebhookReceiver().start(), WebhookReceiver().start()
    try:
        channels = load_apprise(write_apprise_config(tmp_path, [
            (smtp.url(), "default"), (md.url("/md") + "?format=markdown", "default"),
            (text.url("/text"), "default")]))
        report = dispatch_due(engine=engine, apprise_obj=channels, now=NOW,
                              policy=Policy(dispatch=DispatchPolicy(timeout_seconds=10)))
        assert report.sent == 1
        [mail] = smtp.messages
        html = mail.get_body(preferencelist=("html",)).get_content()
        assert "<blockquote>Evidence: &quot;FCS asked for an MOU.&quot;</blockquote>" in html
        assert "**Send the MOU draft**" in md.delivered[0].payload["message"]
        assert text.delivered[0].payload["message"].startswith("Send the MOU draft\nStatus: open")
    finally:
        smtp.stop()
        md.stop()
        text.stop()
