"""Schemathesis against /api/v1/public/: no 5xx and no status code the schema does not document.

It generates valid and invalid requests from the OpenAPI schema (/api/schema/) and sends them to
the WSGI application in-process, against a small seeded data set. The example count is bounded
so that the whole run stays well under a minute.
"""

import pytest
import schemathesis
from disclosure_builders import carry_out, drawn_task
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from disclosure.models import PublishedResult
from disclosure.services import publish_results
from inspections.directory.services import retire_item
from inspections.draws.models import Draw
from inspections.planning.models import SamplingTask

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _load_schema():
    # Loaded when the module is collected: the schema view reads no table. (The lazy
    # `schemathesis.pytest.from_fixture` loader does not run on pytest 9.2.)
    from backend.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    return schema.include(path_regex=r"^/api/v1/public/")


schema = _load_schema()
RESULTS_PATHS = ("results", "plans", "tasks", "statistics", "downloads")
DRAWS_PATHS = ("draws",)


@pytest.fixture
def open_data(
    db,
    settings,
    kj,
    planner,
    department_admin,
    make_firm,
    make_item,
    make_officer,
    make_certificate,
):
    """A few records of each kind, so that lists have pages and codes resolve: firms, items, an
    officer, and a published plan whose task's draws (a firms draw abandoned and replaced, the
    replacement and a teams draw performed) and three results are public."""
    # The fuzzer sends hundreds of requests: the rate limit has its own test.
    settings.PUBLIC_API_RATE = "1000000/min"
    for n in range(3):
        make_firm(name=f"长春模糊测试{n}有限公司")
    make_item(code="KJ-FUZZ-001")
    retire_item(actor=None, item=make_item(code="KJ-FUZZ-002"), reason="废止")
    make_certificate(make_officer(kj, name="林执法"))

    def seed(*, results: bool = True):
        """Once per operation that reads them: the draws take a second, carrying the task
        through fieldwork to published results a few more."""
        task = SamplingTask.objects.filter(draws__isnull=False).first()
        if task is None:
            task = drawn_task(
                department=kj,
                planner=planner,
                department_admin=department_admin,
                firms=3,
                replace_firms_draw=True,
            )
        if results and not PublishedResult.objects.exists():
            inspections = carry_out(task, planner=planner, reviewer=department_admin)
            publish_results(actor=planner, inspections=inspections)

    # The WSGI handler closes the connection after each request, which would end the test's
    # transaction; Django's own test client unhooks the same signal handlers for this reason.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield seed
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_open_data_api_keeps_to_its_schema(case, open_data):
    if any(f"/public/{part}" in case.path for part in RESULTS_PATHS):
        open_data()
    elif any(f"/public/{part}" in case.path for part in DRAWS_PATHS):
        open_data(results=False)
    case.call_and_validate(checks=CHECKS)


def test_every_seeded_draw_keeps_to_the_schema(open_data):
    """The fuzzer's draw ids hardly ever exist: each seeded draw is asked for by its own."""
    open_data(results=False)
    draws = schema["/api/v1/public/draws/{public_id}/"]["GET"]
    public_ids = list(Draw.objects.values_list("public_id", flat=True))
    assert len(public_ids) == 3  # abandoned, its replacement, the teams draw
    for public_id in public_ids:
        case = draws.Case(path_parameters={"public_id": public_id})
        response = case.call_and_validate(checks=CHECKS)
        assert response.json()["id"] == public_id
    listed = schema["/api/v1/public/draws/"]["GET"].Case(query={"page_size": 1})
    listed.call_and_validate(checks=CHECKS)
