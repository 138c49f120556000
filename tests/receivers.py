"""Real receivers on loopback for notification tests: SMTP (aiosmtpd) and an HTTP webhook.

The webhook can be told to answer 200, to fail with 500, to hang until released,
or to close the connection without answering. Nothing here sleeps: a hanging
request waits on a threading.Event that `stop()` sets.
"""

from __future__ import annotations

import base64
import email
import email.policy
import json
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

from cli.up import free_port  # noqa: F401  (the tests' import of it)


class SmtpReceiver:
    """An SMTP server on 127.0.0.1 that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._controller: Controller | None = None
        self.port = 0

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd hook
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.original_content or envelope.content,
                                                      policy=email.policy.default))
        return "250 Message accepted for delivery"

    def start(self) -> SmtpReceiver:
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()

    def url(self, *, to: str = "alice@example.com", sender: str = "bot@example.com") -> str:
        return f"mailto://127.0.0.1:{self.port}?from={sender}&to={to}"

    @staticmethod
    def text_of(message: email.message.EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain", "html"))
        return part.get_content() if part is not None else ""


class QuietHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that does not print a traceback for a client that hung up:
    cut-off sends and dropped connections are what the hang and close modes test."""

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass
class Request:
    path: str
    payload: dict | None
    auth: str | None  # "user:password" from basic auth, if any
    answered: int | None = None  # HTTP status sent back; None if hung or closed


@dataclass
class WebhookReceiver:
    """A JSON webhook on 127.0.0.1; `mode` is ok, fail (500), hang or close."""

    mode: str = "ok"
    delay: float = 0.0  # seconds before answering: `make bench`'s stand-in for a real service
    hang_after: int | None = None  # answer this many requests, then hang like mode "hang"
    requests: list[Request] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    arrived: threading.Event = field(default_factory=threading.Event)  # set on each request
    counted: threading.Condition = field(default_factory=threading.Condition)

    def wait_requests(self, count: int, timeout: float = 30) -> bool:
        """True once `count` requests have arrived; False if `timeout` runs out first."""
        with self.counted:
            return self.counted.wait_for(lambda: len(self.requests) >= count, timeout)

    def start(self) -> WebhookReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                size = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(size)
                try:
                    payload = json.loads(raw) if raw else None
                except ValueError:
                    payload = {"raw": raw.decode("utf-8", "replace")}
                auth = self.headers.get("Authorization")
                if auth and auth.startswith("Basic "):
                    auth = base64.b64decode(auth[6:]).decode()
                req = Request(self.path, payload, auth)
                with receiver.counted:
                    receiver.requests.append(req)
                    receiver.counted.notify_all()
                receiver.arrived.set()
                mode = receiver.mode
                if receiver.hang_after is not None and len(receiver.requests) > receiver.hang_after:
                    mode = "hang"
                if receiver.delay:
                    time.sleep(receiver.delay)
                if mode == "hang":
                    # Bounded so a forgotten release cannot keep a thread forever.
                    receiver.release.wait(30)
                if mode == "close":
                    self.close_connection = True
                    return
                status = 500 if mode == "fail" else 200
                req.answered = status
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:  # keep test output clean
                pass

        class Server(QuietHTTPServer):
            request_queue_size = 256  # dispatch opens many connections at once; 5 refuses some

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def url(self, path: str = "/hook", auth: str | None = None) -> str:
        cred = f"{auth}@" if auth else ""
        return f"json://{cred}127.0.0.1:{self.port}{path}"

    @property
    def delivered(self) -> list[Request]:
        """Requests answered with success: messages that really arrived."""
        return [r for r in self.requests if r.answered == 200]


# --- small builders shared by the notify tests -------------------------------------------

def write_apprise_config(folder, entries: list[tuple[str, str]], name: str = "apprise.yaml"):
    """An ordinary apprise YAML file with (url, "tag, tag") entries; returns its path."""
    lines = ["version: 1", "urls:"]
    for url, tags in entries:
        lines += [f"  - {json.dumps(url)}:", f"      tag: {tags}"]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class MqttSubscriber:
    """A paho-mqtt subscriber on the local broker that keeps what arrives on `topic`."""

    def __init__(self, topic: str, host: str = "127.0.0.1", port: int = 1883) -> None:
        import paho.mqtt.client as mqtt

        self.topic, self.host, self.port = topic, host, port
        self.messages: list[str] = []
        self.arrived = threading.Condition()
        self._subscribed = threading.Event()
        self._client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        self._client.on_connect = lambda c, *a: c.subscribe(topic, qos=1)
        self._client.on_subscribe = lambda *a: self._subscribed.set()
        self._client.on_message = self._on_message

    def _on_message(self, client, userdata, msg) -> None:
        with self.arrived:
            self.messages.append(msg.payload.decode("utf-8", "replace"))
            self.arrived.notify_all()

    def start(self) -> MqttSubscriber:
        self._client.connect(self.host, self.port, keepalive=30)
        self._client.loop_start()
        if not self._subscribed.wait(10):
            raise RuntimeError(f"no SUBACK from the MQTT broker at {self.host}:{self.port}")
        return self

    def wait_for(self, count: int, timeout: float = 10) -> list[str]:
        """The messages, once `count` have arrived (or when `timeout` runs out)."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout)
            return list(self.messages)

    def stop(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()

    def url(self, extra: str = "qos=1") -> str:
        return f"mqtt://{self.host}:{self.port}/{self.topic}?{extra}"


def mqtt_broker_or_skip(host: str = "127.0.0.1", port: int = 1883) -> None:
    """Skip (with the reason) when no broker listens; under CI=true that is a failure."""
    import os

    import pytest

    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError as exc:
        msg = (f"no MQTT broker at {host}:{port} ({exc.strerror or exc}); "
               "start one with `mosquitto -d -c /etc/mosquitto/mosquitto.conf`")
        if os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)
