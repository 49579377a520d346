"""The legal review lists' filter bar and total (issue 17): the reviewer's queue (exported as it
is filtered), the department's decisions and the catalogue; each scoped to the department."""

from legal_review_builders import *  # noqa: F403
from list_tools import check_list, total_of, workbook_rows

from backend.accounts.roles import Role
from legalreview.services import submit_decision
from tests.conftest import log_in


def test_the_review_queue_filters_counts_and_exports_what_it_shows(
    client, referral, draft, team, catalogue, legal_reviewer, make_user, ga
):
    other = submit_decision(
        actor=team[0],
        decision=draft(
            decision_type="referral",
            title="关于移送涉嫌伪造证件案件线索的决定",
            recipient="市公安局",
            amount=None,
            discretion="",
        ),
    )
    log_in(client, legal_reviewer)
    rows = check_list(
        client,
        "/legal/",
        params={"q": "伪造证件"},
        shown=[other.number],
        hidden=[referral.number],
        total=1,
    )
    assert rows[0][:3] == ("决定编号", "决定名称", "决定类型")
    assert [r[:2] for r in rows[1:]] == [(other.number, other.title)]
    assert rows[1][3] == 1 and rows[1][8] == ""
    assert total_of(client.get("/legal/", {"state": "overdue"}).content.decode()) == 0
    everything = workbook_rows(client.get("/legal/export.xlsx"))
    assert {r[0] for r in everything[1:]} == {referral.number, other.number}
    # A reviewer of another department sees and exports none of KJ's rounds.
    log_in(client, make_user("ga_legal", Role.LEGAL_REVIEWER, ga))
    assert total_of(client.get("/legal/").content.decode()) == 0
    assert workbook_rows(client.get("/legal/export.xlsx"))[1:] == []


def test_the_department_page_finds_decisions_by_number_or_title(
    client, referral, draft, department_admin, ga_department_admin
):
    drafted = draft(title="关于对某公司的行政处罚决定（草稿）")
    log_in(client, department_admin)
    check_list(
        client,
        "/legal/department/",
        params={"q": "草稿"},
        shown=[drafted.number],
        hidden=[referral.number],
        total=1,
    )
    log_in(client, ga_department_admin)
    assert total_of(client.get("/legal/department/").content.decode()) == 0


def test_the_catalogue_filters_by_text_and_status(
    client, catalogue, department_admin, ga_department_admin
):
    log_in(client, department_admin)
    check_list(
        client,
        "/legal/catalogue/",
        params={"q": "移送", "active": "yes"},
        shown=["移送案件线索"],
        hidden=["对用人单位处以一万元以上罚款"],
        total=1,
    )
    assert total_of(client.get("/legal/catalogue/", {"active": "no"}).content.decode()) == 0
    log_in(client, ga_department_admin)
    assert total_of(client.get("/legal/catalogue/").content.decode()) == 0
