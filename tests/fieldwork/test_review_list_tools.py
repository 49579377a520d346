"""The result review list's filter bar, total and export (issue 17): the export is the filtered
list, scoped to the department's own tasks like the page."""

from list_tools import check_list, total_of, workbook_rows

from fieldwork.services import records
from tests.conftest import log_in

LATE = "2021年的检查时间已过，补交审核（测试）"


def test_the_review_list_filters_counts_and_exports_what_it_shows(
    client, started, login_for, fill_record, department_admin, ga_department_admin
):
    first, second = list(started.inspections.order_by("code"))[:2]
    for inspection in (first, second):
        team = [
            login_for(m.officer) for m in inspection.members.order_by("department__code", "seat")
        ]
        fill_record(inspection, team, codes=("rectified",))
        records.submit_for_review(actor=team[0], inspection=inspection, late_reason=LATE)
    log_in(client, department_admin)
    rows = check_list(
        client,
        "/field/review/",
        params={"q": second.code},
        shown=[second.code],
        hidden=[first.code],
        total=1,
    )
    assert rows[0][:3] == ("检查编号", "被检查对象", "统一社会信用代码")
    assert [r[:3] for r in rows[1:]] == [(second.code, second.firm_name, second.firm_uscc)]
    assert rows[1][3] == started.code and rows[1][6] == "发现问题已责令改正"
    everything = workbook_rows(client.get("/field/review/export.xlsx"))
    assert {r[0] for r in everything[1:]} == {first.code, second.code}
    # Another department's head has nothing to review and exports nothing.
    log_in(client, ga_department_admin)
    assert total_of(client.get("/field/review/").content.decode()) == 0
    assert workbook_rows(client.get("/field/review/export.xlsx"))[1:] == []
