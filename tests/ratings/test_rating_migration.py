"""The upgrade to ratings on a database that holds closed inspections: each gets its link,
issued on its closing's local date, valid 30 days; nothing else changes."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _migrate_to_the_latest():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_gives_each_closed_inspection_its_link(closed_inspections):
    from fieldwork.models import Inspection

    inspections = closed_inspections(2)
    # 23:30 UTC is the next morning in Shanghai: the link counts from the local date.
    late = datetime(2026, 3, 1, 23, 30, tzinfo=ZoneInfo("UTC"))
    Inspection.objects.filter(pk=inspections[0].pk).update(closed_at=late)
    states = dict(Inspection.objects.values_list("code", "state"))
    try:
        _migrate([("ratings", None)])
        _migrate([("ratings", "0002_links_for_closed_inspections")])
    finally:
        _migrate_to_the_latest()

    from ratings.models import RatingLink

    assert dict(Inspection.objects.values_list("code", "state")) == states
    links = {link.inspection_id: link for link in RatingLink.objects.all()}
    assert set(links) == {i.pk for i in inspections}
    first = links[inspections[0].pk]
    assert str(first.issued_on) == "2026-03-02"
    assert first.expires_on == first.issued_on + timedelta(days=30)
    assert len({link.token for link in links.values()}) == 2
