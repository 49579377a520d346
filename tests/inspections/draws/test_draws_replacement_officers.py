"""递补 after the teams are drawn: a recused officer's seat, and a firm that left the scope, are
each refilled by a logged DR-1 draw that names the draw it replaces and the reason, approved by
the department head; the whole draws stay as they were and `effective_teams` applies them."""

import io

import pytest
from builders import recuse_officer
from django.core.exceptions import ValidationError
from django.core.management import call_command

from backend.audit.models import AuditEvent
from inspections.directory.models import Firm, FirmStatus
from inspections.draws import dr1
from inspections.draws.models import Draw, DrawPurpose, DrawStatus
from inspections.draws.services.draws import (
    abandon_draw,
    announce_firms_draw,
    announce_teams_draw,
    perform_draw,
)
from inspections.draws.services.replacements import (
    announce_firm_replacement,
    announce_officer_replacement,
    announce_replacement_team,
    firms_awaiting_team,
)
from inspections.draws.teams import effective_firms, effective_teams
from inspections.planning.models import TaskStatus
from inspections.planning.services import confirm_participation


def _draw_both(planner, task):
    firms = announce_firms_draw(actor=planner, task=task)
    perform_draw(actor=planner, draw=firms, witness_values=["4711"])
    teams = announce_teams_draw(actor=planner, task=task)
    teams = perform_draw(actor=planner, draw=teams, witness_values=["0815"])
    task.refresh_from_db()
    return task, teams


@pytest.fixture
def drawn(planner, open_draft_task):
    """A KJ task whose firms (5) and teams (2 KJ officers a firm, 4 officers) are drawn."""
    return _draw_both(planner, open_draft_task(witnesses=["纪检监督员"]))


def _verify(draw: Draw) -> dr1.VerifyReport:
    return dr1.verify(
        draw.announcement,
        draw.reveal,
        bytes(draw.pool),
        bytes(draw.result),
        conflicts_bytes=None if draw.conflicts is None else bytes(draw.conflicts),
        firms_result_bytes=None if draw.firms_result is None else bytes(draw.firms_result),
    )


def _first_seat(task):
    firm, seats = next(iter(effective_teams(task).items()))
    return firm, seats[0]


# --- a recused officer ---------------------------------------------------------------------------


def test_a_recused_officer_is_replaced_on_the_same_seat_by_a_logged_verifiable_draw(
    planner, department_admin, drawn
):
    task, teams = drawn
    firm, seat = _first_seat(task)
    other = next(s for s in effective_teams(task)[firm] if s != seat)
    recuse_officer(seat.certificate_number, firm)

    draw = announce_officer_replacement(
        actor=planner,
        task=task,
        firm_uscc=firm,
        certificate_number=seat.certificate_number,
        reason="当事人申请回避，部门负责人同意",
        approved_by=department_admin,
    )
    a = draw.announcement
    assert a["replaces"] == teams.public_id and a["reason"] == "当事人申请回避，部门负责人同意"
    assert a["purpose"] == "teams" and a["team"] == {"KJ": 1} and a["cap"] == task.officer_cap
    assert draw.approved_by == department_admin and draw.replaces == teams
    assert (draw.replaced_firm, draw.replaced_officer) == (firm, seat.certificate_number)
    pool = {r.key: r.excluded for r in dr1.parse_pool(bytes(draw.pool))}
    assert pool[seat.certificate_number] == "recused"
    assert pool[other.certificate_number] == "seated"
    assert [p.key for p in dr1.parse_firms_result(bytes(draw.firms_result))] == [firm]
    assert a["firms_result_sha256"] == dr1.sha256_hex(bytes(draw.firms_result))

    draw = perform_draw(actor=planner, draw=draw, witness_values=["2468"])
    assert _verify(draw).ok
    (new,) = dr1.parse_teams_result(bytes(draw.result))
    assert new.officer not in {seat.certificate_number, other.certificate_number}
    team = effective_teams(task)[firm]
    assert [(s.department_code, s.seat) for s in team] == [("KJ", 1), ("KJ", 2)]
    replaced = next(s for s in team if s.seat == seat.seat)
    assert replaced.certificate_number == new.officer
    assert replaced.draw_public_id == draw.public_id
    task.refresh_from_db()
    assert task.status == TaskStatus.TEAMS_DRAWN  # a replacement does not move the task
    event = AuditEvent.objects.filter(action="draws.announce").latest("pk")
    assert event.detail["approved_by"] == department_admin.username
    assert event.detail["replaced_officer"] == seat.certificate_number
    assert event.detail["grounds"] == ["conflict"]


