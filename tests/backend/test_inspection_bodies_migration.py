"""The upgrade that adds the inspection bodies' register, run on a database that holds
departments: nothing lost, no department registered by the migration (it has no confirmation to
show), and with the default setting none is refused (docs/rules-2025.md)."""

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from backend.organisation.models import Department

BEFORE = [("organisation", "0002_department_content_type_follows_the_model")]
AFTER = [("organisation", "0003_inspection_bodies_and_entrusted_organisations")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _migrate_to_the_latest():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_keeps_every_department_and_refuses_none_by_default(kj, ga):
    before = sorted(Department.objects.values_list("code", "name", "region_code"))
    try:
        _migrate(BEFORE)  # the database as it was before this feature
        with connection.cursor() as cursor:
            cursor.execute("SELECT code FROM personnel_department ORDER BY code")
            assert [row[0] for row in cursor.fetchall()] == ["GA", "KJ"]
            assert "organisation_inspectionbody" not in connection.introspection.table_names(cursor)
    finally:
        _migrate(AFTER)
        _migrate_to_the_latest()

    from backend.organisation.bodies import check_registered, unregistered
    from backend.organisation.models import EntrustedOrganisation, InspectionBody

    assert sorted(Department.objects.values_list("code", "name", "region_code")) == before
    assert not InspectionBody.objects.exists()
    assert not EntrustedOrganisation.objects.exists()
    departments = list(Department.objects.order_by("code"))
    assert unregistered(departments) == departments  # shown as 未登记, honestly
    assert settings.REQUIRE_REGISTERED_BODIES is False
    check_registered(departments)  # and yet not refused: the installation keeps inspecting
