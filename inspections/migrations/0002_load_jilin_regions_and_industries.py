"""Load the shipped code tables: Jilin's GB/T 2260 regions and the GB/T 4754-2017 industries."""

from django.db import migrations


def load_tables(apps, schema_editor):
    from inspections.directory import classifications

    for model_name, entries in (
        ("Region", classifications.regions()),
        ("Industry", classifications.industries()),
    ):
        model = apps.get_model("inspections", model_name)
        # Parents come before their children in the files, so one pass in order is enough.
        for entry in entries:
            model.objects.update_or_create(
                code=entry.code,
                defaults={"name": entry.name, "parent_id": entry.parent or None},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0001_item_list_and_firm_directory"),
    ]

    operations = [
        migrations.RunPython(load_tables, migrations.RunPython.noop),
    ]
