"""行政执法统计年报 (issue 15, item 7): per department and year, inspections by type and method,
firms inspected and how often, caps reached, approvals after the fact and supervision
opinions; on a staff page for the supervisor (every department) and a department head (their
own), as .xlsx, and the public part on the portal's statistics page."""

import io
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from backend.audit.models import AuditEvent
from fieldwork.models import ApprovalState, InspectionRecord, RecordKind
from inspections.planning.models import InspectionType
from inspections.planning.services.caps import set_frequency_cap
from supervision.actions import SupervisionAction
from supervision.annual import department_year, public_rows
from supervision.services import answer_opinion, issue_opinion
from tests.conftest import log_in


def _non_site(inspection, author):
    """A non-site record in the inspection's chain (the workflow is fieldwork's, tested there)."""
    at = datetime(2021, 6, 8, 2, tzinfo=UTC)
    return InspectionRecord.objects.create(
        inspection=inspection,
        sequence=1,
        kind=RecordKind.NON_SITE,
        content={"method": "documents"},
        occurred_at=at,
        recorded_at=at,
        prev_hash="0" * 64,
        content_hash="1" * 64,
        recorded_by=author,
    )


@pytest.fixture
def year_2021(department_admin, kj, foreign_work, body_task, inspect, make_firm, supervisor):
    """KJ's 2021: firm A inspected three times (one without a visit), B once, C once after an
    emergency start still waiting for its approval, D once approved afterwards; a combined cap
    of 3 (A reaches it); two opinions to KJ, one answered."""
    a, b, c, d = (make_firm(name=f"长春年报{n}有限公司") for n in "ABCD")
    set_frequency_cap(actor=department_admin, department=kj, level="combined", limit=3)
    for month in (3, 5, 7):
        day = date(2021, month, 1)
        found = inspect(body_task(start=day, exclusion_months=0), a, start=day)
    _non_site(found, department_admin)
    inspect(body_task(start=date(2021, 4, 1)), b)
    inspect(body_task(start=date(2021, 8, 1)), c, approval_state=ApprovalState.EMERGENCY)
    inspect(body_task(start=date(2021, 9, 1)), d, approval_state=ApprovalState.APPROVED_AFTER)
    # A 2022 inspection is another year's.
    inspect(body_task(start=date(2021, 12, 1)), b, start=date(2022, 1, 3))
    about = {"inspection": found, "working_days": 5}
    first = issue_opinion(actor=supervisor, department=kj, text="请说明多头检查情况", **about)
    issue_opinion(actor=supervisor, department=kj, text="请规范补办审批", **about)
    answer_opinion(actor=department_admin, opinion=first, text="已整改")
    return kj


def test_the_figures_of_a_department_and_year(year_2021):
    opinions_year = date.today().year
    report = department_year(year_2021, 2021, today=date(2099, 1, 1))
    assert report.inspections == 6
    assert dict((code, n) for code, _label, n in report.by_type) == {
        InspectionType.ROUTINE: 6,
        InspectionType.CAMPAIGN: 0,
        InspectionType.CASE: 0,
    }
    assert (report.site, report.non_site) == (5, 1)
    assert report.firms == 4
    assert dict(report.per_firm) == {"1次": 3, "2次": 0, "3次": 1, "4次及以上": 0}
    assert report.caps_reached == (("所有领域 各层级合计 每年不超过3次", 1),)
    assert (report.after_the_fact, report.after_the_fact_missing) == (2, 1)
    # The opinions are counted in the year they were issued (today's).
    assert report.opinions == 0
    this_year = department_year(year_2021, opinions_year, today=date(2099, 1, 1))
    assert (this_year.opinions, this_year.opinions_answered, this_year.opinions_overdue) == (
        2,
        1,
        1,
    )
    assert ("行政检查总数（次）", 6) in report.rows and ("非现场检查（次）", 1) in report.rows


def test_the_supervisor_reads_every_department_and_exports_them(client, supervisor, year_2021, ga):
    log_in(client, supervisor)
    page = client.get(reverse("supervision:annual"), {"year": 2021}).content.decode()
    assert "2021年涉企行政检查统计" in page
    assert "市科学技术局" in page and "市公安局" in page and "非现场检查（次）" in page
    response = client.get(reverse("supervision:annual-export"), {"year": 2021})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "统计项目" and "市科学技术局" in rows[0]
    column = rows[0].index("市科学技术局")
    assert {r[0]: r[column] for r in rows[1:]}["检查企业户数"] == 4
    event = AuditEvent.objects.get(action=SupervisionAction.ANNUAL_EXPORT)
    assert event.detail["year"] == 2021 and "KJ" in event.detail["departments"]


def test_a_department_head_reads_only_their_own(
    client, ga_department_admin, department_admin, planner, year_2021
):
    log_in(client, ga_department_admin)
    page = client.get(reverse("supervision:annual"), {"year": 2021}).content.decode()
    assert "市公安局" in page and "市科学技术局" not in page
    log_in(client, department_admin)
    page = client.get(reverse("supervision:annual"), {"year": 2021, "department": year_2021.pk})
    assert "市科学技术局" in page.content.decode()
    log_in(client, planner)
    assert client.get(reverse("supervision:annual")).status_code == 403


def test_the_portal_shows_the_counts_per_department_never_a_firm(client, year_2021):
    assert public_rows(2021) == [("市科学技术局", 6, 6, 0, 0, 1, 4)]
    page = client.get("/public/statistics/2021/").content.decode()
    table = page.split('data-testid="stat-inspections"')[1].split("</table>")[0]
    assert "市科学技术局" in table and "长春年报" not in page