def test_a_replacement_officer_recused_in_turn_is_replaced_from_the_replacement_draw(
    planner, department_admin, drawn
):
    task, _ = drawn
    firm, seat = _first_seat(task)
    recuse_officer(seat.certificate_number, firm)
    first = announce_officer_replacement(
        actor=planner,
        task=task,
        firm_uscc=firm,
        certificate_number=seat.certificate_number,
        reason="近亲属回避",
        approved_by=department_admin,
    )
    first = perform_draw(actor=planner, draw=first, witness_values=["1"])
    (new,) = dr1.parse_teams_result(bytes(first.result))
    recuse_officer(new.officer, firm)
    second = announce_officer_replacement(
        actor=planner,
        task=task,
        firm_uscc=firm,
        certificate_number=new.officer,
        reason="曾在该单位任职",
        approved_by=department_admin,
    )
    assert second.replaces == first
    pool = {r.key: r.excluded for r in dr1.parse_pool(bytes(second.pool))}
    # The first recused officer is still in conflict with the firm, so never drawn again.
    assert (seat.certificate_number, firm) in dr1.parse_conflicts(bytes(second.conflicts))
    assert pool[new.officer] == "recused"
    second = perform_draw(actor=planner, draw=second, witness_values=["2"])
    (newest,) = dr1.parse_teams_result(bytes(second.result))
    numbers = {s.certificate_number for s in effective_teams(task)[firm]}
    assert newest.officer in numbers and not numbers & {seat.certificate_number, new.officer}
    assert task.draws.count() == 4


@pytest.mark.parametrize(
    "change, message",
    [
        ({"reason": "  "}, "递补抽取须说明原因"),
        ({"approved_by": None}, "递补执法人员须经发起部门或该执法人员所在部门的负责人"),
        ({"approved_by": "planner"}, "递补执法人员须经发起部门或该执法人员所在部门的负责人"),
        ({"approved_by": "ga_department_admin"}, "须经发起部门或该执法人员所在部门的负责人"),
        ({"recused": False}, "没有回避事由，不能递补"),
        ({"certificate_number": "2201X00000000"}, "不在企业"),
        ({"firm_uscc": "91220102MA0000000X"}, "不是抽查任务"),
    ],
)
def test_a_bad_officer_replacement_is_refused_in_chinese_and_nothing_is_drawn(
    request, planner, department_admin, drawn, change, message
):
    task, _ = drawn
    firm, seat = _first_seat(task)
    if change.pop("recused", True):
        recuse_officer(seat.certificate_number, firm)
    fields = {
        "firm_uscc": firm,
        "certificate_number": seat.certificate_number,
        "reason": "当事人申请回避",
        "approved_by": department_admin,
    }
    fields.update(change)
    if isinstance(fields["approved_by"], str):
        fields["approved_by"] = request.getfixturevalue(fields["approved_by"])
    before = Draw.objects.count()
    with pytest.raises(ValidationError) as refused:
        announce_officer_replacement(actor=planner, task=task, **fields)
    assert message in " ".join(refused.value.messages)
    assert Draw.objects.count() == before
    assert effective_teams(task)[firm][0] == seat


