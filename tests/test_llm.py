"""The optional model extractor against a small OpenAI-compatible server on loopback."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import httpx
import pytest

from extraction import extract
from extraction.llm import LLMConfig, extract_llm
from models import Kind
from receivers import QuietHTTPServer

REPO = Path(__file__).resolve().parents[1]
KEY = "sk-test-not-a-real-key-1234"
RECORD = """Steering group minutes
Date: 2023-06-15

Bilal said the transport department will publish its feed in July.
ACTION: Dmitri to circulate the usability report by 30 June 2023.
"""
GOOD = {"items": [
    {"title": "Circulate the usability report", "kind": "action", "owner": "Dmitri", "due_text": "by 30 June 2023",
     "due_start": "2023-06-30", "due_end": "2023-06-30",
     "evidence": "Dmitri to circulate the usability report by 30 June 2023.", "confidence": 0.9},
    {"title": "Publish the timetable feed", "kind": "commitment", "owner": "transport department",
     "evidence": "the transport department will publish its feed in July", "confidence": 0.5},
    {"title": "Invented", "kind": "request", "evidence": "Nobody wrote this sentence.", "confidence": 0.99},
]}


class Model(BaseHTTPRequestHandler):
    """Answers /v1/chat/completions with whatever the test put in `reply`; remembers what it was sent."""

    reply: tuple[int, str] = (200, "")
    seen: list[dict] = []
    release = threading.Event()
    hold = False

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Model.seen.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        if Model.hold:
            Model.release.wait(10)  # the client gives up first: that is the timeout under test
        status, content = Model.reply
        payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def model() -> Iterator[str]:
    server = QuietHTTPServer(("127.0.0.1", 0), Model)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Model.seen, Model.hold = [], False
    Model.release.clear()
    yield f"http://127.0.0.1:{server.server_port}/v1"
    Model.release.set()
    server.shutdown()
    server.server_close()
    thread.join()


def run(url: str, timeout: float = 10.0):
    with httpx.Client() as client:
        return extract_llm(RECORD, client=client, config=LLMConfig(url=url, model="m", key=KEY, timeout=timeout))


def test_model_items_are_validated_and_checked_against_the_text(model: str) -> None:
    Model.reply = (200, "```json\n" + json.dumps(GOOD) + "\n```")
    res = run(model)
    assert res.used_model and res.note == "dropped 1 model item(s) whose evidence is not in the record"
    titles = [i.title for i in res.result.items]
    assert titles == ["Circulate the usability report", "Publish the timetable feed"]
    first = res.result.items[0]
    assert RECORD[first.evidence_start:first.evidence_end] == first.evidence
    assert (first.kind, str(first.due_end)) == (Kind.action, "2023-06-30")
    sent = Model.seen[0]
    assert sent["path"] == "/v1/chat/completions" and sent["auth"] == f"Bearer {KEY}"
    assert sent["body"]["model"] == "m" and "2023-06-15" in sent["body"]["messages"][1]["content"]


@pytest.mark.parametrize(("status", "content", "says"), [
    (200, "not json at all", "no usable JSON"),
    (200, json.dumps({"items": [{"title": "x", "kind": "wish", "evidence": "abc"}]}), "does not match the item schema"),
    (500, "", "HTTP 500"),
])
def test_bad_answers_fall_back_to_the_rules(model: str, status: int, content: str, says: str) -> None:
    Model.reply = (status, content)
    res = run(model)
    assert not res.used_model and says in res.note and "used the rules" in res.note
    assert res.result.items == extract(RECORD).items
    assert KEY not in res.note and "127.0.0.1" not in res.note


def test_a_timeout_falls_back_to_the_rules(model: str) -> None:
    Model.hold, Model.reply = True, (200, json.dumps(GOOD))
    res = run(model, timeout=0.3)
    Model.release.set()
    assert not res.used_model and res.note == "the model did not answer within 0.3 s; used the rules"
    assert res.result.items == extract(RECORD).items


def test_an_unreachable_endpoint_falls_back() -> None:
    with httpx.Client() as client:  # port 9 on loopback: nothing listens there
        res = extract_llm(RECORD, client=client, config=LLMConfig(url="http://127.0.0.1:9", model="m", timeout=2))
    assert not res.used_model and "could not be reached" in res.note


def test_the_cli_uses_the_model_when_configured_and_keeps_the_key_out(model: str, tmp_path) -> None:
    path = tmp_path / "minutes.txt"
    path.write_text(RECORD, encoding="utf-8")
    env = os.environ | {"FOLLOWUP_LLM_URL": model, "FOLLOWUP_LLM_KEY": KEY, "FOLLOWUP_DATA_DIR": str(tmp_path)}
    cmd = [str(REPO / ".venv" / "bin" / "followup"), "extract", str(path), "--format", "json"]
    Model.reply = (200, json.dumps(GOOD))
    ok = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0 and "Publish the timetable feed" in ok.stdout and "dropped 1" in ok.stderr
    Model.reply = (200, "{broken")
    fell_back = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert fell_back.returncode == 0 and "used the rules" in fell_back.stderr
    assert "Circulate the usability report" in fell_back.stdout
    rules = subprocess.run([*cmd, "--rules"], env=env, capture_output=True, text=True, timeout=120)
    assert rules.returncode == 0 and rules.stderr == "" and len(Model.seen) == 2
    for p in (ok, fell_back, rules):
        assert KEY not in p.stdout + p.stderr
