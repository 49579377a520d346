"""A KJ task whose four firms and teams are drawn, carried through fieldwork by the services."""

import pytest
from disclosure_builders import carry_out, drawn_task


@pytest.fixture
def task(kj, planner, department_admin):
    return drawn_task(department=kj, planner=planner, department_admin=department_admin, firms=4)


@pytest.fixture
def reviewed(task, planner, department_admin):
    """The task with every inspection recorded and reviewed (同意): results_reviewed."""
    carry_out(task, planner=planner, reviewer=department_admin)
    return task


@pytest.fixture
def inspections(reviewed):
    return list(reviewed.inspections.order_by("code"))


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The results filters keep their choice lists a minute in the cache; each test starts clean.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