def test_one_replacement_at_a_time(planner, department_admin, drawn):
    task, _ = drawn
    teams = effective_teams(task)
    (firm, seats), (other_firm, other_seats) = list(teams.items())[:2]
    recuse_officer(seats[0].certificate_number, firm)
    recuse_officer(other_seats[0].certificate_number, other_firm)
    pending = announce_officer_replacement(
        actor=planner,
        task=task,
        firm_uscc=firm,
        certificate_number=seats[0].certificate_number,
        reason="回避",
        approved_by=department_admin,
    )
    with pytest.raises(ValidationError) as refused:
        announce_officer_replacement(
            actor=planner,
            task=task,
            firm_uscc=other_firm,
            certificate_number=other_seats[0].certificate_number,
            reason="回避",
            approved_by=department_admin,
        )
    assert refused.value.messages == [
        f"抽取{pending.public_id}已公告、尚未进行，请先进行或作废该抽取"
    ]
    # An abandoned replacement leaves the seat as it was, and the next one may be announced.
    abandon_draw(actor=planner, draw=pending, reason="见证人未到场")
    assert effective_teams(task)[firm] == seats


def test_no_officer_replacement_before_the_teams_are_drawn(
    planner, department_admin, open_draft_task
):
    task = open_draft_task()
    with pytest.raises(ValidationError) as refused:
        announce_officer_replacement(
            actor=planner,
            task=task,
            firm_uscc="91220102MA0000000X",
            certificate_number="2201T00000001",
            reason="回避",
            approved_by=department_admin,
        )
    assert refused.value.messages == [
        f"抽查任务{task.code}当前为“草稿”，不能递补执法人员"
        "（仅在“检查人员已抽取”、“检查实施中”时可以）"
    ]


def test_in_a_joint_task_the_officers_department_head_may_approve(
    planner, kj, ga, staff, foreign_work, open_draft_task, ga_department_admin
):
    staff(ga, foreign_work, 3)
    task = open_draft_task(seats={kj: 1, ga: 1}, witnesses=[])
    confirm_participation(actor=ga_department_admin, task=task, seats=1)
    firms = perform_draw(
        actor=planner, draw=announce_firms_draw(actor=planner, task=task), witness_values=[]
    )
    assert firms.is_performed
    perform_draw(
        actor=planner, draw=announce_teams_draw(actor=planner, task=task), witness_values=[]
    )
    task.refresh_from_db()
    firm, seats = next(iter(effective_teams(task).items()))
    ga_seat = next(s for s in seats if s.department_code == "GA")
    recuse_officer(ga_seat.certificate_number, firm)
    draw = announce_officer_replacement(
        actor=planner,
        task=task,
        firm_uscc=firm,
        certificate_number=ga_seat.certificate_number,
        reason="本人申报回避",
        approved_by=ga_department_admin,
    )
    assert draw.announcement["team"] == {"GA": 1}
    assert {r.stratum for r in dr1.parse_pool(bytes(draw.pool))} == {"GA"}
    draw = perform_draw(actor=planner, draw=draw, witness_values=[])
    assert _verify(draw).ok
    team = effective_teams(task)[firm]
    assert [s.department_code for s in team] == ["GA", "KJ"]
    assert ga_seat.certificate_number not in {s.certificate_number for s in team}
    # The GA head approves GA's officers only: a KJ seat needs the lead's (or KJ's) head.
    kj_seat = next(s for s in team if s.department_code == "KJ")
    recuse_officer(kj_seat.certificate_number, firm)
    with pytest.raises(ValidationError):
        announce_officer_replacement(
            actor=planner,
            task=task,
            firm_uscc=firm,
            certificate_number=kj_seat.certificate_number,
            reason="回避",
            approved_by=ga_department_admin,
        )


# --- a firm that left the scope ------------------------------------------------------------------


