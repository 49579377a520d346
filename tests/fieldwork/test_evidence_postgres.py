"""Evidence under concurrency on PostgreSQL: an upload retried while the first attempt is
still running is one record and one stored file; the evidence table is append-only."""

import threading
import uuid

import evidence_samples as samples
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, connections, transaction

from fieldwork import chain
from fieldwork.models import EvidenceFile, InspectionRecord
from fieldwork.selectors.records import payload_of
from fieldwork.services import evidence as services

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _at_once(monkeypatch, *uploads):
    """Run the uploads in threads that have all stored their copies before any of them
    writes the record: every one of them has passed the early check for its key."""
    stored = threading.Barrier(len(uploads))
    real_store = services._store

    def store_then_wait(*args, **kwargs):
        result = real_store(*args, **kwargs)
        stored.wait(timeout=30)
        return result

    monkeypatch.setattr(services, "_store", store_then_wait)
    outcomes: list[object] = []

    def run(send):
        try:
            outcomes.append(send())
        except BaseException as exc:  # noqa: BLE001 - reported by the assertions
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(send,)) for send in uploads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _send(actor, inspection, data, key):
    def send():
        return services.upload_evidence(
            actor=actor,
            inspection=inspection,
            kind="photo",
            file=SimpleUploadedFile("现场.png", data),
            idempotency_key=key,
        )

    return send


def test_two_concurrent_uploads_with_the_same_key_are_one_record_and_one_file(
    inspection, team, media, monkeypatch
):
    key = uuid.uuid4()
    data = samples.png(3, 3)
    outcomes = _at_once(
        monkeypatch,
        _send(team[0], inspection, data, key),
        _send(team[1], inspection, data, key),
    )

    assert all(isinstance(o, services.Upload) for o in outcomes), outcomes
    assert sorted(o.replayed for o in outcomes) == [False, True]
    assert outcomes[0].evidence.pk == outcomes[1].evidence.pk
    assert InspectionRecord.objects.filter(kind="evidence").count() == 1
    evidence = EvidenceFile.objects.get()
    files = [p for p in media.rglob("*") if p.is_file()]
    assert files == [media / evidence.storage_name]
    assert files[0].read_bytes() == data


def test_concurrent_uploads_with_different_keys_extend_one_unbroken_chain(
    inspection, team, media, monkeypatch
):
    outcomes = _at_once(
        monkeypatch,
        _send(team[0], inspection, samples.png(1, 1), uuid.uuid4()),
        _send(team[1], inspection, samples.png(2, 2), uuid.uuid4()),
    )

    assert all(isinstance(o, services.Upload) and not o.replayed for o in outcomes), outcomes
    rows = list(inspection.records.order_by("sequence"))
    assert [r.sequence for r in rows] == [1, 2, 3]  # the approval, then both uploads
    assert (
        chain.verify((r.sequence, payload_of(r), r.prev_hash, r.content_hash) for r in rows) is None
    )
    assert len([p for p in media.rglob("*") if p.is_file()]) == 2


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE fieldwork_evidencefile SET sha256 = repeat('0', 64)",
        "DELETE FROM fieldwork_evidencefile",
    ],
)
def test_postgresql_refuses_to_change_an_evidence_row(inspection, team, media, statement):
    services.upload_evidence(
        actor=team[0],
        inspection=inspection,
        kind="photo",
        file=SimpleUploadedFile("a.png", samples.png()),
        idempotency_key=uuid.uuid4(),
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(statement)
    assert EvidenceFile.objects.get().sha256 != "0" * 64
