"""Issue 5's "done when", as a new user runs it: the `followup` command, an apprise
config holding a real SMTP server, a webhook and an MQTT topic, simulated times."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from models import ActionItemCreate, RecordCreate, session_scope
from models import records
from receivers import MqttSubscriber, SmtpReceiver, WebhookReceiver, mqtt_broker_or_skip

FOLLOWUP = str(Path(sys.executable).parent / "followup")
SECRET = "hunter2-webhook-token"
T0 = datetime(2010, 1, 20, 10, tzinfo=timezone.utc)

POLICY = """timezone: Europe/Moscow
reminder_hour: 9
reminder_offsets_days: [7, 1]
dispatch: {max_attempts: 3, backoff_seconds: 60, jitter: 0, timeout_seconds: 10}
"""


@pytest.fixture
def receivers():
    mqtt_broker_or_skip()
    smtp = SmtpReceiver().start()
    hook = WebhookReceiver(mode="fail").start()
    mqtt = MqttSubscriber(f"followup/e2e/{uuid.uuid4().hex}").start()
    yield smtp, hook, mqtt
    mqtt.stop()
    hook.stop()
    smtp.stop()


@pytest.fixture
def user_env(prefect_harness, db_url, tmp_path, receivers):
    from prefect.settings import PREFECT_API_URL

    smtp, hook, mqtt = receivers
    apprise_yaml = tmp_path / "apprise.yaml"
    apprise_yaml.write_text(f"""version: 1
urls:
  - "{smtp.url(to='owner@example.org')}":
      tag: default
  - "{hook.url(auth=f'bot:{SECRET}')}":
      tag: default
  - "{mqtt.url()}":
      tag: default
""", encoding="utf-8")
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    # The test's Prefect server: the commands report to it instead of starting their own.
    return os.environ | {"FOLLOWUP_APPRISE_CONFIG": str(apprise_yaml),
                         "FOLLOWUP_POLICY_FILE": str(policy), "COLUMNS": "250",
                         "PREFECT_API_URL": PREFECT_API_URL.value()}


def followup(env, *args: str) -> str:
    proc = subprocess.run([FOLLOWUP, *args], capture_output=True, text=True, env=env, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert SECRET not in proc.stdout + proc.stderr
    return proc.stdout


def at(hhmm: str) -> datetime:
    """That time on 1 Feb 2010 in Moscow (UTC+3 then), as the CLI's --now reads it."""
    h, m = map(int, hhmm.split(":"))
    return datetime(2010, 2, 1, h - 3, m, tzinfo=timezone.utc)


def test_reminders_arrive_once_per_target_and_a_failing_webhook_goes_dead(engine, user_env,
                                                                          receivers, monkeypatch):
    smtp, hook, mqtt = receivers
    with session_scope(engine) as s:
        records.ingest_record(
            session=s, record_in=RecordCreate(title="Cable 09MOSCOW2620", text="x"),
            items_in=[ActionItemCreate(title="Hold the Program Review", kind="planned_event",
                                       owner="EXBS", due_start=date(2010, 2, 1),
                                       due_end=date(2010, 2, 7), confidence=0.9,
                                       evidence="A Program Review is planned for early February."),
                      ActionItemCreate(title="Send the MOU draft", kind="request", owner="CBP",
                                       due_end=date(2010, 2, 2), confidence=0.9),
                      ActionItemCreate(title="Plan the NII course", kind="commitment",
                                       due_end=date(2010, 4, 1), confidence=0.9)],
            now=T0, auto_accept=0.75)
    # 09:00 in Moscow; the third item is not due for a reminder yet.
    out = followup(user_env, "sweep", "--now", "2010-02-01T09:00")
    assert "queued 2 reminder" in out
    out = followup(user_env, "dispatch", "--now", "2010-02-01T09:00")
    assert "sent 0, failed 2" in out and "json://bot:****@127.0.0.1" in out

    assert len(smtp.messages) == 2 and len(mqtt.wait_for(2)) == 2
    subjects = sorted(m["subject"] for m in smtp.messages)
    assert subjects == ["Reminder: Hold the Program Review — due in 6 days",
                        "Reminder: Send the MOU draft — due tomorrow"]
    body = SmtpReceiver.text_of(next(m for m in smtp.messages if "Program" in m["subject"]))
    assert "due in 6 days, by Sun 7 Feb 2010" in body and "Cable 09MOSCOW2620" in body
    assert hook.requests[0].auth == f"bot:{SECRET}"  # the secret was used, never shown

    # Sweeping and dispatching again at the same moment sends nothing new. (The
    # dispatch flow runs in this process from here on: each `followup` process
    # costs seconds of Prefect start-up.)
    assert "already queued" in followup(user_env, "sweep", "--now", "2010-02-01T09:00")
    monkeypatch.setenv("FOLLOWUP_APPRISE_CONFIG", user_env["FOLLOWUP_APPRISE_CONFIG"])
    monkeypatch.setenv("FOLLOWUP_POLICY_FILE", user_env["FOLLOWUP_POLICY_FILE"])
    from flows.flows import dispatch

    def counts(r: dict) -> tuple[int, int, int]:
        assert SECRET not in str(r)
        return r["sent"], r["failed"], r["dead"]

    assert counts(dispatch(now=at("09:00"))) == (0, 0, 0)
    # The webhook is retried after its backoff (60 s, then 120 s), then the messages are dead;
    # e-mail and MQTT, already delivered, are not sent again.
    assert counts(dispatch(now=at("09:01"))) == (0, 2, 0)
    last = dispatch(now=at("09:03"))
    assert counts(last) == (0, 0, 2)
    assert all("dead: json://bot:****@127.0.0.1" in p and "error=500" in p for p in last["problems"])
    assert len(hook.requests) == 6 and len(smtp.messages) == 2 and len(mqtt.wait_for(2)) == 2
    dead = followup(user_env, "notifications", "--dead")
    assert "Hold the Program Review" in dead and "json://bot:****@127.0.0.1" in dead
    assert "error=500" in dead
