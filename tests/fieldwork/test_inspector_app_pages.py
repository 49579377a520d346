"""The inspector's inspection page as the team uses it on site: the firm's business address with
a map link (never the legal representative), every list naming the check point of a 检查要点记录,
and the installable app's manifest and service worker, served by the product itself."""

import json
import uuid
from urllib.parse import parse_qs, urlparse

import evidence_samples as samples
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fieldwork.selectors.records import current_records
from fieldwork.services.evidence import upload_evidence
from inspections.directory.models import Firm


def test_the_page_shows_the_firms_address_with_a_map_link_and_nothing_of_its_representative(
    client, inspection, team
):
    Firm.objects.filter(pk=inspection.firm_id).update(
        address="长春市朝阳区红旗街88号", legal_representative="张法人"
    )
    client.force_login(team[0])
    body = client.get(reverse("fieldwork:inspection", args=[inspection.pk])).content.decode()
    assert "长春市朝阳区红旗街88号" in body
    assert "张法人" not in body
    start = body.index('data-testid="map-link"')
    href = body[body.rindex("href=", 0, start) :].split('"')[1].replace("&amp;", "&")
    link = urlparse(href)
    assert (link.scheme, link.netloc, link.path) == ("https", "uri.amap.com", "/search")
    query = parse_qs(link.query)
    assert query["keyword"] == ["长春市朝阳区红旗街88号"]
    assert query["city"] == [inspection.firm.region_code]


def test_every_list_names_the_check_point_of_a_findings_record(
    client, inspection, team, fill_record
):
    fill_record(inspection, team)
    client.force_login(team[0])
    body = client.get(reverse("fieldwork:inspection", args=[inspection.pk])).content.decode()
    for record in current_records(inspection, "findings"):
        title = f"第{record.sequence}条 检查要点记录：{record.content['text']}"
        # The photo form's and the upload form's lists of records…
        assert body.count(f'<option value="{record.sequence}">{title}</option>') == 2
        # …and the whole-process record.
        assert f"<strong>检查要点记录：{record.content['text']}</strong>" in body


def test_a_photo_of_a_check_point_names_it_in_the_evidence_list(
    client, inspection, team, fill_record, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    fill_record(inspection, team)
    finding = current_records(inspection, "findings")[0]
    upload_evidence(
        actor=team[0],
        inspection=inspection,
        kind="photo",
        file=SimpleUploadedFile("要点.png", samples.png(), content_type="image/png"),
        idempotency_key=uuid.uuid4(),
        documents=finding.sequence,
    )
    client.force_login(team[0])
    body = client.get(reverse("fieldwork:inspection", args=[inspection.pk])).content.decode()
    named = f"证明第{finding.sequence}条记录（检查要点记录：{finding.content['text']}）"
    assert named in body


def test_the_manifest_and_the_service_worker_are_served_under_the_inspectors_pages(client):
    scope = reverse("fieldwork:today")
    manifest = client.get(reverse("fieldwork:manifest"))
    assert manifest.status_code == 200
    assert manifest["Content-Type"] == "application/manifest+json"
    body = json.loads(manifest.content)
    assert body["scope"] == scope and body["start_url"] == scope
    assert body["display"] == "standalone" and body["short_name"] == "现场检查"
    assert {"192x192", "512x512"} <= {i["sizes"] for i in body["icons"]}
    for icon in body["icons"]:
        assert icon["src"].startswith("/static/")

    worker = client.get(reverse("fieldwork:service-worker"))
    assert worker.status_code == 200
    assert worker["Content-Type"].startswith("text/javascript")
    assert worker["Service-Worker-Allowed"] == scope
    assert "no-cache" in worker["Cache-Control"]
    script = worker.content.decode()
    assert '"/static/fieldwork/drafts.js"' in script  # kept for the offline pages
    assert "{{" not in script and "&quot;" not in script
    # The product's own files only: nothing from another host.
    assert "http://" not in script and "https://" not in script
    # The same policy as every page: scripts from this server only.
    assert "script-src 'self'" in worker["Content-Security-Policy"]


def test_the_inspectors_pages_link_the_manifest_and_the_worker(client, inspection, team):
    client.force_login(team[0])
    for url in (reverse("fieldwork:today"), reverse("fieldwork:inspection", args=[inspection.pk])):
        body = client.get(url).content.decode()
        assert f'<link rel="manifest" href="{reverse("fieldwork:manifest")}">' in body
        assert f'content="{reverse("fieldwork:service-worker")}"' in body
        assert "/static/fieldwork/offline.js" in body
