"""Property-based fuzzing of /api/v1 from its own OpenAPI document (schemathesis, on the Flask app in-process).

Valid (positive) and invalid (negative) values for every parameter of every operation; each response must not
be a 5xx, must use a status code and a content type the document declares, and JSON bodies must match the
declared schemas. Bounded: a couple of dozen examples per operation and mode, well under a minute in all.
(schemathesis' own pytest fixture loader does not work with pytest 9, so the strategies are driven here.)
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import CHECKS

from api.responses import PATHS

EXAMPLES = 20
CHECKED = ("not_a_server_error", "status_code_conformance", "content_type_conformance", "response_schema_conformance")
MODES = {"positive": schemathesis.GenerationMode.POSITIVE, "negative": schemathesis.GenerationMode.NEGATIVE}


@pytest.fixture
def app(explorer_app, explorer_release):
    """The tests here only read: they share one app over the same synthetic release."""
    return explorer_app


@pytest.fixture
def api_schema(explorer_release, app):
    """The document our app serves, bound to that app (a synthetic release in a temp warehouse)."""
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app.server)


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("path", PATHS)
def test_api_answers_generated_requests_as_documented(api_schema, path, mode):
    operation = api_schema[path]["GET"]
    checks = [CHECKS.get_by_names([name])[0] for name in CHECKED]
    strategy = operation.as_strategy(generation_mode=MODES[mode])

    @given(case=strategy)
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case):
        # identity: the in-process client does not undo the app's brotli/gzip compression
        case.call_and_validate(checks=checks, headers={"Accept-Encoding": "identity"})

    run()


@pytest.mark.realdata
@pytest.mark.parametrize("mode", sorted(MODES))
def test_observations_on_the_real_release_answer_as_documented(real_warehouse, app, mode):
    """The same checks over the real release's codes (hundreds of areas, real age bands, Walk Free excluded)."""
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app.server)["/observations"]["GET"]
    checks = [CHECKS.get_by_names([name])[0] for name in CHECKED]

    @given(case=operation.as_strategy(generation_mode=MODES[mode]))
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case):
        case.call_and_validate(checks=checks, headers={"Accept-Encoding": "identity"})

    run()
