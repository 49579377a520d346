"""Inspections closed before ratings existed get their link too, valid 30 days from their
closing (local date): most have long expired, but the closing page shows one for each."""

import secrets
from datetime import timedelta

from django.db import migrations
from django.utils import timezone

LINK_DAYS = 30


def forward(apps, schema_editor):
    Inspection = apps.get_model("fieldwork", "Inspection")
    RatingLink = apps.get_model("ratings", "RatingLink")
    closed = Inspection.objects.filter(
        state__in=["closed", "archived"], closed_at__isnull=False, rating_link__isnull=True
    )
    for inspection in closed.iterator():
        closed_on = timezone.localdate(inspection.closed_at)
        RatingLink.objects.create(
            inspection=inspection,
            token=secrets.token_urlsafe(24),
            issued_on=closed_on,
            expires_on=closed_on + timedelta(days=LINK_DAYS),
        )


class Migration(migrations.Migration):
    dependencies = [("ratings", "0001_ratings_links_and_complaints")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