def test_an_out_of_scope_firm_is_replaced_from_its_stratum_and_then_given_a_team(
    planner, department_admin, drawn
):
    task, teams = drawn
    firms_draw = task.draws.get(purpose=DrawPurpose.FIRMS)
    picks = dr1.parse_firms_result(bytes(firms_draw.result))
    gone = picks[1]
    Firm.objects.filter(uscc=gone.key).update(status=FirmStatus.DEREGISTERED)

    draw = announce_firm_replacement(
        actor=planner,
        task=task,
        firm_uscc=gone.key,
        reason="该企业已注销",
        approved_by=department_admin,
    )
    a = draw.announcement
    assert a["replaces"] == firms_draw.public_id and a["reason"] == "该企业已注销"
    assert a["quota"][gone.stratum] == 1 and sum(a["quota"].values()) == 1
    # The replacement labels the strata as the draw it replaces: the same class, the same label.
    assert draw.strata == firms_draw.strata and sorted(draw.strata.values()) == sorted(a["quota"])
    pool = {r.key: r.excluded for r in dr1.parse_pool(bytes(draw.pool))}
    assert pool[gone.key] == "deregistered"
    assert all(pool[p.key] == "drawn" for p in picks if p.key != gone.key)
    draw = perform_draw(actor=planner, draw=draw, witness_values=["99"])
    assert _verify(draw).ok
    (new,) = dr1.parse_firms_result(bytes(draw.result))
    assert new.stratum == gone.stratum and new.key not in {p.key for p in picks}
    assert [f.uscc for f in effective_firms(task)] == [
        new.key if p.key == gone.key else p.key for p in picks
    ]
    assert gone.key not in effective_teams(task) and new.key not in effective_teams(task)
    assert firms_awaiting_team(task) == [draw]

    team_draw = announce_replacement_team(actor=planner, draw=draw)
    assert team_draw.replaces == teams and team_draw.approved_by == department_admin
    assert team_draw.announcement["firms_result_sha256"] == dr1.sha256_hex(bytes(draw.result))
    assert team_draw.announcement["team"] == {"KJ": 2}
    team_draw = perform_draw(actor=planner, draw=team_draw, witness_values=["98"])
    assert _verify(team_draw).ok
    assert [s.draw_public_id for s in effective_teams(task)[new.key]] == [team_draw.public_id] * 2
    assert firms_awaiting_team(task) == []
    assert len(effective_teams(task)) == len(picks)
    # Operators re-check every draw of the task, replacements included.
    for public_id in task.draws.values_list("public_id", flat=True):
        out = io.StringIO()
        call_command("verify_draw", public_id, stdout=out, stderr=io.StringIO())
        assert f"{public_id} 验证通过" in out.getvalue()


def test_a_firm_still_in_scope_is_not_replaced(planner, department_admin, drawn):
    task, _ = drawn
    firm, _seat = _first_seat(task)
    with pytest.raises(ValidationError) as refused:
        announce_firm_replacement(
            actor=planner,
            task=task,
            firm_uscc=firm,
            reason="联系不上",
            approved_by=department_admin,
        )
    assert "仍在抽查范围内、可以抽取，不能递补" in refused.value.messages[0]
    assert not Draw.objects.filter(replaced_firm=firm).exists()


def test_a_firm_replacement_needs_the_lead_department_head(planner, inspector, drawn):
    task, _ = drawn
    firm, _seat = _first_seat(task)
    Firm.objects.filter(uscc=firm).update(status=FirmStatus.MOVED_OUT)
    with pytest.raises(ValidationError) as refused:
        announce_firm_replacement(
            actor=planner, task=task, firm_uscc=firm, reason="已迁出", approved_by=inspector
        )
    assert refused.value.messages == ["递补抽取须经发起部门负责人（部门管理员）批准"]


# --- an abandoned teams draw ---------------------------------------------------------------------


