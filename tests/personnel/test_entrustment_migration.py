"""The upgrade that links officers to entrusted organisations (personnel 0011), run forward on a
database that holds officers and 委托书s: nothing lost, no officer linked by the migration, and
each 委托's structured scope filled from its free-text scope where that names a field."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("personnel", "0010_officer_plain_numbers_scrubbed_from_storage"),
    ("organisation", "0003_inspection_bodies_and_entrusted_organisations"),
]
AFTER = [("personnel", "0011_officers_of_entrusted_organisations_and_entrustment_fields")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _migrate_to_the_latest():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_keeps_every_row_and_reads_the_fields_from_the_scope(kj, make_officer):
    from backend.codes import make_uscc

    officer = make_officer(kj, name="升级前")
    try:
        old = _migrate(BEFORE)  # the database as it was before this feature
        Field = old.get_model("personnel", "EnforcementField")
        Organisation = old.get_model("organisation", "EntrustedOrganisation")
        Field.objects.create(code="FOREIGN_WORK", name="外国人来华工作许可")
        Field.objects.create(code="EXIT_ENTRY", name="出入境管理")
        common = {
            "department_id": kj.pk,
            "valid_from": date(2025, 1, 1),
            "valid_until": date(2026, 12, 31),
            "published": True,
        }
        Organisation.objects.create(
            name="市科技服务中心",
            uscc=make_uscc(org_body8="MA0Y1234"),
            entrustment_number="KJWT-2025-01",
            scope="外国人来华工作许可事项的日常检查",
            **common,
        )
        Organisation.objects.create(
            name="市综合服务中心",
            uscc=make_uscc(org_body8="MA0Y1235"),
            entrustment_number="KJWT-2025-02",
            scope="本局委托的其他检查事项",  # names no field
            **common,
        )
        with connection.cursor() as cursor:
            columns = [
                c.name
                for c in connection.introspection.get_table_description(cursor, "personnel_officer")
            ]
            assert "entrusted_organisation_id" not in columns
        _migrate(AFTER)
    finally:
        _migrate_to_the_latest()

    from backend.organisation.models import EntrustedOrganisation
    from personnel.models import Officer

    officer = Officer.objects.get(pk=officer.pk)
    assert officer.name == "升级前" and officer.entrusted_organisation is None
    scopes = {
        o.entrustment_number: (o.scope, sorted(o.enforcement_fields.values_list("code", flat=True)))
        for o in EntrustedOrganisation.objects.all()
    }
    assert scopes == {
        "KJWT-2025-01": ("外国人来华工作许可事项的日常检查", ["FOREIGN_WORK"]),
        "KJWT-2025-02": ("本局委托的其他检查事项", []),
    }
