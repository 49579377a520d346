from django.db import migrations

from backend.audit.dbguards import make_append_only


class Migration(migrations.Migration):
    # shuangsui_refuse_change() is created by the audit app's migration.
    dependencies = [
        ("audit", "0002_audit_event_append_only"),
        ("inspections", "0004_annual_plans_and_sampling_tasks"),
    ]

    operations = [
        make_append_only("inspections_tasktransition"),
    ]