def test_an_abandoned_teams_draw_is_replaced_by_a_whole_teams_draw(
    planner, department_admin, open_draft_task
):
    task = open_draft_task(witnesses=[])
    perform_draw(
        actor=planner, draw=announce_firms_draw(actor=planner, task=task), witness_values=[]
    )
    abandoned = abandon_draw(
        actor=planner, draw=announce_teams_draw(actor=planner, task=task), reason="公告有误"
    )
    with pytest.raises(ValidationError):
        announce_teams_draw(actor=planner, task=task, replaces=abandoned, reason="重新公告")
    draw = announce_teams_draw(
        actor=planner,
        task=task,
        replaces=abandoned,
        reason="重新公告",
        approved_by=department_admin,
    )
    assert draw.announcement["replaces"] == abandoned.public_id
    assert draw.approved_by == department_admin and not draw.is_partial
    draw = perform_draw(actor=planner, draw=draw, witness_values=[])
    assert _verify(draw).ok and draw.status == DrawStatus.PERFORMED
    task.refresh_from_db()
    assert task.status == TaskStatus.TEAMS_DRAWN
    assert {s.draw_public_id for seats in effective_teams(task).values() for s in seats} == {
        draw.public_id
    }


# --- the page ------------------------------------------------------------------------------------


def _post_officer(client, task, firm, number, *, reason="当事人申请回避", approver="", password=""):
    return client.post(
        f"/tasks/{task.pk}/replacements/",
        {
            "officer-kind": "officer",
            "officer-seat": f"{firm}|{number}",
            "officer-reason": reason,
            "officer-approver_username": approver,
            "officer-approver_password": password,
        },
    )


def test_the_planner_announces_a_replacement_the_head_approves_on_the_spot(
    login, planner, department_admin, drawn
):
    from tests.conftest import PASSWORD

    task, _ = drawn
    firm, seat = _first_seat(task)
    recuse_officer(seat.certificate_number, firm)
    client = login(planner)
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert 'data-testid="draw-replace"' in page
    form = client.get(f"/tasks/{task.pk}/replacements/").content.decode()
    assert f"{firm}|{seat.certificate_number}" in form and "递补回避的执法人员" in form

    response = _post_officer(
        client,
        task,
        firm,
        seat.certificate_number,
        approver=department_admin.username,
        password=PASSWORD,
    )
    assert response.status_code == 302
    draw = Draw.objects.get(replaced_officer=seat.certificate_number)
    assert draw.approved_by == department_admin and draw.reason == "当事人申请回避"
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "共 3 次" in page and "递补 1 次" in page and f"批准人 {department_admin}" in page
    assert 'data-testid="draw-perform-form"' in page


