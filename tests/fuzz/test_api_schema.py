"""Every API operation fuzzed from the served schema: no 500, answers as the schema says.

``FUZZ_EXAMPLES`` examples per operation (a few in ``make test``, many in ``make fuzz``),
derandomized so that a run is the same run every time.
"""

import os

import hypothesis
import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
# The coverage phase sends every boundary and wrong type of every field (thousands of requests
# for a large form): for the long run only.
COVERAGE = os.environ.get("FUZZ_COVERAGE", "") == "1"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

app = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi(
    "/api/schema/",
    app,
    config=SchemathesisConfig.from_dict(
        {"seed": 9, "phases": {"coverage": {"enabled": COVERAGE}, "stateful": {"enabled": False}}}
    ),
)
if os.environ.get("FUZZ_OPERATIONS"):
    # A regular expression on "METHOD /path" to fuzz a few operations while fixing them.
    schema = schema.include(name_regex=os.environ["FUZZ_OPERATIONS"])


# Body fields naming another record, by the API prefix of that record; people are the world's
# PMO manager (or a project manager where only one will do).
RECORD_FIELDS = {
    "project": "projects",
    "portfolio": "portfolios",
    "programme": "programmes",
    "objective": "objectives",
    "strategic_objectives": "objectives",
    "resource": "resources",
    "risk": "risks",
    "issue": "issues",
    "decision": "decisions",
    "lesson": "lessons",
    "gate": "milestones",
    "criterion": "scoring-criteria",
}
PEOPLE_FIELDS = {
    "owner",
    "sponsor",
    "director",
    "user",
    "recipients",
    "decided_by",
    "implemented_by",
    "requested_by",
    "submitted_by",
    "withdrawn_by",
}


def _existing(value, record_id):
    """``record_id`` in place of a generated id (or in a list of ids), kept when it is not one."""
    if record_id is None:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return record_id
    if isinstance(value, list) and value and all(isinstance(v, int) for v in value):
        return [record_id]
    return value


def aim_at_the_world(case, path_ids, people):
    """Point a valid case's ids at seeded rows: unknown ids only ever reach a 404 or a 400."""
    prefix = case.path.split("/")[3]
    if "id" in (case.path_parameters or {}) and path_ids.get(prefix) is not None:
        case.path_parameters["id"] = path_ids[prefix]
    if isinstance(case.body, dict):
        for name, value in case.body.items():
            if name in RECORD_FIELDS:
                case.body[name] = _existing(value, path_ids.get(RECORD_FIELDS[name]))
            elif name in PEOPLE_FIELDS or name == "project_manager":
                case.body[name] = _existing(value, people[name == "project_manager"])


@pytest.mark.usefixtures("keep_connection")
@schema.parametrize()
@hypothesis.settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    print_blob=False,
)
def test_operation_answers_as_documented(case, fuzz_world, path_ids, api_as):
    """Given a PMO manager's token and a seeded portfolio, any input gets a documented answer."""
    pmo, project_manager = fuzz_world
    authorization = api_as(pmo)._credentials["HTTP_AUTHORIZATION"]
    if case.meta is None or case.meta.generation.mode is GenerationMode.POSITIVE:
        aim_at_the_world(case, path_ids, (pmo.pk, project_manager.pk))
    # Each example in a savepoint of its own: what one writes, the next does not see.
    with transaction.atomic():
        case.call_and_validate(headers={"Authorization": authorization}, checks=CHECKS)
        transaction.set_rollback(True)
