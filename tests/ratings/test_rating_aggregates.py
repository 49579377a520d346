"""The department and the public see averages over at least 5 ratings, never fewer
(issue 16 items 4 and 5); the supervisor's statistics show every figure, with an .xlsx export."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rating_builders import ANSWERS, link_of

from backend.audit.models import AuditEvent
from ratings.actions import RatingAction
from tests.conftest import log_in

TOO_FEW = "评价数不足5条，不予显示"


def _rate(inspections, scores):
    for inspection, score in zip(inspections, scores, strict=False):
        submit = {**ANSWERS, "overall": score, "certificates_shown": score > 2}
        from ratings.services import submit_rating

        submit_rating(token=link_of(inspection).token, **submit)


@pytest.fixture
def six(closed_inspections):
    return closed_inspections(6)


def test_four_ratings_are_too_few_for_the_department_and_the_public(six, client, department_admin):
    _rate(six, [1, 2, 4, 5])
    log_in(client, department_admin)
    page = client.get(reverse("ratings:summary")).content.decode()
    assert TOO_FEW in page and "3.0" not in page
    data = client.get("/api/v1/ratings/summary/").json()
    assert data["all"][0]["count"] is None and data["all"][0]["average"] is None
    assert data["all"][0]["message"] == TOO_FEW
    client.logout()
    public = client.get(reverse("public:rating-statistics")).content.decode()
    assert TOO_FEW in public and "3.0" not in public


def test_five_ratings_show_their_average(six, client, department_admin):
    _rate(six, [1, 2, 4, 5, 3])
    log_in(client, department_admin)
    page = client.get(reverse("ratings:summary")).content.decode()
    body = page[page.index('data-testid="summary-all"') :]
    assert "3.0" in body and TOO_FEW not in body[: body.index("</section>")]
    assert "60.0%" in body  # certificates shown in 3 of 5 (scores above 2)
    data = client.get("/api/v1/ratings/summary/").json()
    assert data["all"][0]["count"] == 5 and data["all"][0]["average"] == 3.0
    assert data["item"][0]["average"] == 3.0
    client.logout()
    home = client.get(reverse("public:home")).content.decode()
    assert reverse("public:rating-statistics") in home
    public = client.get(reverse("public:rating-statistics")).content.decode()
    departments = public[public.index('data-testid="public-rating-departments"') :]
    assert six[0].task.department.name in departments and "3.0" in departments


def test_another_department_reads_nothing_of_these_ratings(six, client, ga_department_admin):
    _rate(six, [5, 5, 5, 5, 5])
    log_in(client, ga_department_admin)
    data = client.get("/api/v1/ratings/summary/").json()
    assert data["all"][0]["count"] is None and data["month"] == [] and data["item"] == []
    assert data["all"][0]["message"] == TOO_FEW


def test_the_supervisor_s_statistics_show_small_groups_and_export_them(six, client, supervisor):
    _rate(six, [2, 4])
    log_in(client, supervisor)
    page = client.get(reverse("ratings:statistics")).content.decode()
    departments = page[page.index('data-testid="stats-departments"') :]
    assert "3.0" in departments and TOO_FEW not in departments[: departments.index("</section>")]
    codes = page[page.index('data-testid="stats-codes"') :]
    assert six[0].task.department.name in codes

    response = client.get(reverse("ratings:statistics-export"))
    rows = list(load_workbook(BytesIO(response.content), read_only=True).active.values)
    assert rows[0][0] == "统计项"
    kinds = {row[0] for row in rows[1:]}
    assert {"检查码核验", "企业评价（按部门）", "企业评价（按事项）"} <= kinds
    by_department = next(row for row in rows if row[0] == "企业评价（按部门）")
    assert by_department[2] == 2 and by_department[3] == 3.0
    assert AuditEvent.objects.filter(action=RatingAction.EXPORT).count() == 1


def test_statistics_are_the_supervisor_s_only(client, department_admin):
    log_in(client, department_admin)
    assert client.get(reverse("ratings:statistics")).status_code == 403
    assert client.get(reverse("ratings:statistics-export")).status_code == 403
