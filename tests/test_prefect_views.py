"""Events and artifacts the Prefect UI shows, under the real Prefect test server."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

NOW = datetime(2010, 2, 1, 9, 0, tzinfo=timezone.utc)
TEXT = "ACTION: Alice to circulate the minutes by 2010-02-05.\n"


@pytest.fixture
def flows_env(prefect_harness, db_url):
    from flows import flows

    return flows


def _events(resource_id: str) -> list:
    """The events the server stored about one resource (after draining our sender)."""
    from prefect.client.orchestration import get_client
    from prefect.events.worker import EventsWorker

    EventsWorker.drain_all()
    with get_client(sync_client=True) as client:
        r = client.request("POST", "/events/filter", json={
            "filter": {"resource": {"id": [resource_id]},
                       "occurred": {"since": "2000-01-01T00:00:00Z"}}, "limit": 50})
        return r.json()["events"]


def test_ingest_emits_created_and_publishes_artifacts(flows_env):
    [s] = flows_env.ingest(text=TEXT, title="Stand-up", now=NOW)
    evs = _events(f"followup.action-item.{s['created'][0]}")
    print(evs)
    assert evs
