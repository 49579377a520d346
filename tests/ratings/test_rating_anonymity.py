"""The inspecting department can never see which firm said what (issue 16 item 4): no page or
API of theirs reaches a rating row; only the supervisor does."""

import pytest
from django.urls import reverse
from rating_builders import ANSWERS, link_of

from ratings.models import Rating
from ratings.services import open_complaint, submit_rating
from tests.conftest import log_in

SECRET = "检查组长暗示要请吃饭XYZ123"


@pytest.fixture
def rated(closed_inspections):
    inspections = closed_inspections(2)
    for inspection in inspections:
        submit_rating(
            token=link_of(inspection).token,
            **{**ANSWERS, "overall": 2, "comment": SECRET},
        )
    return inspections


def _staff_pages(inspection):
    return [
        reverse("fieldwork:inspection", args=[inspection.pk]),
        reverse("fieldwork:followups", args=[inspection.pk]),
        reverse("ratings:inspection-link", args=[inspection.pk]),
        reverse("ratings:summary"),
        reverse("ratings:complaints"),
        f"/api/v1/inspections/{inspection.pk}/rating-link/",
        f"/api/v1/inspections/{inspection.pk}/approval/",
        "/api/v1/ratings/summary/",
        "/api/v1/complaints/",
    ]


def test_the_department_s_pages_and_api_never_show_a_rating(
    rated, client, department_admin, planner, supervisor
):
    rating = Rating.objects.first()
    open_complaint(actor=supervisor, rating=rating, subject="请说明检查用时过长的原因")
    for user in (department_admin, planner):
        log_in(client, user)
        for inspection in rated:
            for url in _staff_pages(inspection):
                response = client.get(url)
                body = response.content.decode()
                assert SECRET not in body, (user.role, url)
                assert f"/ratings/{rating.pk}/" not in body, (user.role, url)
        # The rows themselves: refused, on the pages and in the API.
        assert client.get(reverse("ratings:list")).status_code == 403
        assert client.get(reverse("ratings:detail", args=[rating.pk])).status_code == 403
        assert client.get("/api/v1/ratings/").status_code == 403
        client.logout()


def test_the_department_admin_reads_the_complaint_but_not_the_rating(
    rated, client, department_admin, supervisor
):
    rating = Rating.objects.first()
    complaint = open_complaint(actor=supervisor, rating=rating, subject="请说明检查用时过长的原因")
    log_in(client, department_admin)
    page = client.get(reverse("ratings:complaint", args=[complaint.pk])).content.decode()
    assert "请说明检查用时过长的原因" in page
    assert SECRET not in page and reverse("ratings:detail", args=[rating.pk]) not in page
    data = client.get("/api/v1/complaints/").json()
    rows = data["results"] if isinstance(data, dict) else data
    assert [row["number"] for row in rows] == [complaint.number]
    assert "rating" not in rows[0]


def test_another_department_sees_neither_the_complaint_nor_the_link(
    rated, client, ga_department_admin, supervisor
):
    complaint = open_complaint(actor=supervisor, rating=Rating.objects.first(), subject="事项")
    log_in(client, ga_department_admin)
    assert client.get(reverse("ratings:complaint", args=[complaint.pk])).status_code == 404
    assert client.get(reverse("ratings:inspection-link", args=[rated[0].pk])).status_code == 404
    assert client.get(f"/api/v1/inspections/{rated[0].pk}/rating-link/").status_code == 404


def test_the_supervisor_sees_each_rating_with_its_inspection(rated, client, supervisor):
    log_in(client, supervisor)
    listed = client.get(reverse("ratings:list")).content.decode()
    for inspection in rated:
        assert inspection.code in listed
    rating = Rating.objects.first()
    page = client.get(reverse("ratings:detail", args=[rating.pk])).content.decode()
    assert SECRET in page and rating.inspection.firm_name in page
    data = client.get("/api/v1/ratings/").json()
    rows = data["results"] if isinstance(data, dict) else data
    assert len(rows) == 2 and rows[0]["comment"] == SECRET
    filtered = client.get(reverse("ratings:list"), {"q": rated[0].code}).content.decode()
    assert rated[0].code in filtered and rated[1].code not in filtered
