"""企业评价 (issue 16 item 4): closing an inspection issues the firm's one-time rating link,
valid 30 local days; one rating per inspection, a replay refused; the QR holds the URL."""

from datetime import timedelta
from io import BytesIO

import pytest
import zxingcpp
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from rating_builders import ANSWERS, link_of

from backend.audit.models import AuditEvent
from ratings.actions import RatingAction
from ratings.models import Rating
from ratings.services import submit_rating
from tests.conftest import log_in


def test_closing_issues_a_link_of_192_bits_valid_30_local_days(closed_inspections):
    [inspection] = closed_inspections(1)
    link = link_of(inspection)
    closed_on = timezone.localdate(inspection.closed_at)
    assert link.issued_on == closed_on
    assert len(link.token) >= 32  # 24 random bytes, URL-safe base64
    assert link.is_valid_on(closed_on + timedelta(days=29))
    assert not link.is_valid_on(closed_on + timedelta(days=30))
    assert AuditEvent.objects.filter(action=RatingAction.LINK_ISSUE).count() == 1


def test_the_link_is_valid_then_used_and_a_replay_is_refused(closed_inspections, client):
    [inspection] = closed_inspections(1)
    link = link_of(inspection)
    url = reverse("public:rating", args=[link.token])
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="rating-form"' in page.content.decode()
    form = {
        "overall": "5",
        "certificates_shown": "yes",
        "rights_explained": "no",
        "visit_length": "half_day",
        "asked_for_favours": "no",
        "comment": "检查人员态度很好",
    }
    done = client.post(url, form)
    assert done.status_code == 200 and "评价已提交" in done.content.decode()
    rating = Rating.objects.get()
    assert (rating.overall, rating.certificates_shown, rating.rights_explained) == (5, True, False)
    assert rating.department == inspection.task.department
    assert list(rating.items.values_list("pk", flat=True))
    assert AuditEvent.objects.filter(action=RatingAction.SUBMIT).count() == 1

    # The used link now reads as any invalid one; a second submission is refused in words.
    assert client.get(url).status_code == 404
    again = client.post(url, {**form, "overall": "1"})
    assert again.status_code == 400
    assert "只能评价一次" in again.content.decode()
    with pytest.raises(ValidationError) as refused:
        submit_rating(token=link.token, **ANSWERS)
    assert refused.value.error_dict["non_field_errors"][0].code == "already_rated"
    assert Rating.objects.get().overall == 5


def test_the_database_refuses_a_second_rating_of_an_inspection(closed_inspections):
    [inspection] = closed_inspections(1)
    first = submit_rating(token=link_of(inspection).token, **ANSWERS)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(
            inspection=inspection,
            department=first.department,
            year=first.year,
            month=first.month,
            overall=1,
            certificates_shown=False,
            rights_explained=False,
            visit_length="day",
            asked_for_favours=False,
            submitted_at=first.submitted_at,
        )


def test_the_link_expires_on_the_30th_local_day(closed_inspections, today_is, client):
    [inspection] = closed_inspections(1)
    link = link_of(inspection)
    today_is(link.issued_on + timedelta(days=30))
    response = client.get(reverse("public:rating", args=[link.token]))
    assert response.status_code == 404 and "链接无效或已过期" in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        submit_rating(token=link.token, **ANSWERS)
    assert "链接无效或已过期" in str(refused.value)
    today_is(link.issued_on + timedelta(days=29))
    assert submit_rating(token=link.token, **ANSWERS).pk


def test_a_guessed_token_reads_exactly_like_an_expired_one(closed_inspections, client, today_is):
    [inspection] = closed_inspections(1)
    link = link_of(inspection)
    guessed = client.get(reverse("public:rating", args=["A" * 32])).content.decode()
    today_is(link.issued_on + timedelta(days=31))
    expired = client.get(reverse("public:rating", args=[link.token])).content.decode()

    def verdict(body):
        return body[body.index('data-testid="rating-invalid"') :]

    assert verdict(guessed) == verdict(expired)
    assert inspection.task.department.name not in guessed


def test_a_favour_asked_for_needs_its_detail_and_nothing_is_recorded(closed_inspections):
    [inspection] = closed_inspections(1)
    with pytest.raises(ValidationError) as refused:
        submit_rating(token=link_of(inspection).token, **{**ANSWERS, "asked_for_favours": True})
    assert "索拿卡要" in str(refused.value)
    assert not Rating.objects.exists()


def test_the_public_page_is_rate_limited(closed_inspections, client, settings):
    [inspection] = closed_inspections(1)
    settings.PUBLIC_API_RATE = "2/min"
    url = reverse("public:rating", args=[link_of(inspection).token])
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 429


def test_the_closing_page_and_the_api_show_the_link_and_its_qr_decodes_to_it(
    closed_inspections, client, department_admin
):
    [inspection] = closed_inspections(1)
    link = link_of(inspection)
    log_in(client, department_admin)
    closing = client.get(reverse("fieldwork:followups", args=[inspection.pk])).content.decode()
    assert reverse("ratings:inspection-link-png", args=[inspection.pk]) in closing
    page = client.get(reverse("ratings:inspection-link", args=[inspection.pk])).content.decode()
    expected = "http://testserver" + reverse("public:rating", args=[link.token])
    assert expected in page and "<svg" in page

    png = client.get(reverse("ratings:inspection-link-png", args=[inspection.pk]))
    [decoded] = zxingcpp.read_barcodes(Image.open(BytesIO(png.content)))
    assert decoded.text == expected

    data = client.get(f"/api/v1/inspections/{inspection.pk}/rating-link/").json()
    assert data["url"] == expected and data["last_day"] == str(link.last_day)
    # The API reads the same whether or not the firm used the link.
    submit_rating(token=link.token, **ANSWERS)
    assert client.get(f"/api/v1/inspections/{inspection.pk}/rating-link/").json() == data


def test_the_result_notice_prints_the_rating_link_and_its_qr_code(
    closed_inspections, client, department_admin
):
    """检查结果告知书 (fieldwork's documents) carries the link once the inspection is closed."""
    import io
    import zipfile

    from docx import Document as WordDocument

    [inspection] = closed_inspections(1)
    link = link_of(inspection)
    log_in(client, department_admin)
    page = client.get(reverse("fieldwork:document", args=[inspection.pk, "result"]))
    body = page.content.decode()
    assert page.status_code == 200
    assert f"/public/pj/{link.token}/" in body and "只能评价一次" in body
    assert reverse("ratings:inspection-link-png", args=[inspection.pk]) in body
    response = client.get(reverse("fieldwork:document-docx", args=[inspection.pk, "result"]))
    word = WordDocument(io.BytesIO(response.content))
    assert any(f"/public/pj/{link.token}/" in p.text for p in word.paragraphs)
    with zipfile.ZipFile(io.BytesIO(response.content)) as package:
        (png,) = [package.read(n) for n in package.namelist() if n.startswith("word/media/")]
    (found,) = zxingcpp.read_barcodes(Image.open(BytesIO(png)))
    assert found.text == f"http://testserver/public/pj/{link.token}/"
