"""The portal's 执法主体 page: registered inspection bodies and their published, valid entrusted
organisations, linked from the home page; no personal data, nothing unregistered or unpublished."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.codes import make_citizen_id, make_uscc
from backend.organisation.models import EntrustedOrganisation, InspectionBody, LegalStatus

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


@pytest.fixture
def bodies(kj, ga):
    today = timezone.localdate()
    citizen_id = make_citizen_id(region="220102", birth=date(1984, 7, 9), seq="135")
    InspectionBody.objects.create(
        department=kj,
        legal_status=LegalStatus.ADMINISTRATIVE_ORGAN,
        # Staff text with a phone and an ID number in it: the portal masks both.
        legal_basis=f"《科学技术进步法》第一百零五条；联系人电话{PHONE}，{citizen_id}",
        confirmed_on=today - timedelta(days=10),
        announcement_number="长府法公告〔2025〕3号",
    )
    # Filled in but not yet confirmed and announced: not public.
    InspectionBody.objects.create(
        department=ga, legal_status=LegalStatus.ADMINISTRATIVE_ORGAN, legal_basis="《某法》"
    )
    common = {"department": kj, "scope": "外国人来华工作许可事项检查"}
    EntrustedOrganisation.objects.create(
        name="市科技服务中心",
        uscc=make_uscc(org_body8="MA0Y1234"),
        entrustment_number="KJWT-2025-01",
        valid_from=today - timedelta(days=30),
        valid_until=today + timedelta(days=30),
        published=True,
        **common,
    )
    EntrustedOrganisation.objects.create(
        name="未公开委托书的中心",
        uscc=make_uscc(org_body8="MA0Y1235"),
        entrustment_number="KJWT-2025-02",
        valid_from=today - timedelta(days=30),
        valid_until=today + timedelta(days=30),
        published=False,
        **common,
    )
    EntrustedOrganisation.objects.create(
        name="委托已到期的中心",
        uscc=make_uscc(org_body8="MA0Y1236"),
        entrustment_number="KJWT-2024-01",
        valid_from=today - timedelta(days=400),
        valid_until=today - timedelta(days=1),
        published=True,
        **common,
    )
    return citizen_id


def test_the_home_page_links_to_the_inspection_bodies(client):
    page = client.get(reverse("public:home")).content.decode()
    assert reverse("public:bodies") in page


def test_registered_bodies_and_their_valid_published_organisations_are_shown(client, bodies):
    response = client.get(reverse("public:bodies"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "市科学技术局" in page and "行政机关" in page and "长府法公告〔2025〕3号" in page
    assert "市科技服务中心" in page and "KJWT-2025-01" in page
    assert "市公安局" not in page  # not confirmed and announced
    assert "未公开委托书的中心" not in page
    assert "委托已到期的中心" not in page


def test_the_page_shows_no_personal_numbers(client, bodies):
    page = client.get(reverse("public:bodies")).content.decode()
    assert "《科学技术进步法》第一百零五条" in page
    assert PHONE not in page
    assert bodies not in page


def test_without_registered_bodies_the_page_says_so(client, kj):
    page = client.get(reverse("public:bodies")).content.decode()
    assert "尚无经确认公告的执法主体" in page
