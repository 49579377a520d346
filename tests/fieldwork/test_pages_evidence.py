"""Photos from the inspection's page: the camera form posts to the evidence upload and comes
back to the page, which lists the file with its download link and its upload deadline."""

import re
import uuid
from datetime import date
from pathlib import Path

import evidence_samples as samples
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fieldwork.models import EvidenceFile, RecordKind
from fieldwork.services import records


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def notified(inspection, team):
    records.issue_notice(
        actor=team[0], inspection=inspection, served_on=date.today(), delivery="当面送达"
    )
    return inspection


def _page(inspection):
    return reverse("fieldwork:inspection", args=[inspection.pk])


def test_the_team_gets_a_camera_form_and_others_do_not(client, notified, team, planner):
    client.force_login(team[0])
    body = client.get(_page(notified)).content.decode()
    form = re.search(r'<form[^>]*data-testid="photo-form".*?</form>', body, re.S).group(0)
    assert f'action="{reverse("fieldwork:evidence-upload", args=[notified.pk])}"' in form
    assert 'enctype="multipart/form-data"' in form
    assert 'accept="image/*" capture="environment"' in form
    assert 'name="kind" value="photo"' in form and 'name="idempotency_key"' in form
    assert '<option value="2">第2条 送达随机抽查通知书</option>' in form
    client.force_login(planner)
    assert 'data-testid="photo-form"' not in client.get(_page(notified)).content.decode()


def test_a_photo_posted_from_the_page_is_listed_with_its_download_and_deadline(
    client, notified, team
):
    client.force_login(team[0])
    photo = samples.jpeg()
    key = str(uuid.uuid4())
    data = {
        "kind": "photo",
        "idempotency_key": key,
        "documents": "2",  # the notice (the approval is 1)
        "next": _page(notified) + "#evidence",
    }

    def post():
        upload = SimpleUploadedFile("送达现场.jpg", photo, content_type="image/jpeg")
        return client.post(
            reverse("fieldwork:evidence-upload", args=[notified.pk]),
            {**data, "file": upload},
            HTTP_ACCEPT="text/html",
        )

    response = post()
    assert response.status_code == 302
    assert response["Location"] == _page(notified) + "#evidence"
    assert post().status_code == 302  # the same key again: one file, one record
    evidence = EvidenceFile.objects.get(inspection=notified)
    assert notified.records.filter(kind=RecordKind.EVIDENCE).count() == 1

    body = client.get(_page(notified)).content.decode()
    assert reverse("fieldwork:evidence-download", args=[evidence.pk]) in body
    assert "送达现场.jpg" in body and "上传期限" in body
    assert "证明第2条记录" in body
    assert evidence.sha256 in body  # the timeline shows the chained digest
    download = client.get(reverse("fieldwork:evidence-download", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == photo
