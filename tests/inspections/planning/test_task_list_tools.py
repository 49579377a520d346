"""The task list's filter bar, total and export (issue 17): the export is the filtered list,
scoped to the user's department like the page."""

from list_tools import check_list, workbook_rows

from tests.conftest import log_in


def test_the_task_list_filters_resets_counts_and_exports_what_it_shows(
    client, planner, ga_department_admin, open_draft_task
):
    first = open_draft_task(name="外国人来华工作许可抽查")
    second = open_draft_task(name="出入境证件核查抽查")
    log_in(client, planner)
    rows = check_list(
        client,
        "/tasks/",
        params={"q": "出入境"},
        shown=[second.code],
        hidden=[first.code],
        total=1,
    )
    assert rows[0][:3] == ("任务编号", "任务名称", "发起部门")
    assert [r[:2] for r in rows[1:]] == [(second.code, "出入境证件核查抽查")]
    assert rows[1][4] == "2021-06-07" and rows[1][6] == "草稿"
    everything = workbook_rows(client.get("/tasks/export.xlsx"))
    assert {r[0] for r in everything[1:]} == {first.code, second.code}
    # Another department's administrator sees and exports none of them.
    log_in(client, ga_department_admin)
    assert workbook_rows(client.get("/tasks/export.xlsx"))[1:] == []


def test_the_plan_list_filters_resets_counts_and_exports_what_it_shows(
    client, planner, ga_department_admin, published_plan
):
    log_in(client, planner)
    rows = check_list(
        client,
        "/plans/",
        params={"status": "published", "year": "2021"},
        shown=[published_plan.title],
        hidden=[],
        total=1,
    )
    assert rows[0][:4] == ("年度", "计划名称", "版本", "状态")
    assert [r[:4] for r in rows[1:]] == [(2021, published_plan.title, 1, "已发布")]
    drafts = client.get("/plans/", {"status": "draft"}).content.decode()
    assert published_plan.title not in drafts.split('data-testid="plans"')[1]
    assert workbook_rows(client.get("/plans/export.xlsx?status=draft"))[1:] == []
    # Another department's administrator exports none of KJ's plans.
    log_in(client, ga_department_admin)
    assert workbook_rows(client.get("/plans/export.xlsx"))[1:] == []


def test_an_export_over_the_limit_is_refused_back_to_the_list_not_cut_short(
    client, planner, open_draft_task, monkeypatch
):
    from backend import listing
    from backend.audit.models import AuditEvent

    open_draft_task(name="外国人来华工作许可抽查")
    open_draft_task(name="出入境证件核查抽查")
    log_in(client, planner)
    monkeypatch.setattr(listing, "EXPORT_LIMIT", 1)
    before = AuditEvent.objects.filter(action="list.export").count()
    response = client.get("/tasks/export.xlsx", {"q": "抽查"})
    assert response.status_code == 302
    assert response["Location"] == "/tasks/?q=%E6%8A%BD%E6%9F%A5"
    assert AuditEvent.objects.filter(action="list.export").count() == before
    page = client.get(response["Location"]).content.decode()
    assert "共 2 条，超过单次导出上限 1 条，请缩小查询范围后再导出" in page
    # Narrowed to one task, within the limit: exported, audited once.
    rows = workbook_rows(client.get("/tasks/export.xlsx", {"q": "出入境"}))
    assert len(rows) == 2
    assert AuditEvent.objects.filter(action="list.export").count() == before + 1


def test_an_export_without_its_list_address_returns_to_the_list_its_address_names(rf):
    from backend.listing import list_url_of

    assert list_url_of(rf.get("/tasks/export.xlsx")) == "/tasks/"
    assert list_url_of(rf.get("/supervision/opinions.xlsx")) == "/supervision/opinions/"
    assert list_url_of(rf.get("/ratings/complaints/export.xlsx")) == "/ratings/complaints/"
