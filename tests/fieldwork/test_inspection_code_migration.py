"""The upgrade to 检查码 on a database that holds work: every approved inspection, closed ones
too, gets its code; nothing else changes."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("fieldwork", "0005_inspection_types_and_prior_approval")]
AFTER = [("fieldwork", "0007_inspection_codes")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _migrate_to_the_latest():
    """Every app to its newest migration: later tests need the whole schema back."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_gives_approved_and_closed_inspections_codes(started, department_admin):
    from fieldwork.models import Inspection

    first, *rest = list(started.inspections.order_by("code"))
    # One of them already closed: its code reads 检查已办结.
    Inspection.objects.filter(pk=first.pk).update(state="closed")
    states = dict(started.inspections.values_list("code", "state"))
    try:
        _migrate(BEFORE)
        _migrate(AFTER)
    finally:
        _migrate_to_the_latest()

    from fieldwork.models import CodeStatus, InspectionCode

    after = list(Inspection.objects.filter(task_id=started.pk).order_by("code"))
    assert dict((i.code, i.state) for i in after) == states
    codes = {c.inspection_id: c for c in InspectionCode.objects.all()}
    assert set(codes) == {i.pk for i in after}
    for inspection in after:
        code = codes[inspection.pk]
        year = timezone.localtime(inspection.approved_at).year
        assert code.code == f"JC-{year}-{inspection.pk:06d}"
        assert len(code.token) >= 32 and code.issued_at == inspection.approved_at
    assert codes[first.pk].status(first.window_start) == CodeStatus.CLOSED
    assert codes[rest[0].pk].status(rest[0].window_start) == CodeStatus.VALID
