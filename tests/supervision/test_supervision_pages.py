"""The supervisor's pages and read-only API (issue 15 item 6): the warnings with their links,
filters and .xlsx; the supervisor reads every department and changes nothing of theirs; no other
role opens the supervision pages."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from backend.audit.models import AuditEvent
from fieldwork.models import ApprovalState
from inspections.planning.models import FrequencyCap, SamplingTask
from supervision import views
from supervision.actions import SupervisionAction
from tests.conftest import log_in

YEAR = {"since": "2021-01-01", "until": "2021-12-31"}


@pytest.fixture
def two_bodies(body_task, inspect, firm, ga):
    """KJ and GA inspect the same firm a week apart: a 多头 warning."""
    kj_inspection = inspect(body_task(), firm, start=date(2021, 6, 7))
    ga_task = body_task(department=ga, start=date(2021, 6, 14))
    return kj_inspection, inspect(ga_task, firm, start=date(2021, 6, 14))


def test_the_warnings_page_shows_each_warning_in_chinese_with_its_links(
    client, supervisor, two_bodies, firm
):
    kj_inspection, ga_inspection = two_bodies
    log_in(client, supervisor)
    page = client.get(reverse("supervision:warnings"), YEAR).content.decode()
    assert "多头检查 <strong>1</strong> 条" in page
    assert "长春监督测试有限公司在30日内被2个部门分别检查" in page
    assert reverse("supervision:firm", args=[firm.uscc]) in page
    assert reverse("supervision:inspection", args=[ga_inspection.pk]) in page
    assert "就此预警提出监督意见" in page

    firm_page = client.get(reverse("supervision:firm", args=[firm.uscc])).content.decode()
    assert kj_inspection.code in firm_page and ga_inspection.code in firm_page
    detail = client.get(reverse("supervision:inspection", args=[ga_inspection.pk]))
    assert detail.status_code == 200 and "市公安局" in detail.content.decode()


def test_the_warnings_page_defaults_to_the_last_half_year_of_inspections(
    client, supervisor, two_bodies, body_task, inspect, make_firm
):
    log_in(client, supervisor)
    # The database's latest inspection starts on 14 June 2021: half a year back from it.
    page = client.get(reverse("supervision:warnings")).content.decode()
    assert 'value="2020-12-16"' in page and "多头检查 <strong>1</strong> 条" in page
    # An inspection starting in December: June is now more than half a year back.
    later = make_firm()
    inspect(body_task(start=date(2021, 12, 20)), later, start=date(2021, 12, 20))
    page = client.get(reverse("supervision:warnings")).content.decode()
    assert "所选范围内没有预警" in page


def test_the_warnings_page_lists_a_page_at_a_time_and_keeps_the_filters(
    client, supervisor, body_task, inspect, make_firm, ga, monkeypatch
):
    monkeypatch.setattr(views, "WARNINGS_PER_PAGE", 1)
    kj_task, ga_task = body_task(), body_task(department=ga, start=date(2021, 6, 14))
    firms = [make_firm(), make_firm()]
    for firm in firms:
        inspect(kj_task, firm, start=date(2021, 6, 7))
        inspect(ga_task, firm, start=date(2021, 6, 14))
    log_in(client, supervisor)
    url = reverse("supervision:warnings")
    # Each firm is also a 重复 warning (the same item within GA's task's exclusion window): the
    # kind filter keeps the 多头 ones.
    query = {**YEAR, "kind": "multiple"}
    pages = [client.get(url, {**query, "page": n}).content.decode() for n in (1, 2)]
    for n, page in enumerate(pages, start=1):
        # The totals count every warning; the page lists one of them.
        assert "多头检查 <strong>2</strong> 条" in page
        assert page.count('data-testid="warning-multiple"') == 1
        assert f"第 {n} / 2 页" in page
    assert "下一页" in pages[0] and "上一页" not in pages[0]
    assert "上一页" in pages[1] and "下一页" not in pages[1]
    # The pager's links keep the filters (the range), not a second page number.
    assert "?since=2021-01-01&amp;until=2021-12-31&amp;kind=multiple&amp;page=2" in pages[0]
    # The two pages list the two firms, one each.
    cards = [page.split('data-testid="warnings"', 1)[1] for page in pages]
    listed = [[f.name for f in firms if f.name in card] for card in cards]
    assert sorted(sum(listed, [])) == sorted(f.name for f in firms)
    assert [len(names) for names in listed] == [1, 1]


def test_a_reversed_range_is_refused_with_a_clear_message(client, supervisor, two_bodies):
    log_in(client, supervisor)
    reversed_range = {"since": "2021-12-31", "until": "2021-01-01"}
    page = client.get(reverse("supervision:warnings"), reversed_range).content.decode()
    assert "开始日期不能晚于结束日期" in page


def test_the_warnings_export_as_xlsx_and_the_export_is_audited(client, supervisor, two_bodies):
    log_in(client, supervisor)
    response = client.get(reverse("supervision:warnings-export"), {**YEAR, "kind": "multiple"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content), read_only=True, data_only=True)
    try:
        rows = list(workbook.active.iter_rows(values_only=True))
    finally:
        workbook.close()
    assert rows[0][:3] == ("预警类型", "检查对象", "统一社会信用代码")
    assert rows[1][0] == "多头检查" and rows[1][3] == "市科学技术局、市公安局"
    event = AuditEvent.objects.get(action=SupervisionAction.WARNINGS_EXPORT)
    assert event.detail["rows"] == 1 and event.detail["filters"]["kind"] == "multiple"


def test_the_api_lists_the_warnings_to_the_supervisor_only(
    client, supervisor, planner, department_admin, two_bodies
):
    log_in(client, supervisor)
    data = client.get(reverse("api:supervision-warnings"), YEAR).json()
    assert data["totals"]["multiple"] == 1
    assert data["results"][0]["kind_label"] == "多头检查"
    departments = {i["department"] for i in data["results"][0]["inspections"]}
    assert departments == {"市科学技术局", "市公安局"}
    refused = client.get(reverse("api:supervision-warnings"), {"since": "x"})
    assert refused.status_code == 400
    for other in (planner, department_admin):
        log_in(client, other)
        assert client.get(reverse("api:supervision-warnings")).status_code == 403


def test_other_roles_cannot_open_the_supervisors_inspection_and_firm_pages(
    client, planner, department_admin, two_bodies, firm
):
    kj_inspection, _ = two_bodies
    for other in (planner, department_admin):
        log_in(client, other)
        for url in (
            reverse("supervision:inspection", args=[kj_inspection.pk]),
            reverse("supervision:firm", args=[firm.uscc]),
            reverse("supervision:opinions"),
        ):
            assert client.get(url).status_code == 403


def test_the_supervisor_changes_nothing_of_the_departments(
    client, supervisor, two_bodies, kj, foreign_work
):
    kj_inspection, _ = two_bodies
    kj_inspection.approval_state = ApprovalState.PENDING
    kj_inspection.save(update_fields=["approval_state"])
    tasks = SamplingTask.objects.count()
    log_in(client, supervisor)
    writes = [
        (reverse("tasks:new"), {"name": "监督人员发起的任务"}),
        (reverse("tasks:step", args=[kj_inspection.task_id, "abandon"]), {"reason": "x"}),
        (reverse("plans:cap-new"), {"level": "combined", "limit": 1}),
        (reverse("fieldwork:approve", args=[kj_inspection.pk]), {"opinion": "同意"}),
        (reverse("api:task-list"), {"name": "x"}),
        (reverse("api:frequency-cap-list"), {"level": "combined", "limit": 1}),
        (f"/api/v1/inspections/{kj_inspection.pk}/approval/", {"opinion": "同意"}),
    ]
    for url, data in writes:
        response = client.post(url, data)
        assert response.status_code in (403, 404), url
    assert SamplingTask.objects.count() == tasks
    assert not FrequencyCap.objects.exists()
    kj_inspection.refresh_from_db()
    assert kj_inspection.approval_state == ApprovalState.PENDING
    assert SamplingTask.objects.get(pk=kj_inspection.task_id).status == "draft"
