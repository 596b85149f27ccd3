"""Schemathesis against the OpenAPI document: for inputs that fit the spec (and, as hypothesis shrinks, near it),
no endpoint answers 5xx, and every status and content type answered is one the spec documents.  Bounded
(EXAMPLES per operation) and seeded (derandomized), so a run takes seconds and repeats exactly."""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is in the 'test' extra")
from hypothesis import HealthCheck, given, settings  # noqa: E402

from tests.serve.conftest import make_token  # noqa: E402

EXAMPLES = 15


def _operations() -> list[str]:
    from workreg.serve.schemas import openapi

    return [f"{method.upper()} {path}" for path, methods in openapi(True)["paths"].items() for method in methods]


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    """The schema loaded from the app (public reads), a case to find at /v1/cases/1, and a token for every role."""
    from schemathesis.python.asgi import shutdown_lifespans

    from workreg.cases.service import open_case
    from workreg.cases.store import open_store
    from workreg.serve.app import Settings, create_app

    db = str(tmp_path_factory.mktemp("fuzz") / "fuzz.db")
    app = create_app(Settings(db=db, public_read=True))
    catalog = app.state.service.catalog
    headers = {"authorization": f"Bearer {make_token(db, list(catalog.roles()), 'Fuzzer')}"}
    with open_store(db) as store:
        open_case(store, catalog.get("dsp4003").pinned, changes=["scope_extension"], by="fixture")
    yield schemathesis.openapi.from_asgi("/openapi.json", app), headers
    shutdown_lifespans()  # schemathesis started the app's lifespan on its first call


@pytest.mark.parametrize("label", _operations())
def test_no_endpoint_answers_5xx(api, label):
    from schemathesis.checks import content_type_conformance, not_a_server_error, status_code_conformance

    schema, headers = api
    operation = schema.find_operation_by_label(label)

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case):
        case.call_and_validate(headers=headers,
                               checks=[not_a_server_error, status_code_conformance, content_type_conformance])

    check()
