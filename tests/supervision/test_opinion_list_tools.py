"""The opinion lists' filter bar, total and export (issue 17): the supervisor's of every
department, the department administrator's of their own department only."""

import pytest
from list_tools import check_list, workbook_rows

from supervision.services import issue_opinion
from tests.conftest import log_in


@pytest.fixture
def opinions(supervisor, kj, ga):
    def make(department, text):
        return issue_opinion(
            actor=supervisor,
            department=department,
            text=text,
            working_days=5,
            warning_kind="frequent",
            warning_text="某企业一年内被检查 4 次",
        )

    return make(kj, "请说明科技局多次检查的原因"), make(ga, "请说明公安局多次检查的原因")


def test_the_supervisor_filters_resets_counts_and_exports_the_opinions(
    client, supervisor, opinions
):
    kj_opinion, ga_opinion = opinions
    log_in(client, supervisor)
    rows = check_list(
        client,
        "/supervision/opinions/",
        params={"q": "公安局"},
        shown=[ga_opinion.number],
        hidden=[kj_opinion.number],
        total=1,
    )
    assert rows[0] == ("编号", "被监督部门", "针对", "监督意见", "提出日期", "答复期限", "答复情况")
    assert [(r[0], r[3], r[6]) for r in rows[1:]] == [
        (ga_opinion.number, "请说明公安局多次检查的原因", "待答复")
    ]
    everything = workbook_rows(client.get("/supervision/opinions.xlsx"))
    assert {r[0] for r in everything[1:]} == {kj_opinion.number, ga_opinion.number}


def test_the_department_exports_only_its_own_opinions(client, department_admin, opinions):
    kj_opinion, ga_opinion = opinions
    log_in(client, department_admin)
    rows = check_list(
        client,
        "/supervision/department/opinions/",
        params={"state": "pending"},
        shown=[kj_opinion.number],
        hidden=[ga_opinion.number],
        total=1,
    )
    assert [r[0] for r in rows[1:]] == [kj_opinion.number]
    assert client.get("/supervision/opinions.xlsx").status_code == 403
