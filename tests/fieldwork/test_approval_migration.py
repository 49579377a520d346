"""The upgrade to inspection types and prior approval, run on a database that holds work: the
existing tasks become 日常 and their inspections approved by the migration, nothing lost."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("inspections", "0011_departments_in_organisation"),
    ("fieldwork", "0004_departments_in_organisation"),
]
AFTER = [
    ("inspections", "0012_inspection_types_and_their_basis"),
    ("fieldwork", "0005_inspection_types_and_prior_approval"),
]


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
def test_the_upgrade_marks_existing_tasks_routine_and_their_inspections_approved(
    started_unapproved, team_of_first
):
    task = started_unapproved
    codes = sorted(task.inspections.values_list("code", flat=True))
    first = task.inspections.order_by("code").first()
    members = sorted(first.members.values_list("certificate_number", flat=True))
    try:
        _migrate(BEFORE)  # the database as it was before this feature, with the work kept
        with connection.cursor() as cursor:
            cursor.execute("SELECT code FROM fieldwork_inspection ORDER BY code")
            assert [row[0] for row in cursor.fetchall()] == codes
    finally:
        _migrate(AFTER)
        _migrate_to_the_latest()

    from fieldwork.models import ApprovalState, Inspection
    from inspections.planning.models import SamplingTask

    assert SamplingTask.objects.get(pk=task.pk).inspection_type == "routine"
    after = list(Inspection.objects.filter(task_id=task.pk).order_by("code"))
    assert [i.code for i in after] == codes
    assert all(i.approval_state == ApprovalState.MIGRATED and i.approved_at for i in after)
    assert sorted(after[0].members.values_list("certificate_number", flat=True)) == members

    # The work goes on: the team records its notice without any approval step.
    from datetime import date

    from fieldwork.services import records

    records.issue_notice(
        actor=team_of_first[0], inspection=after[0], served_on=date.today(), delivery="当面送达"
    )
    assert after[0].records.get().kind == "notice"


@pytest.fixture
def team_of_first(started_unapproved, login_for):
    first = started_unapproved.inspections.order_by("code").first()
    return [login_for(m.officer) for m in first.members.order_by("department__code", "seat")]
