"""Prefect flows (ingest, sweep, dispatch) and the plain operations they orchestrate.

Importing this package does not import Prefect: commands that only read the
database stay fast. It does make sure no process of ours phones home.
"""

import os

# Prefect's server sends analytics to an outside host and its client tracks usage;
# neither may leave this machine.
NO_TELEMETRY = {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
# Prefect gives its temporary (ephemeral) server 20 s to answer; a first start migrates a fresh
# database for ~12 s, and on two busy cores that start alone has taken longer. A user's own value wins.
EPHEMERAL_STARTUP = {"PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120"}
for _name, _value in (NO_TELEMETRY | EPHEMERAL_STARTUP).items():
    os.environ.setdefault(_name, _value)
