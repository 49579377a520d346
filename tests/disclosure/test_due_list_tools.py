"""The publication due list's filter bar, total and export (issue 17): the export is the
filtered list of the department's results still to publish, like the page."""

from list_tools import check_list, total_of, workbook_rows

from tests.conftest import log_in


def test_the_due_list_filters_counts_and_exports_what_it_shows(
    client, inspections, planner, ga_department_admin
):
    log_in(client, planner)
    rows = check_list(
        client,
        "/disclosure/",
        params={"q": inspections[1].code},
        shown=[inspections[1].code],
        hidden=[inspections[0].code],
        total=1,
    )
    assert rows[0][:3] == ("检查编号", "检查对象", "统一社会信用代码")
    assert [r[:3] for r in rows[1:]] == [
        (inspections[1].code, inspections[1].firm_name, inspections[1].firm_uscc)
    ]
    assert rows[1][3] == inspections[1].task.code
    everything = workbook_rows(client.get("/disclosure/due.xlsx"))
    assert [r[0] for r in everything[1:]] == [i.code for i in inspections]
    overdue = total_of(client.get("/disclosure/", {"state": "overdue"}).content.decode())
    in_time = total_of(client.get("/disclosure/", {"state": "due"}).content.decode())
    assert overdue + in_time == len(inspections)
    assert len(workbook_rows(client.get("/disclosure/due.xlsx?state=due"))) == in_time + 1
    # Another department has none of KJ's results to publish.
    log_in(client, ga_department_admin)
    assert total_of(client.get("/disclosure/").content.decode()) == 0
    assert workbook_rows(client.get("/disclosure/due.xlsx"))[1:] == []
