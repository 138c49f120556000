"""Signed one-click links, the calendar feed, record upload, and what must stay secret."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pytest
from sqlmodel import select
from icalendar import Calendar

from models.links import BadLink, feed_key, sign_link, verify_link
from tests.api_helpers import T0, app, auth, client, clock, ids, tokens  # noqa: F401  (fixtures)

SECRET = "s" * 32


def test_link_round_trip_tamper_and_expiry():
    token = sign_link(secret=SECRET, item_id=4, version=2, action="done", now=T0)
    claim = verify_link(secret=SECRET, token=token, now=T0 + timedelta(days=13))
    assert (claim.item_id, claim.version, claim.action) == (4, 2, "done")
    with pytest.raises(BadLink, match="expired"):
        verify_link(secret=SECRET, token=token, now=T0 + timedelta(days=14))
    forged = token.replace("4.2.done", "5.2.done", 1)
    with pytest.raises(BadLink, match="not valid"):
        verify_link(secret=SECRET, token=forged, now=T0)
    with pytest.raises(BadLink):
        verify_link(secret="t" * 32, token=token, now=T0)
    with pytest.raises(BadLink):
        verify_link(secret=SECRET, token="garbage", now=T0)


def _link(app, item_id: int, action: str, version: int = 1, now=T0) -> str:
    secret = app.state.followup.secret
    return "/act/" + sign_link(secret=secret, item_id=item_id, version=version, action=action, now=now)


def test_get_only_confirms_post_acts_once(app, client, ids, tokens):
    url = _link(app, ids[0], "done")
    page = client.get(url)
    assert page.status_code == 200 and "<form method=\"post\">" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert client.get(f"/items/{ids[0]}", headers=auth(tokens["viewer"])).json()["status"] == "open"
    acted = client.post(url)
    assert acted.status_code == 200 and "Marked done" in acted.text
    item = client.get(f"/items/{ids[0]}", headers=auth(tokens["viewer"])).json()
    assert item["status"] == "done" and item["history"][-1]["actor"] == "link:EXBS"
    again = client.post(url)
    assert again.status_code == 410 and "already used" in again.text
    assert client.get(url).status_code == 410


def test_snooze_and_acknowledge(app, client, ids, tokens):
    r = client.post(_link(app, ids[1], "snooze"))  # due 2010-01-15, overdue on 2010-01-25
    assert r.status_code == 200 and "2010-02-01" in r.text
    snoozed = client.get(f"/items/{ids[1]}", headers=auth(tokens["viewer"])).json()
    assert (snoozed["due_start"], snoozed["due_end"]) == ("2010-01-10", "2010-02-01")
    ack = client.post(_link(app, ids[2], "ack"))
    assert ack.status_code == 200
    item = client.get(f"/items/{ids[2]}", headers=auth(tokens["viewer"])).json()
    assert item["status"] == "open"  # a proposed item acknowledged by its owner is accepted


def test_expired_and_forged_links_change_nothing(app, client, ids, clock, tokens):
    url = _link(app, ids[0], "done")
    clock.now = T0 + timedelta(days=15)
    assert client.post(url).status_code == 410
    assert client.post(url[:-3] + "abc").status_code == 410
    assert client.get(f"/items/{ids[0]}", headers=auth(tokens["viewer"])).json()["version"] == 1


def test_calendar_feed_by_token_or_feed_key(app, client, ids, tokens):
    r = client.get("/calendar.ics", headers=auth(tokens["viewer"]))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(r.content)
    evs = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    assert set(evs) == {"Hold the Program Review", "Send the course outline"}  # the undated one is not in
    review = evs["Hold the Program Review"]
    assert review.decoded("dtstart") == date(2010, 2, 1) and review.decoded("dtend") == date(2010, 2, 8)
    key = feed_key(secret=app.state.followup.secret, owner="EXBS")
    mine = client.get(f"/calendar.ics?owner=EXBS&key={key}")
    assert [str(e["summary"]) for e in Calendar.from_ical(mine.content).walk("VEVENT")] == [
        "Hold the Program Review"]
    assert client.get(f"/calendar.ics?owner=CBP&key={key}").status_code == 401
    assert client.get("/calendar.ics").status_code == 401


def test_access_log_hides_link_tokens_and_feed_keys():
    from api.app import RedactLinks

    rec = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s"', (
        "127.0.0.1", "GET", "/act/12.3.done.99.SIGNATURE?x=1"), None)
    rec2 = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s', (
        "/calendar.ics?owner=A&key=SECRETKEY",), None)
    RedactLinks().filter(rec), RedactLinks().filter(rec2)
    assert "SIGNATURE" not in rec.getMessage() and "/act/<redacted>" in rec.getMessage()
    assert "SECRETKEY" not in rec2.getMessage() and "owner=A" in rec2.getMessage()


def test_refuses_non_loopback_without_secret(monkeypatch):
    from api.app import check_bind
    from config import ConfigError, Settings

    monkeypatch.delenv("FOLLOWUP_API_SECRET", raising=False)
    check_bind("127.0.0.1", Settings())
    check_bind("::1", Settings())
    with pytest.raises(ConfigError, match="FOLLOWUP_API_SECRET"):
        check_bind("0.0.0.0", Settings())
    monkeypatch.setenv("FOLLOWUP_API_SECRET", "x" * 32)
    check_bind("0.0.0.0", Settings())


def test_generated_secret_is_kept_private_and_stable(tmp_path, monkeypatch):
    from config import Settings
    from config.secret import api_secret

    monkeypatch.delenv("FOLLOWUP_API_SECRET", raising=False)
    monkeypatch.setenv("FOLLOWUP_DATA_DIR", str(tmp_path / "d"))
    first = api_secret(Settings())
    assert api_secret(Settings()) == first and len(first) >= 32
    assert (tmp_path / "d" / "api-secret").stat().st_mode & 0o077 == 0


@pytest.mark.usefixtures("prefect_harness")
def test_post_record_runs_ingest_and_answers_202(client, tokens):
    h = auth(tokens["editor"])
    text = "ACTION: CBP to send the training plan to the FCS by 2010-03-01.\n"
    r = client.post("/records", data={"text": text, "title": "Minutes"}, headers=h)
    assert r.status_code == 202, r.text
    body = r.json()
    assert body["new_record"] and body["ingest_run_id"] and r.headers["location"] == f"/records/{body['record_id']}"
    rec = client.get(f"/records/{body['record_id']}", headers=auth(tokens["viewer"])).json()
    assert rec["text"] == text and rec["item_ids"] == body["created"]
    up = client.post("/records", files={"file": ("m.txt", text.encode())}, headers=h)
    assert up.status_code == 202 and up.json()["record_id"] == body["record_id"] and not up.json()["new_record"]


def test_bad_uploads(client, tokens, app):
    h = auth(tokens["editor"])
    binary = client.post("/records", files={"file": ("b.bin", b"\x00\x01abc")}, headers=h)
    assert binary.status_code == 422 and "binary" in binary.json()["message"]
    latin = client.post("/records", files={"file": ("l.txt", "caf\xe9".encode("latin-1"))}, headers=h)
    assert latin.status_code == 422 and "UTF-8" in latin.json()["message"]
    both = client.post("/records", data={"text": "x"}, files={"file": ("a.txt", b"y")}, headers=h)
    assert both.status_code == 422
    app.state.followup.settings.max_record_mb = 0.5
    big = client.post("/records", files={"file": ("big.txt", b"a" * (1 << 20))}, headers=h)
    assert big.status_code == 413
    assert client.post("/records", data={"text": "x"}, headers=auth(tokens["viewer"])).status_code == 403


def test_non_ascii_links_and_keys_are_refused_not_errors(client, tokens):
    assert client.get("/act/1.1.done.9\u00b2.abc").status_code == 410
    assert client.get("/calendar.ics?key=\u00e9").status_code == 401


def test_reminder_carries_links_that_work(app, client, ids, engine, tokens):
    from datetime import datetime, timezone

    from config import Settings
    from flows.links import links_for
    from models import Notification, session_scope
    from notify import load_routing, run_sweep
    from notify.wording import word_claimed

    settings = Settings()
    routing = load_routing(settings.routing_file)
    at = datetime(2010, 1, 25, 9, 0, tzinfo=timezone.utc)  # the course outline is overdue
    with session_scope(engine) as s:
        run_sweep(session=s, policy=settings.policy, routing=routing, now=at)
    with session_scope(engine) as s:  # what the dispatcher does with what it claims
        n = s.exec(select(Notification).where(Notification.item_id == ids[1])
                   .where(Notification.kind == "overdue")).one()
        word_claimed(session=s, notifications=[n], now=at, office=settings.policy.zone,
                     routing=routing, links_for=links_for(settings, at))
        body, html = n.body, n.body_html
    assert "/act/" in html  # every form of the message carries the links
    done = next(line for line in body.splitlines() if line.startswith("Mark done: "))
    path = "/act/" + done.split("/act/", 1)[1]
    assert client.post(path).status_code == 200
    assert client.get(f"/items/{ids[1]}", headers=auth(tokens["viewer"])).json()["status"] == "done"
    snooze = next(line for line in body.splitlines() if line.startswith("Snooze a week: "))
    assert client.post("/act/" + snooze.split("/act/", 1)[1]).status_code == 410  # one link per version
