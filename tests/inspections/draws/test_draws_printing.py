"""On paper and for auditors: the printable draw result, the task's list for the 随机抽查通知书
(printed and exported to .xlsx), and a teams draw's officer pool and conflicts file, which only
auditors receive, each download audited as an export."""

import io

import pytest
from openpyxl import load_workbook

from backend.audit.models import AuditEvent
from inspections.directory.models import Firm
from inspections.draws import dr1
from inspections.draws.models import DrawPurpose
from inspections.draws.services.draws import announce_firms_draw, announce_teams_draw, perform_draw
from inspections.draws.teams import effective_teams
from personnel.models import Certificate


@pytest.fixture
def drawn(planner, open_draft_task):
    task = open_draft_task(witnesses=["纪检监督员"])
    perform_draw(
        actor=planner, draw=announce_firms_draw(actor=planner, task=task), witness_values=["17"]
    )
    perform_draw(
        actor=planner, draw=announce_teams_draw(actor=planner, task=task), witness_values=["29"]
    )
    Firm.objects.update(address="长春市南关区人民大街1号")
    task.refresh_from_db()
    return task


def _draw(task, purpose):
    return task.draws.get(purpose=purpose)


def _body(response) -> bytes:
    return response.getvalue()  # large files are streamed in slices


# --- the printable draw result --------------------------------------------------------------------


