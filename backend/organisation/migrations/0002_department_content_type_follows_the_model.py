"""Department's content type follows the model from personnel to organisation.

Permissions (personnel.change_department and the rest) and the admin's log entries point at the
content type row, so renaming the row's app label moves them all with it. A fresh database has no
row yet (contenttypes creates them after migrate): nothing to do. If a migrate between the two
steps already created the new row, the old row's permissions are merged into it (group and user
grants included) and its log entries re-pointed before the old row goes.
"""

from django.db import migrations

MODEL = "department"


def _move(apps, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    LogEntry = apps.get_model("admin", "LogEntry")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("accounts", "User")
    old = ContentType.objects.filter(app_label=source, model=MODEL).first()
    if old is None:
        return
    new = ContentType.objects.filter(app_label=target, model=MODEL).first()
    if new is None:
        old.app_label = target
        old.save(update_fields=["app_label"])
        return
    for permission in Permission.objects.filter(content_type=old):
        same = Permission.objects.filter(content_type=new, codename=permission.codename).first()
        if same is None:
            permission.content_type = new
            permission.save(update_fields=["content_type"])
            continue
        for through, owner in (
            (Group.permissions.through, "group_id"),
            (User.user_permissions.through, "user_id"),
        ):
            granted = through.objects.filter(permission_id=same.pk).values_list(owner, flat=True)
            through.objects.filter(permission_id=permission.pk).exclude(
                **{f"{owner}__in": list(granted)}
            ).update(permission_id=same.pk)
        permission.delete()
    LogEntry.objects.filter(content_type=old).update(content_type=new)
    old.delete()


def forwards(apps, schema_editor):
    _move(apps, "personnel", "organisation")


def backwards(apps, schema_editor):
    _move(apps, "organisation", "personnel")


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0001_department_moved_from_personnel"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("accounts", "0002_user_department_in_organisation"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
