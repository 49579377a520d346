"""The teams draw: officers pooled per department from personnel's eligibility, conflicts with
the drawn firms bound by digest, performed once, and a shortfall refused with nothing drawn."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from inspections.draws import dr1
from inspections.draws.models import Draw, DrawPurpose, DrawStatus
from inspections.draws.services.draws import announce_firms_draw, announce_teams_draw, perform_draw
from inspections.planning.models import SamplingTask, TaskStatus
from personnel.models import Certificate, Officer, OfficerStatus


@pytest.fixture
def firms_drawn(planner, open_draft_task):
    task = open_draft_task(witnesses=["纪检监督员"])
    draw = announce_firms_draw(actor=planner, task=task)
    perform_draw(actor=planner, draw=draw, witness_values=["4711"])
    task.refresh_from_db()
    return task


def _firms(task):
    draw = task.draws.get(purpose=DrawPurpose.FIRMS)
    return bytes(draw.result), [p.key for p in dr1.parse_firms_result(bytes(draw.result))]


def test_a_teams_draw_is_announced_performed_and_verifiable(planner, firms_drawn):
    draw = announce_teams_draw(actor=planner, task=firms_drawn)
    a = draw.announcement
    firms_result, firms = _firms(firms_drawn)
    assert a["purpose"] == "teams" and a["team"] == {"KJ": 2} and a["cap"] == 5
    assert a["firms_result_sha256"] == dr1.sha256_hex(firms_result)
    assert a["conflicts_sha256"] == dr1.sha256_hex(bytes(draw.conflicts))
    rows = dr1.parse_pool(bytes(draw.pool))
    certificates = set(Certificate.objects.values_list("number", flat=True))
    assert {r.key for r in rows} == certificates and {r.stratum for r in rows} == {"KJ"}
    firms_drawn.refresh_from_db()
    assert firms_drawn.status == TaskStatus.TEAMS_ANNOUNCED

    draw = perform_draw(actor=planner, draw=draw, witness_values=["0815"])
    seats = dr1.parse_teams_result(bytes(draw.result))
    assert [s.firm for s in seats[::2]] == firms and len(seats) == 2 * len(firms)
    report = dr1.verify(
        draw.announcement,
        draw.reveal,
        bytes(draw.pool),
        bytes(draw.result),
        conflicts_bytes=bytes(draw.conflicts),
        firms_result_bytes=firms_result,
    )
    assert report.ok, report.problems
    firms_drawn.refresh_from_db()
    assert firms_drawn.status == TaskStatus.TEAMS_DRAWN


def test_a_declared_conflict_is_in_the_conflicts_file_and_never_drawn(planner, firms_drawn):
    from personnel.models import ConflictRelation, ConflictSource
    from personnel.services.conflicts import declare_conflict

    _, firms = _firms(firms_drawn)
    officer = Officer.objects.order_by("pk").first()
    declare_conflict(
        actor=None,
        officer=officer,
        firm_uscc=firms[0],
        relation=ConflictRelation.RELATIVE,
        source=ConflictSource.SELF_DECLARED,
        valid_from=date(2020, 1, 1),
    )
    number = officer.certificates.get().number
    draw = announce_teams_draw(actor=planner, task=firms_drawn)
    assert dr1.parse_conflicts(bytes(draw.conflicts)) == {(number, firms[0])}
    draw = perform_draw(actor=planner, draw=draw, witness_values=["1"])
    seats = dr1.parse_teams_result(bytes(draw.result))
    assert (number, firms[0]) not in {(s.officer, s.firm) for s in seats}


def test_an_off_duty_officer_is_shown_excluded(planner, firms_drawn):
    officer = Officer.objects.order_by("pk").first()
    Officer.objects.filter(pk=officer.pk).update(status=OfficerStatus.OFF_DUTY)
    draw = announce_teams_draw(actor=planner, task=firms_drawn)
    rows = {r.key: r.excluded for r in dr1.parse_pool(bytes(draw.pool))}
    assert rows[officer.certificates.get().number] == "off-duty"


def test_a_shortfall_names_firm_department_and_seats_and_records_nothing(planner, firms_drawn):
    SamplingTask.objects.filter(pk=firms_drawn.pk).update(officer_cap=1)
    draw = announce_teams_draw(actor=planner, task=firms_drawn)
    _, firms = _firms(firms_drawn)
    with pytest.raises(ValidationError) as refused:
        perform_draw(actor=planner, draw=draw, witness_values=["1"])
    # Four officers, two seats a firm, one firm each: the third firm finds no one.
    assert refused.value.messages == [
        f"检查人员抽取失败：企业{firms[2]}的KJ部门缺少2名执法人员，本次抽取未记录结果"
    ]
    draw.refresh_from_db()
    assert draw.status == DrawStatus.ANNOUNCED and draw.result is None
    firms_drawn.refresh_from_db()
    assert firms_drawn.status == TaskStatus.TEAMS_ANNOUNCED


def test_teams_cannot_be_announced_before_the_firms_are_drawn(planner, open_draft_task):
    task = open_draft_task()
    with pytest.raises(ValidationError) as refused:
        announce_teams_draw(actor=planner, task=task)
    assert refused.value.messages == [f"抽查任务{task.code}当前为“草稿”，不能公告检查人员抽取"]
    assert not Draw.objects.exists()


def test_a_department_without_eligible_officers_is_refused(planner, firms_drawn):
    Officer.objects.update(status=OfficerStatus.OFF_DUTY)
    with pytest.raises(ValidationError) as refused:
        announce_teams_draw(actor=planner, task=firms_drawn)
    assert refused.value.messages == ["KJ没有符合条件的执法人员，不能公告检查人员抽取"]
    assert Draw.objects.filter(purpose=DrawPurpose.TEAMS).count() == 0