def test_the_printable_draw_result_has_the_result_and_no_menus(client, drawn):
    draw = _draw(drawn, DrawPurpose.FIRMS)
    response = client.get(f"/public/draws/{draw.public_id}/print/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "inspections/draw-print.css" in page and "<nav" not in page
    assert draw.seed in page and "纪检监督员：" in page and ">17<" in page
    for pick in dr1.parse_firms_result(bytes(draw.result)):
        assert pick.key in page and Firm.objects.get(uscc=pick.key).name in page
    assert "人民大街" not in page  # the public print shows no address
    assert (
        f"/public/draws/{draw.public_id}/print/"
        in client.get(f"/public/draws/{draw.public_id}/").content.decode()
    )


def test_the_printable_teams_result_names_the_officers(client, drawn):
    draw = _draw(drawn, DrawPurpose.TEAMS)
    page = client.get(f"/public/draws/{draw.public_id}/print/").content.decode()
    for seat in dr1.parse_teams_result(bytes(draw.result)):
        certificate = Certificate.objects.select_related("officer").get(number=seat.officer)
        assert seat.officer in page and certificate.officer.name in page


# --- the list for the 随机抽查通知书 -----------------------------------------------------------


def test_the_notice_list_gives_each_drawn_firm_its_items_window_and_team(login, planner, drawn):
    page = login(planner).get(f"/tasks/{drawn.pk}/notices/").content.decode()
    teams = effective_teams(drawn)
    assert "<nav" not in page and "随机抽查通知书清单" in page
    assert page.count('data-testid="notice-') == len(teams) == 5
    for uscc, seats in teams.items():
        assert uscc in page and Firm.objects.get(uscc=uscc).name in page
        for seat in seats:
            assert seat.certificate_number in page
    assert "人民大街1号" in page and "2021年6月7日 至 2021年6月30日" in page
    assert "外国人来华工作许可事项检查" in page


def test_the_notice_list_exports_to_xlsx_as_an_audited_export(login, planner, drawn):
    response = login(planner).get(f"/tasks/{drawn.pk}/notices.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="notices-{drawn.code}.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert header[:4] == ["序号", "统一社会信用代码", "检查对象名称", "住所（经营场所）"]
    teams = effective_teams(drawn)
    assert [row[1] for row in rows] == [
        p.key for p in dr1.parse_firms_result(bytes(_draw(drawn, DrawPurpose.FIRMS).result))
    ]
    first = rows[0]
    assert first[3] == "长春市南关区人民大街1号" and first[6] == "2021-06-07 至 2021-06-30"
    assert all(s.certificate_number in first[7] for s in teams[first[1]])
    event = AuditEvent.objects.get(action="tasks.notices.export")
    assert event.detail == {"task": drawn.code, "format": "xlsx", "rows": 5}


def test_the_notice_list_is_not_for_inspectors_or_other_departments(
    login, inspector, ga_department_admin, drawn
):
    assert login(inspector).get(f"/tasks/{drawn.pk}/notices/").status_code in (403, 404)
    assert login(ga_department_admin).get(f"/tasks/{drawn.pk}/notices.xlsx").status_code == 404
    assert not AuditEvent.objects.filter(action="tasks.notices.export").exists()


def test_the_task_page_links_the_notice_list_and_each_printable_result(login, planner, drawn):
    page = login(planner).get(f"/tasks/{drawn.pk}/").content.decode()
    assert f"/tasks/{drawn.pk}/notices/" in page and f"/tasks/{drawn.pk}/notices.xlsx" in page
    for draw in drawn.draws.all():
        assert f"/public/draws/{draw.public_id}/print/" in page


def test_the_task_page_lists_the_drawn_firms_and_their_teams_not_the_seed(login, planner, drawn):
    page = login(planner).get(f"/tasks/{drawn.pk}/").content.decode()
    table = page[page.index('data-testid="drawn-firms"') :]
    table = table[: table.index("</table>")]
    teams = effective_teams(drawn)
    for pick in dr1.parse_firms_result(bytes(_draw(drawn, DrawPurpose.FIRMS).result)):
        assert pick.key in table and Firm.objects.get(uscc=pick.key).name in table
        for seat in teams[pick.key]:
            assert Certificate.objects.get(number=seat.certificate_number).officer.name in table
    for draw in drawn.draws.all():
        assert draw.seed not in page


def test_a_large_draw_is_listed_by_its_first_firms(login, planner, drawn, monkeypatch):
    from inspections.draws import views

    monkeypatch.setattr(views, "DRAWN_SHOWN", 2)
    page = login(planner).get(f"/tasks/{drawn.pk}/").content.decode()
    total = len(dr1.parse_firms_result(bytes(_draw(drawn, DrawPurpose.FIRMS).result)))
    assert total > 2 and f"抽取结果 · 检查对象 {total} 家" in page
    table = page[page.index('data-testid="drawn-firms"') :]
    assert table[: table.index("</table>")].count("<tr>") == 1 + 2  # the header and two firms
    assert 'data-testid="drawn-more"' in page and "下表列出前 2 家" in page


# --- files for auditors ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["audit_admin", "planner", "department_admin"], indirect=True)
def test_auditors_download_a_teams_draws_pool_and_conflicts_as_audited_exports(
    login, persona, drawn
):
    draw = _draw(drawn, DrawPurpose.TEAMS)
    client = login(persona)
    page = client.get(f"/public/draws/{draw.public_id}/").content.decode()
    assert 'data-testid="auditor-files"' in page
    for name, data in (("pool", draw.pool), ("conflicts", draw.conflicts)):
        response = client.get(f"/public/draws/{draw.public_id}/{name}.csv")
        assert response.status_code == 200 and _body(response) == bytes(data)
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    events = AuditEvent.objects.filter(action="draws.export").order_by("pk")
    assert [e.detail["file"] for e in events] == ["pool.csv", "conflicts.csv"]
    assert events[0].detail["sha256"] == draw.announcement["pool_sha256"]
    assert events[1].detail["sha256"] == draw.announcement["conflicts_sha256"]
    assert {e.actor_id for e in events} == {persona.pk}


@pytest.mark.parametrize("persona", [None, "inspector", "ga_department_admin"])
def test_nobody_else_gets_a_teams_draws_pool_or_conflicts(request, client, login, persona, drawn):
    draw = _draw(drawn, DrawPurpose.TEAMS)
    if persona:
        client = login(request.getfixturevalue(persona))
    page = client.get(f"/public/draws/{draw.public_id}/").content.decode()
    assert 'data-testid="auditor-files"' not in page and "仅向审计人员提供" in page
    for name in ("pool", "conflicts"):
        assert client.get(f"/public/draws/{draw.public_id}/{name}.csv").status_code == 404
    assert not AuditEvent.objects.filter(action="draws.export").exists()


def test_a_firms_draw_has_no_conflicts_file_and_its_pool_stays_public(client, drawn):
    draw = _draw(drawn, DrawPurpose.FIRMS)
    assert _body(client.get(f"/public/draws/{draw.public_id}/pool.csv")) == bytes(draw.pool)
    assert client.get(f"/public/draws/{draw.public_id}/conflicts.csv").status_code == 404
    assert not AuditEvent.objects.filter(action="draws.export").exists()


def test_the_firms_result_a_teams_draw_staffs_is_public_and_verifies(client, drawn):
    teams = _draw(drawn, DrawPurpose.TEAMS)
    firms = _draw(drawn, DrawPurpose.FIRMS)
    response = client.get(f"/public/draws/{teams.public_id}/firms_result.csv")
    assert response.status_code == 200 and _body(response) == bytes(firms.result)
    assert teams.announcement["firms_result_sha256"] == dr1.sha256_hex(bytes(firms.result))
    assert client.get(f"/public/draws/{firms.public_id}/firms_result.csv").status_code == 404
