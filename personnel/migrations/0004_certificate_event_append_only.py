from django.db import migrations

from backend.audit.dbguards import make_append_only


class Migration(migrations.Migration):
    # shuangsui_refuse_change() is created by the audit app's migration.
    dependencies = [
        ("audit", "0002_audit_event_append_only"),
        ("personnel", "0003_officers_certificates_exams_training_experts_conflicts"),
    ]

    operations = [
        make_append_only("personnel_certificateevent"),
    ]
