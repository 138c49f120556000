"""Every deployment, with its schedule or trigger, served from one process.

`python -m flows.serve` is what `followup up` runs (the single-machine path);
`prefect.yaml` describes the same deployments for `prefect deploy --all` and
workers on a `followup` process pool (the scale-out path).
"""

from __future__ import annotations

import os

import flows  # noqa: F401  (no telemetry, before Prefect loads)

SWEEP_CRON = "0 * * * *"  # hourly, on the hour, office time
DIGEST_CRON = "0 8 * * 1"  # Mondays 08:00 office time
DASHBOARD_CRON = "*/15 * * * *"
DISPATCH_EVERY = 60  # seconds
STATUS_CHANGED = "followup.action-item.status-changed"


def deployments(timezone: str) -> list:
    """The RunnerDeployments `serve` registers; `timezone` is the office's (policy file)."""
    from prefect.events import DeploymentEventTrigger
    from prefect.schedules import Cron, Interval

    from flows import flows as f

    cron = dict(timezone=timezone)
    return [
        f.ingest.to_deployment("ingest", description="Ingest records: `paths` (files) or `text`."),
        f.sweep.to_deployment("sweep", schedules=[Cron(SWEEP_CRON, **cron)]),
        # One dispatch at a time: runs that pile up behind a slow channel wait their turn.
        f.dispatch.to_deployment("dispatch", schedules=[Interval(DISPATCH_EVERY)], concurrency_limit=1),
        f.digest.to_deployment("digest", schedules=[Cron(DIGEST_CRON, **cron)]),
        f.dashboard.to_deployment("dashboard", schedules=[Cron(DASHBOARD_CRON, **cron)]),
        f.notify.to_deployment("notify", triggers=[DeploymentEventTrigger(
            expect={STATUS_CHANGED}, match={"prefect.resource.id": "followup.action-item.*"},
            parameters={"item": "{{ event.resource.id }}"})]),
    ]


def main() -> None:
    from prefect import serve

    from flows.deps import get_settings

    if not os.environ.get("PREFECT_API_URL"):
        raise SystemExit("error: set PREFECT_API_URL (or run `followup up`, which does)")
    # pause_on_shutdown=False: a trigger still fires for a paused deployment, and a
    # stopped `up` must leave the schedules as the user set them.
    serve(*deployments(get_settings().policy.timezone), pause_on_shutdown=False,
          print_starting_message=False)


if __name__ == "__main__":
    main()
