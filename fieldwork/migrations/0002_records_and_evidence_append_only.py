from django.db import migrations

from backend.audit.dbguards import make_append_only


class Migration(migrations.Migration):
    # shuangsui_refuse_change() is created by the audit app's migration.
    dependencies = [
        ("audit", "0002_audit_event_append_only"),
        ("fieldwork", "0001_inspections_records_results_evidence"),
    ]

    operations = [
        make_append_only("fieldwork_inspectionrecord"),
        make_append_only("fieldwork_evidencefile"),
    ]
