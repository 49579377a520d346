"""Schemathesis against the staff API (/api/v1/ but the public part): no 5xx, as any role.

Requests valid and invalid, generated from the OpenAPI schema (/api/schema/), are sent to the
WSGI application in-process, each once per role with that user's knox token, against a small
seeded data set: KJ's published plan and a task carried through fieldwork, so that small ids
resolve to real plans, tasks, items, firms, certificates and inspections. The data are seeded
once and every operation is fuzzed in the same test (seeding per operation would cost more than
the fuzzing); the examples per operation are bounded so that the run stays within minutes.
"""

import pytest
import schemathesis
from disclosure_builders import carry_out, drawn_task
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.accounts.services import create_api_token
from backend.notifications.models import Notification
from backend.organisation.models import Department
from fieldwork.models import EvidenceFile, Inspection
from inspections.directory.models import Firm, InspectionItem
from inspections.planning.models import AnnualPlan, CapLevel, FrequencyCap, SamplingTask
from inspections.planning.services import generate_annual_plan
from inspections.planning.services.caps import set_frequency_cap
from personnel.models import Certificate, Officer
from supervision.models import SupervisionOpinion
from supervision.services import issue_opinion

EXAMPLES_PER_OPERATION = 25


def _load_schema():
    # As in tests/disclosure/portal/test_schema_fuzz.py: loaded at collection, no table read.
    from backend.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    return schema.include(path_regex=r"^/api/v1/(?!public/)")


schema = _load_schema()
# The token endpoints are fuzzed without a token: revoking would end the roles' own tokens.
AUTH = "/api/v1/auth/"
OPERATIONS = [
    result.ok() for result in schema.get_all_operations() if not result.ok().path.startswith(AUTH)
]
AUTH_OPERATIONS = [
    result.ok() for result in schema.get_all_operations() if result.ok().path.startswith(AUTH)
]
# The objects behind each path's {id}: a random integer hardly ever names one (and never on
# PostgreSQL, whose sequences a rolled-back test does not reset), so three cases in four take a
# real id instead, and reach the services.
MODELS = {
    "/api/v1/departments/": Department,
    "/api/v1/evidence/": EvidenceFile,
    "/api/v1/firms/": Firm,
    "/api/v1/frequency-caps/": FrequencyCap,
    "/api/v1/inspections/": Inspection,
    "/api/v1/items/": InspectionItem,
    "/api/v1/notifications/": Notification,
    "/api/v1/personnel/certificates/": Certificate,
    "/api/v1/personnel/officers/": Officer,
    "/api/v1/plans/": AnnualPlan,
    "/api/v1/tasks/": SamplingTask,
    "/api/v1/supervision/opinions/": SupervisionOpinion,
}


def _real_ids(path: str) -> list[int]:
    model = next((m for prefix, m in MODELS.items() if path.startswith(prefix)), None)
    return sorted(model.objects.values_list("pk", flat=True)) if model else []


@pytest.fixture
def tokens(db, settings, kj, planner, department_admin, make_user):
    """A knox token of one user per role in KJ, and KJ's task carried through fieldwork (one
    inspection reviewed, one waiting for review)."""
    settings.PUBLIC_API_RATE = "1000000/min"
    settings.AXES_ENABLED = False
    users = {Role.PLANNER: planner, Role.DEPARTMENT_ADMIN: department_admin}
    for role in Role:
        if role not in users:
            users[role] = make_user(f"fuzz_{role.value}", role, kj)
    task = drawn_task(department=kj, planner=planner, department_admin=department_admin, firms=2)
    carry_out(task, planner=planner, reviewer=department_admin, review=[0])
    # A draft plan too, which the plan steps (add-line, edit-line, submit...) work on.
    generate_annual_plan(actor=planner, department=kj, year=2022)
    # A frequency cap, which the caps' edit works on.
    set_frequency_cap(actor=department_admin, department=kj, level=CapLevel.COMBINED, limit=4)
    # A supervision opinion to KJ, which the opinions' detail reads.
    issue_opinion(
        actor=users[Role.SUPERVISOR],
        department=kj,
        text="请说明检查情况。",
        working_days=5,
        inspection=Inspection.objects.filter(task=task).first(),
    )
    found = {
        role: create_api_token(user=User.objects.get(pk=user.pk), second_factor_passed=True)[1]
        for role, user in users.items()
    }
    # The WSGI handler closes the connection after each request, which would end the test's
    # transaction; Django's own test client unhooks the same signal handlers for this reason.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield found
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_whole_staff_api_is_fuzzed():
    paths = {operation.path for operation in OPERATIONS}
    assert "/api/v1/personnel/certificates/{id}/revoke/" in paths
    assert "/api/v1/plans/{id}/add-line/" in paths
    assert not any(path.startswith(("/api/v1/public/", AUTH)) for path in paths)
    assert {operation.path for operation in AUTH_OPERATIONS} == {
        "/api/v1/auth/token/",
        "/api/v1/auth/token/revoke/",
    }
    with_ids = [path for path in paths if "{id}" in path]
    assert with_ids and all(any(p.startswith(prefix) for prefix in MODELS) for p in with_ids)


@pytest.mark.slow
def test_the_staff_api_never_answers_a_server_error_to_any_role(tokens):
    for operation in OPERATIONS:
        cases = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )
        ids = _real_ids(operation.path)
        real_id = st.sampled_from(ids) if ids else st.none()

        @given(case=cases, use_real_id=st.integers(0, 3), real_id=real_id)
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case, use_real_id, real_id):
            if use_real_id and real_id is not None and "id" in (case.path_parameters or {}):
                case.path_parameters["id"] = real_id
            for token in tokens.values():
                case.call_and_validate(
                    headers={"Authorization": f"Token {token}"}, checks=[not_a_server_error]
                )

        fuzz()


@pytest.mark.slow
def test_the_token_endpoints_never_answer_a_server_error(tokens):
    for operation in AUTH_OPERATIONS:

        @given(
            case=st.one_of(
                operation.as_strategy(GenerationMode.POSITIVE),
                operation.as_strategy(GenerationMode.NEGATIVE),
            )
        )
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case):
            case.call_and_validate(checks=[not_a_server_error])

        fuzz()
