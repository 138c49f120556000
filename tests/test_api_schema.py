"""schemathesis fuzzes every operation from /openapi.json: no 5xx, no response outside the schema."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from tests.api_helpers import Clock, make_token, seed_items

EXAMPLES = int(os.environ.get("FOLLOWUP_FUZZ_EXAMPLES", "25"))  # per operation; CI keeps it short


@pytest.fixture(scope="module")
def fuzz_env(tmp_path_factory, prefect_harness):
    """An app on its own seeded SQLite file; POST /records' flow reads the same file."""
    from api.app import create_app
    from config import Settings
    from models import init_db, make_engine

    base = tmp_path_factory.mktemp("fuzz")
    env = {"FOLLOWUP_DATABASE_URL": f"sqlite:///{base / 'followup.db'}", "FOLLOWUP_DATA_DIR": str(base)}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    engine = make_engine(env["FOLLOWUP_DATABASE_URL"])
    init_db(engine)
    seed_items(engine)
    app = create_app(settings=Settings(), engine=engine, clock=Clock())
    yield app, make_token(engine, "admin")
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    engine.dispose()


def operations():
    """Every operation in the app's schema, by id (the app itself is built in the fixture)."""
    return ["GET /items", "GET /items/{item_id}", "PATCH /items/{item_id}",
            "POST /items/{item_id}/comments", "POST /records", "GET /records/{record_id}",
            "GET /act/{token}", "POST /act/{token}", "GET /calendar.ics", "GET /tokens",
            "POST /tokens", "DELETE /tokens/{name_or_id}", "GET /healthz"]


def test_fuzzed_operations_cover_the_schema(fuzz_env):
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_env[0])
    found = {f"{op.method.upper()} {op.path}" for op in (r.ok() for r in schema.get_all_operations())}
    assert found == set(operations())


# POST /records runs the ingest flow, whose run names Prefect draws from `random`;
# Hypothesis then warns that `random` was used while it generated data.
@pytest.mark.filterwarnings("ignore:Do not use the `random` module:hypothesis.errors.HypothesisDeprecationWarning")
@pytest.mark.parametrize("label", operations())
def test_api_fuzz(fuzz_env, label):
    # schemathesis' own pytest plugin does not run under our pytest; drive Hypothesis directly.
    app, token = fuzz_env
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    method, path = label.split(" ", 1)
    operation = schema[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
              database=None)
    def fuzz(case):
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"},
                               checks=[not_a_server_error, response_schema_conformance])

    fuzz()
