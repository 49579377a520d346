"""The supervisor's lists of ratings and complaints: filter bar, total, export of the current
filter (issue 17); the department reads and exports only the complaints put to it."""

from list_tools import check_list, workbook_rows
from rating_builders import ANSWERS, link_of

from ratings.services import open_complaint, submit_rating
from tests.conftest import log_in


def test_ratings_and_complaints_filter_reset_count_and_export(
    client, closed_inspections, supervisor, department_admin, ga_department_admin
):
    first, second = closed_inspections(2)
    praised = submit_rating(token=link_of(first).token, **{**ANSWERS, "overall": 5})
    asked = submit_rating(
        token=link_of(second).token,
        **{**ANSWERS, "overall": 2, "asked_for_favours": True, "favours_detail": "要求报销餐费"},
    )
    log_in(client, supervisor)
    rows = check_list(
        client,
        "/ratings/",
        params={"favours": "yes"},
        shown=[f'data-testid="rating-{asked.pk}"'],
        hidden=[f'data-testid="rating-{praised.pk}"'],
        total=1,
    )
    assert rows[0][:3] == ("检查编号", "检查对象", "检查部门")
    assert [(r[0], r[5], r[8]) for r in rows[1:]] == [(second.code, 2, "是")]

    complaint = open_complaint(actor=supervisor, rating=asked, subject="反映索要餐费")
    rows = check_list(
        client,
        "/ratings/complaints/",
        params={"state": "open"},
        shown=[complaint.number],
        hidden=[],
        total=1,
    )
    assert [(r[0], r[5]) for r in rows[1:]] == [(complaint.number, "否")]

    log_in(client, department_admin)
    own = workbook_rows(client.get("/ratings/complaints/export.xlsx"))
    assert [r[0] for r in own[1:]] == [complaint.number]
    assert client.get("/ratings/export.xlsx").status_code == 403
    log_in(client, ga_department_admin)
    assert workbook_rows(client.get("/ratings/complaints/export.xlsx"))[1:] == []
