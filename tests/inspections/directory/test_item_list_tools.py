"""The item list's filter bar, total and export of the current filter (issue 17)."""

from list_tools import check_list, workbook_rows

from tests.conftest import log_in


def test_the_item_list_searches_resets_counts_and_exports_what_it_shows(
    client, planner, legal_reviewer, make_item
):
    work = make_item(name="外国人来华工作许可事项检查")
    entry = make_item(name="出入境证件办理情况检查")
    log_in(client, planner)
    rows = check_list(
        client,
        "/directory/items/",
        params={"q": "出入境"},
        shown=[entry.item.code],
        hidden=[work.item.code],
        total=1,
    )
    assert rows[0][:4] == ("事项编码", "事项名称", "类别", "责任部门")
    expected = (entry.item.code, "出入境证件办理情况检查", "无")
    assert [(r[0], r[1], r[6]) for r in rows[1:]] == [expected]
    # Every department's staff reads the whole list (it is public): the export holds it all.
    log_in(client, legal_reviewer)
    everything = workbook_rows(client.get("/directory/items/export.xlsx"))
    assert {r[0] for r in everything[1:]} == {work.item.code, entry.item.code}
