from django.db import migrations

from backend.audit.dbguards import create_refuse_change_function, make_append_only


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_audit_event_chain")]

    operations = [
        create_refuse_change_function(),
        make_append_only("audit_auditevent"),
    ]
