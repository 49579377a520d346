"""Officers of an entrusted organisation (受委托组织), and the 委托's structured scope: the
enforcement fields it covers.

Adds only: a nullable foreign key on the officer and a new table of (field, organisation) pairs.
The 委托书s already recorded keep their free-text scope, which stays what the portal publishes;
their structured scope is filled from it where the text names a field (by its full name), so an
organisation whose scope says “科技管理” covers the field 科技管理. One whose text names no
field covers none until its department ticks the fields: an officer of it is then never drawn,
with the exclusion reason `entrusted-scope` (docs/rules-2025.md).
"""

import django.db.models.deletion
from django.db import migrations, models


def scope_from_text(apps, schema_editor):
    EntrustedOrganisation = apps.get_model("organisation", "EntrustedOrganisation")
    EnforcementField = apps.get_model("personnel", "EnforcementField")
    fields = list(EnforcementField.objects.all())
    for organisation in EntrustedOrganisation.objects.all():
        named = [f for f in fields if f.name and f.name in organisation.scope]
        if named:
            organisation.enforcement_fields.add(*named)


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0003_inspection_bodies_and_entrusted_organisations"),
        ("personnel", "0010_officer_plain_numbers_scrubbed_from_storage"),
    ]

    operations = [
        migrations.AddField(
            model_name="enforcementfield",
            name="entrusted_organisations",
            field=models.ManyToManyField(
                blank=True,
                related_name="enforcement_fields",
                to="organisation.entrustedorganisation",
                verbose_name="受委托组织",
            ),
        ),
        migrations.AddField(
            model_name="officer",
            name="entrusted_organisation",
            field=models.ForeignKey(
                blank=True,
                help_text="本部门委托的组织的人员；只能在委托期内、委托范围内实施检查",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="officers",
                to="organisation.entrustedorganisation",
                verbose_name="所属受委托组织",
            ),
        ),
        migrations.RunPython(scope_from_text, migrations.RunPython.noop),
    ]
