"""The department's publication pages: publish a selection, correct, withdraw, set the limits."""

from datetime import date

import pytest

from disclosure.models import PublicationDeadline, PublishedResult
from disclosure.services import publish_results
from fieldwork.models import FollowUpKind
from fieldwork.services.followups import complete_follow_up, open_follow_up


def test_the_planner_publishes_the_checked_results_from_the_page(inspections, planner, login):
    client = login(planner)
    response = client.post(
        "/disclosure/publish/", {"inspections": [inspections[0].pk, inspections[1].pk]}
    )
    assert response.status_code == 302
    assert set(PublishedResult.objects.values_list("inspection_id", flat=True)) == {
        inspections[0].pk,
        inspections[1].pk,
    }
    page = client.get("/disclosure/").content.decode()
    assert "待公开（2）" in page and f"{inspections[0].code}-G1" in page


def test_publishing_nothing_says_so_on_the_page(inspections, planner, login):
    page = login(planner).post("/disclosure/publish/", {}).content.decode()
    assert "请选择要公示的检查结果" in page
    assert not PublishedResult.objects.exists()


def test_a_result_of_another_department_cannot_even_be_chosen(
    inspections, ga_department_admin, login
):
    page = login(ga_department_admin).post(
        "/disclosure/publish/", {"inspections": [inspections[0].pk]}
    )
    assert page.status_code == 200
    assert "不在可用的选项中" in page.content.decode()
    assert not PublishedResult.objects.exists()


@pytest.mark.parametrize("persona", ["inspector", "legal_reviewer"])
def test_the_pages_refuse_other_roles(inspections, login, request, persona):
    client = login(request.getfixturevalue(persona))
    assert client.get("/disclosure/").status_code == 403
    assert (
        client.post("/disclosure/publish/", {"inspections": [inspections[0].pk]}).status_code == 403
    )


def test_withdrawing_from_the_page_keeps_the_original_public(inspections, planner, login, client):
    original = publish_results(actor=planner, inspections=inspections[:1])[0]
    staff = login(planner)
    form = staff.get(f"/disclosure/results/{original.code}/withdraw/").content.decode()
    assert "原因将与公示一并向社会公开" in form
    response = staff.post(
        f"/disclosure/results/{original.code}/withdraw/",
        {"reason": "原决定已被撤销", "revoked_on": "2026-02-13"},
    )
    assert response.status_code == 302
    withdrawal = PublishedResult.objects.get(replaces=original)
    assert withdrawal.due_on == date(2026, 2, 25)
    # Once withdrawn, neither page is offered for it any more.
    assert staff.get(f"/disclosure/results/{original.code}/correct/").status_code == 404


def test_a_correction_with_nothing_changed_is_refused_on_the_page(inspections, planner, login):
    original = publish_results(actor=planner, inspections=inspections[:1])[0]
    page = (
        login(planner)
        .post(f"/disclosure/results/{original.code}/correct/", {"reason": "复核"})
        .content.decode()
    )
    assert "无需更正" in page
    assert PublishedResult.objects.count() == 1


def test_the_correction_page_shows_a_follow_ups_completion_day_in_chinese(
    inspections, planner, login
):
    original = publish_results(actor=planner, inspections=inspections[:1])[0]
    follow_up = open_follow_up(
        actor=planner,
        inspection=inspections[0],
        kind=FollowUpKind.REFER,
        opened_on=date(2021, 6, 20),
        details="涉嫌非法聘用外国人",
        authority="长春市公安局出入境管理支队",
    )
    complete_follow_up(
        actor=planner, follow_up=follow_up, completed_on=date(2021, 7, 1), outcome="已受理"
    )
    page = login(planner).get(f"/disclosure/results/{original.code}/correct/").content.decode()
    assert "已完成 2021年7月1日" in page
    assert "2021-07-01" not in page


def test_the_department_administrator_sets_the_limits_on_the_page(
    department_admin, planner, login, kj
):
    assert login(planner).get("/disclosure/deadlines/").status_code == 403
    response = login(department_admin).post(
        "/disclosure/deadlines/", {"result": 15, "license": 5, "penalty": 5, "withdrawal": 3}
    )
    assert response.status_code == 302
    assert dict(
        PublicationDeadline.objects.filter(department=kj).values_list("kind", "working_days")
    ) == {"result": 15, "license": 5, "penalty": 5, "withdrawal": 3}
    page = login(department_admin).post("/disclosure/deadlines/", {"result": 0}).content.decode()
    assert "大于或等于" in page
