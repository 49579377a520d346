"""Builders for the supervision tests: tasks of one plan whose lead department may be another
body, and inspections written straight to the table (their workflow is fieldwork's, tested
there), so that each warning can be put exactly at its boundary."""

from datetime import date

import pytest
from builders import *  # noqa: F403  (fixtures: make_item, make_firm, staff, published_plan, ...)

from fieldwork.models import Inspection
from inspections.planning.models import SamplingTask


@pytest.fixture
def body_task(open_draft_task):
    """A task of KJ's published plan (item KJ-WGR-001), led by `department` if given."""

    def make(*, department=None, start=date(2021, 6, 7), end=None, exclusion_months=12):
        task = open_draft_task(
            window_start=start, window_end=end or start, exclusion_months=exclusion_months
        )
        if department is not None:
            # Another body's task of the same item: its plan is not what these tests are about.
            SamplingTask.objects.filter(pk=task.pk).update(department=department)
            task.refresh_from_db()
        return task

    return make


@pytest.fixture
def inspect():
    def make(task, firm, *, start=None, end=None, **fields) -> Inspection:
        start = start or task.window_start
        return Inspection.objects.create(
            code=f"{task.code}-{firm.pk:03d}",
            task=task,
            firm=firm,
            firm_uscc=firm.uscc,
            firm_name=firm.name,
            window_start=start,
            window_end=end or start,
            **fields,
        )

    return make


@pytest.fixture
def firm(make_firm):
    return make_firm(name="长春监督测试有限公司")
