"""The officer list's tools (issue 17): 查询/重置, the total, and an .xlsx of exactly the filtered
officers of the asker's department, without ID numbers or phones."""

from datetime import date

from django.urls import reverse

from tests.list_tools import check_list


def test_the_officer_list_filters_totals_and_exports_its_own_department(
    client, planner, kj, ga, make_officer, make_certificate
):
    routine = make_officer(kj, name="乙监管", category="routine")
    make_certificate(routine, valid_from=date(2020, 1, 1), valid_to=date(2030, 12, 31))
    make_officer(kj, name="甲公务员", category="civil_servant")
    make_officer(ga, name="丁公安", category="routine")
    client.force_login(planner)
    rows = check_list(
        client,
        reverse("personnel:officers"),
        params={"category": "routine"},
        shown=["乙监管"],
        hidden=["甲公务员", "丁公安"],
        total=1,
    )
    assert rows[0][:3] == ("姓名", "性别", "所属部门")
    assert [row[0] for row in rows[1:]] == ["乙监管"]
    assert rows[1][2] == "市科学技术局" and rows[1][7] == "有"
    header = "".join(str(cell) for cell in rows[0])
    assert "身份" not in header and "电话" not in header
    assert routine.citizen_id not in {str(cell) for row in rows for cell in row}