@pytest.mark.parametrize(
    "change, message",
    [
        ({"password": "wrong-password-1"}, "批准人账号或密码不正确"),
        ({"reason": ""}, "递补抽取须说明原因"),
        ({"approver": "", "password": ""}, "须经发起部门或该执法人员所在部门的负责人"),
        ({"recused": False}, "没有回避事由，不能递补"),
    ],
)
def test_a_bad_replacement_on_the_page_is_refused_and_nothing_is_drawn(
    login, planner, department_admin, drawn, change, message
):
    from tests.conftest import PASSWORD

    task, _ = drawn
    firm, seat = _first_seat(task)
    if change.pop("recused", True):
        recuse_officer(seat.certificate_number, firm)
    fields = {"approver": department_admin.username, "password": PASSWORD, **change}
    response = _post_officer(login(planner), task, firm, seat.certificate_number, **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert task.draws.count() == 2


def test_an_abandoned_replacement_is_announced_again_from_the_page(
    login, planner, department_admin, drawn
):
    from tests.conftest import PASSWORD

    task, _ = drawn
    firm, seat = _first_seat(task)
    recuse_officer(seat.certificate_number, firm)
    client = login(planner)
    _post_officer(
        client,
        task,
        firm,
        seat.certificate_number,
        approver=department_admin.username,
        password=PASSWORD,
    )
    pending = Draw.objects.get(status=DrawStatus.ANNOUNCED)
    client.post(f"/tasks/{task.pk}/draws/{pending.public_id}/abandon/", {"reason": "见证人未到场"})
    pending.refresh_from_db()
    assert pending.status == DrawStatus.ABANDONED and pending.abandoned_reason == "见证人未到场"
    response = _post_officer(
        client,
        task,
        firm,
        seat.certificate_number,
        reason="见证人未到场，重新公告",
        approver=department_admin.username,
        password=PASSWORD,
    )
    assert response.status_code == 302
    assert "已作废 1 次" in client.get(f"/tasks/{task.pk}/").content.decode()


def test_only_the_lead_planner_opens_the_replacement_page(login, department_admin, drawn):
    task, _ = drawn
    assert login(department_admin).get(f"/tasks/{task.pk}/replacements/").status_code in (403, 404)


def test_an_abandoned_firms_draw_is_announced_again_from_the_page(
    login, planner, department_admin, open_draft_task
):
    from tests.conftest import PASSWORD

    task = open_draft_task(witnesses=["纪检监督员"])
    client = login(planner)
    client.post(f"/tasks/{task.pk}/draws/announce/firms/")
    first = Draw.objects.get()
    client.post(f"/tasks/{task.pk}/draws/{first.public_id}/abandon/", {"reason": "公告有误"})
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "已作废 1 次" in page and 'data-testid="draw-replace"' in page
    form = client.get(f"/tasks/{task.pk}/replacements/").content.decode()
    assert "重新公告已作废的抽取" in form and first.public_id in form
    response = client.post(
        f"/tasks/{task.pk}/replacements/",
        {
            "redo-kind": "redo",
            "redo-abandoned": first.public_id,
            "redo-reason": "公告有误，重新公告",
            "redo-approver_username": department_admin.username,
            "redo-approver_password": PASSWORD,
        },
    )
    assert response.status_code == 302
    again = Draw.objects.get(replaces=first)
    assert again.announcement["replaces"] == first.public_id and not again.is_partial
    assert "共 2 次" in client.get(f"/tasks/{task.pk}/").content.decode()


def test_a_firm_replacement_and_its_team_from_the_page(login, planner, department_admin, drawn):
    from tests.conftest import PASSWORD

    task, _ = drawn
    firm, _seat = _first_seat(task)
    Firm.objects.filter(uscc=firm).update(status=FirmStatus.LICENSE_REVOKED)
    client = login(planner)
    response = client.post(
        f"/tasks/{task.pk}/replacements/",
        {
            "firm-kind": "firm",
            "firm-firm": firm,
            "firm-reason": "营业执照已被吊销",
            "firm-approver_username": department_admin.username,
            "firm-approver_password": PASSWORD,
        },
    )
    assert response.status_code == 302
    draw = Draw.objects.get(replaced_firm=firm, purpose=DrawPurpose.FIRMS)
    client.post(f"/tasks/{task.pk}/draws/{draw.public_id}/perform/", {"witness_value": ["5"]})
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert 'data-testid="replacement-team-form"' in page
    client.post(f"/tasks/{task.pk}/draws/{draw.public_id}/team/")
    team = Draw.objects.get(replaced_firm=firm, purpose=DrawPurpose.TEAMS)
    assert team.status == DrawStatus.ANNOUNCED and team.approved_by == department_admin
    assert (
        'data-testid="replacement-team-form"'
        not in client.get(f"/tasks/{task.pk}/").content.decode()
    )


@pytest.mark.postgres
def test_what_a_replacement_announced_can_never_change(planner, department_admin, drawn):
    from django.db import DatabaseError, connection, transaction

    task, _ = drawn
    firm, seat = _first_seat(task)
    recuse_officer(seat.certificate_number, firm)
    draw = announce_officer_replacement(
        actor=planner,
        task=task,
        firm_uscc=firm,
        certificate_number=seat.certificate_number,
        reason="回避",
        approved_by=department_admin,
    )
    for change in (
        "approved_by_id = NULL",
        "replaced_officer = 'X'",
        "replaced_firm = 'X'",
        "firms_result = 'x'::bytea",
    ):
        with pytest.raises(DatabaseError, match="can never change"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"UPDATE inspections_draw SET {change} WHERE id = %s", [draw.pk])
    stored = Draw.objects.get(pk=draw.pk)
    assert stored.approved_by == department_admin and stored.replaced_officer
