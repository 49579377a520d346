"""Department lives in backend.organisation, the bottom layer, in the table personnel made."""

from importlib import import_module

from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from backend.organisation.models import Department
from tests.conftest import log_in

move = import_module(
    "backend.organisation.migrations.0002_department_content_type_follows_the_model"
)


def test_department_keeps_its_table_and_has_the_organisation_label(db):
    assert Department._meta.db_table == "personnel_department"
    assert Department._meta.label == "organisation.Department"
    content_type = ContentType.objects.get_for_model(Department)
    assert content_type.app_label == "organisation"
    assert Permission.objects.filter(
        content_type=content_type, codename="change_department"
    ).exists()


def test_the_content_type_is_renamed_with_its_permissions_and_log_entries(db, kj, make_user):
    admin = make_user("sys", "system_admin", kj)
    new = ContentType.objects.get_for_model(Department)
    # A database from before the move: the permissions and log under personnel's label.
    Permission.objects.filter(content_type=new).delete()
    new.app_label = "personnel"
    new.save()
    ContentType.objects.clear_cache()
    change = Permission.objects.create(
        content_type=new, codename="change_department", name="Can change 部门"
    )
    group = Group.objects.create(name="部门维护")
    group.permissions.add(change)
    entry = LogEntry.objects.create(
        user=admin, content_type=new, object_id=str(kj.pk), object_repr="x", action_flag=ADDITION
    )

    move.forwards(apps, None)

    moved = ContentType.objects.get(pk=new.pk)
    assert (moved.app_label, moved.model) == ("organisation", "department")
    assert not ContentType.objects.filter(app_label="personnel", model="department").exists()
    assert list(group.permissions.values_list("content_type__app_label", "codename")) == [
        ("organisation", "change_department")
    ]
    entry.refresh_from_db()
    assert entry.content_type_id == moved.pk


def test_rows_made_under_both_labels_are_merged_into_the_new_one(db, kj, ga, make_user):
    """A migrate run between the steps may already have made organisation's row: the old row's
    grants and log entries go to it, and nobody loses a permission."""
    admin = make_user("sys", "system_admin", kj)
    new = ContentType.objects.get_for_model(Department)
    old = ContentType.objects.create(app_label="personnel", model="department")
    old_change = Permission.objects.create(
        content_type=old, codename="change_department", name="Can change 部门"
    )
    old_only = Permission.objects.create(
        content_type=old, codename="audit_department", name="Can audit 部门"
    )
    new_change = Permission.objects.get(content_type=new, codename="change_department")
    group = Group.objects.create(name="部门维护")
    group.permissions.add(old_change, old_only)
    both = Group.objects.create(name="两处都有")
    both.permissions.add(old_change, new_change)
    admin.user_permissions.add(old_change)
    entry = LogEntry.objects.create(
        user=admin, content_type=old, object_id=str(ga.pk), object_repr="y", action_flag=ADDITION
    )

    move.forwards(apps, None)

    assert not ContentType.objects.filter(pk=old.pk).exists()
    assert set(group.permissions.values_list("pk", flat=True)) == {new_change.pk, old_only.pk}
    assert Permission.objects.get(pk=old_only.pk).content_type_id == new.pk
    assert list(both.permissions.values_list("pk", flat=True)) == [new_change.pk]
    assert list(admin.user_permissions.values_list("pk", flat=True)) == [new_change.pk]
    entry.refresh_from_db()
    assert entry.content_type_id == new.pk


def test_the_old_admin_address_of_departments_redirects(client, kj, make_user):
    log_in(client, make_user("sys", "system_admin", kj))
    response = client.get(f"/admin/personnel/department/{kj.pk}/change/")
    assert response.status_code == 301
    assert response["Location"] == f"/admin/organisation/department/{kj.pk}/change/"
    assert client.get(response["Location"]).status_code == 200
