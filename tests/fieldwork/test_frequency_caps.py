"""Frequency caps (频次上限, issue 15 item 4): the department administrator sets them; a firms
draw leaves out the firms at a cap with the reason `frequency-cap` in its published pool, which
the public verifier recomputes; a 个案 or 专项 that passes a cap needs the head's reason."""

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from backend.audit.models import AuditEvent
from fieldwork.models import ApprovalState, Inspection
from fieldwork.services.approvals import approve_inspection
from inspections.draws import dr1
from inspections.draws.services.draws import announce_firms_draw, perform_draw
from inspections.planning.actions import PlanningAction
from inspections.planning.caps import caps_passed, firms_at_cap, firms_at_cap_array
from inspections.planning.models import FrequencyCap
from inspections.planning.selectors import scope_counts, task_exclusions
from inspections.planning.services import start_task
from inspections.planning.services.caps import set_frequency_cap, update_frequency_cap


def _at_cap(task) -> set[int]:
    """The firms at one of `task`'s caps (`firms_at_cap`). On PostgreSQL the draw's pool query
    reads them as one array literal written by the database (`firms_at_cap_array`): it must
    name exactly the same firms, sorted."""
    firms = set(firms_at_cap(task))
    if connection.vendor == "postgresql":
        assert firms_at_cap_array(task) == "{" + ",".join(map(str, sorted(firms))) + "}"
    return firms


def _later_task(open_draft_task, **overrides):
    """Another KJ task of the same item in the autumn, with no exclusion window: only the
    caps leave out the firms inspected in June."""
    fields = {
        "window_start": date(2021, 9, 1),
        "window_end": date(2021, 9, 30),
        "exclusion_months": 0,
    }
    return open_draft_task(**{**fields, **overrides})


# --- setting caps ----------------------------------------------------------------------------


def test_the_administrator_sets_a_cap_and_it_is_audited(department_admin, kj, foreign_work):
    cap = set_frequency_cap(
        actor=department_admin, department=kj, enforcement_field=foreign_work, level="city", limit=2
    )
    assert str(cap) == "外国人来华工作许可 市级 每年不超过2次"
    event = AuditEvent.objects.get(action=PlanningAction.CAP_CREATE)
    assert event.detail["limit"] == 2 and event.detail["field"] == "FOREIGN_WORK"

    update_frequency_cap(actor=department_admin, cap=cap, limit=3, counts_case=False)
    cap.refresh_from_db()
    assert cap.limit == 3 and cap.kinds == {"routine", "campaign"}
    event = AuditEvent.objects.get(action=PlanningAction.CAP_UPDATE)
    assert event.detail["before"]["limit"] == 2 and event.detail["after"]["limit"] == 3


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"level": "city", "limit": -1}, "limit", "频次上限不能小于0"),
        ({"level": "county", "limit": 2, "field": None}, "enforcement_field", "须指定执法领域"),
    ],
)
def test_a_negative_cap_or_a_level_without_a_field_is_refused_and_nothing_is_recorded(
    department_admin, kj, foreign_work, values, field, message
):
    values = {"enforcement_field": foreign_work, **values}
    if "field" in values:
        values["enforcement_field"] = values.pop("field")
    with pytest.raises(ValidationError) as refused:
        set_frequency_cap(actor=department_admin, department=kj, **values)
    assert message in str(refused.value.message_dict[field])
    assert not FrequencyCap.objects.exists()
    assert not AuditEvent.objects.filter(action=PlanningAction.CAP_CREATE).exists()


def test_the_same_field_and_level_twice_is_refused(department_admin, kj, foreign_work):
    values = {"enforcement_field": foreign_work, "level": "city", "limit": 2}
    set_frequency_cap(actor=department_admin, department=kj, **values)
    with pytest.raises(ValidationError, match="已设定上限"):
        set_frequency_cap(actor=department_admin, department=kj, **values)
    assert FrequencyCap.objects.count() == 1


def test_only_the_department_administrator_sets_caps(planner, kj, foreign_work):
    with pytest.raises(PermissionDenied, match="部门管理员"):
        set_frequency_cap(
            actor=planner, department=kj, enforcement_field=foreign_work, level="city", limit=2
        )


# --- the draw --------------------------------------------------------------------------------


def _cap(department_admin, kj, foreign_work, **values):
    return set_frequency_cap(
        actor=department_admin,
        department=kj,
        enforcement_field=foreign_work,
        **{"level": "city", "limit": 1, **values},
    )


def test_a_firm_at_its_cap_is_excluded_from_the_draw_with_its_reason_and_the_verifier_agrees(
    started, planner, department_admin, kj, foreign_work, open_draft_task, tmp_path
):
    later = _later_task(open_draft_task, witnesses=["纪检监督员"])
    assert not any(reason == "frequency-cap" for _f, reason in task_exclusions(later))
    _cap(department_admin, kj, foreign_work)

    inspected = set(started.inspections.values_list("firm_id", flat=True))
    assert _at_cap(later) == inspected
    excluded = dict(task_exclusions(later))
    assert {f for f, reason in excluded.items() if reason == "frequency-cap"} == inspected
    counts = scope_counts(later)
    assert sum(s.excluded.get("frequency-cap", 0) for s in counts.strata) == len(inspected)
    labels = {label for s in counts.strata for _code, label, _n in s.excluded_labels}
    assert "已达年度检查频次上限" in labels

    draw = announce_firms_draw(actor=planner, task=later)
    pool = dr1.parse_pool(bytes(draw.pool))
    uscc = set(started.inspections.values_list("firm_uscc", flat=True))
    assert {r.key for r in pool if r.excluded == "frequency-cap"} == uscc
    draw = perform_draw(actor=planner, draw=draw, witness_values=["9"])
    assert not uscc & {line.split(",")[2] for line in bytes(draw.result).decode().splitlines()[1:]}

    files = {
        "announcement.json": json.dumps(draw.announcement, ensure_ascii=False).encode(),
        "reveal.json": json.dumps(draw.reveal).encode(),
        "pool.csv": bytes(draw.pool),
        "result.csv": bytes(draw.result),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    script = Path(dr1.__file__).with_name("verify_draw.py")
    run = subprocess.run(
        [sys.executable, str(script), *(str(tmp_path / name) for name in files)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert draw.seed in run.stdout


def test_a_cap_above_the_count_a_next_year_or_another_level_excludes_nobody(
    started, department_admin, kj, foreign_work, open_draft_task
):
    _cap(department_admin, kj, foreign_work, limit=2)
    assert not _at_cap(_later_task(open_draft_task))
    FrequencyCap.objects.update(limit=1, level="county")  # KJ (220100) is a city body
    assert not _at_cap(_later_task(open_draft_task))
    FrequencyCap.objects.update(level="combined")
    assert _at_cap(_later_task(open_draft_task))


def test_a_cap_of_zero_excludes_the_whole_scope(
    published_plan, department_admin, kj, foreign_work, open_draft_task
):
    task = open_draft_task()
    assert scope_counts(task).eligible > 0
    _cap(department_admin, kj, foreign_work, limit=0)
    assert scope_counts(task).eligible == 0


# --- the approver's confirmation -------------------------------------------------------------


def test_a_case_past_a_cap_needs_the_heads_reason(
    started, planner, department_admin, kj, foreign_work, open_draft_task
):
    from personnel.models import Certificate

    firm = started.inspections.order_by("code").first().firm
    numbers = list(
        Certificate.objects.filter(officer__department=kj)
        .order_by("number")
        .values_list("number", flat=True)
    )
    task = _later_task(
        open_draft_task,
        inspection_type="case",
        case={
            "trigger": "complaint",
            "reference": "12345-2021-0901-001",
            "firm": firm,
            "officers": numbers[:2],
        },
    )
    task = start_task(actor=planner, task=task)
    (inspection,) = task.inspections.all()
    # Without a cap it is approved as any other.
    assert caps_passed(task=task, firm_id=firm.pk, inspection_id=inspection.pk) == []
    _cap(department_admin, kj, foreign_work)
    (passed,) = caps_passed(task=task, firm_id=firm.pk, inspection_id=inspection.pk)
    assert passed.counted == 2

    with pytest.raises(ValidationError) as refused:
        approve_inspection(actor=department_admin, inspection=inspection)
    assert "将超过检查频次上限" in str(refused.value.message_dict["cap_reason"])
    inspection.refresh_from_db()
    assert inspection.approval_state == ApprovalState.PENDING
    assert not inspection.records.exists()

    record = approve_inspection(
        actor=department_admin, inspection=inspection, cap_reason="群众多次投诉，确需检查"
    )
    assert record.content["frequency_cap"]["reason"] == "群众多次投诉，确需检查"
    assert "本次为当年第2次" in record.content["frequency_cap"]["caps"][0]
    event = AuditEvent.objects.get(action="fieldwork.approve_over_cap")
    assert event.detail["reason"] == "群众多次投诉，确需检查"


def test_routine_inspections_are_approved_without_a_cap_reason(
    started_unapproved, department_admin, kj, foreign_work
):
    _cap(department_admin, kj, foreign_work, limit=0)
    inspection = started_unapproved.inspections.order_by("code").first()
    record = approve_inspection(actor=department_admin, inspection=inspection)
    assert "frequency_cap" not in record.content


def test_the_heads_page_and_the_api_ask_for_the_reason_and_take_it(
    client, started, planner, department_admin, kj, foreign_work, open_draft_task
):
    import uuid

    from django.urls import reverse

    from personnel.models import Certificate
    from tests.conftest import log_in

    firm = started.inspections.order_by("code").first().firm
    numbers = list(
        Certificate.objects.filter(officer__department=kj)
        .order_by("number")
        .values_list("number", flat=True)
    )
    case = {"trigger": "complaint", "reference": "12345-2021-0901-002", "firm": firm}
    first = start_task(
        actor=planner,
        task=_later_task(
            open_draft_task, inspection_type="case", case={**case, "officers": numbers[:2]}
        ),
    ).inspections.get()
    second = start_task(
        actor=planner,
        task=_later_task(
            open_draft_task,
            inspection_type="case",
            case={**case, "reference": "12345-2021-0901-003", "officers": numbers[2:4]},
        ),
    ).inspections.get()
    _cap(department_admin, kj, foreign_work)
    log_in(client, department_admin)
    # The head sees it before approving.
    shown = client.get(reverse("fieldwork:inspection", args=[first.pk])).content.decode()
    assert "本次检查将超过检查频次上限" in shown and 'name="cap_reason"' in shown

    url = reverse("fieldwork:approve", args=[first.pk])
    page = client.post(url, {"idempotency_key": uuid.uuid4(), "opinion": "同意"})
    text = page.content.decode()
    assert "将超过检查频次上限" in text and 'name="cap_reason"' in text
    first.refresh_from_db()
    assert first.approval_state == ApprovalState.PENDING
    done = client.post(
        url, {"idempotency_key": uuid.uuid4(), "opinion": "同意", "cap_reason": "投诉涉及安全隐患"}
    )
    assert done.status_code == 302
    first.refresh_from_db()
    assert first.approval_state == ApprovalState.APPROVED

    api = f"/api/v1/inspections/{second.pk}/approval/"
    refused = client.post(api, {"opinion": "同意"}, "application/json")
    assert refused.status_code == 400, refused.content
    assert "将超过检查频次上限" in refused.json()["fields"]["cap_reason"][0]
    ok = client.post(api, {"opinion": "同意", "cap_reason": "上级交办"}, "application/json")
    assert ok.status_code == 200, ok.content
    second.refresh_from_db()
    record = second.records.get()
    assert record.content["frequency_cap"]["reason"] == "上级交办"
    assert "本次为当年第3次" in record.content["frequency_cap"]["caps"][0]


def test_campaigns_ordered_from_above_are_exempt_unless_the_cap_counts_them(
    started, department_admin, kj, foreign_work, open_draft_task
):
    from inspections.planning.models import SamplingTask

    cap = _cap(department_admin, kj, foreign_work)
    later = _later_task(open_draft_task)
    inspected = set(started.inspections.values_list("firm_id", flat=True))
    assert _at_cap(later) == inspected  # counted by the database

    # June's inspections become a campaign of the higher authority (上级主管部门).
    started.inspections.update(inspection_type="campaign")
    SamplingTask.objects.filter(pk=started.pk).update(campaign_authority="上级主管部门")
    assert _at_cap(later) == set()  # exempt: the arithmetic decides, line by line
    update_frequency_cap(actor=department_admin, cap=cap, exempt_higher_campaigns=False)
    assert _at_cap(later) == inspected
    SamplingTask.objects.filter(pk=started.pk).update(campaign_authority="长春市人民政府")
    update_frequency_cap(actor=department_admin, cap=cap, exempt_higher_campaigns=True)
    assert _at_cap(later) == inspected  # the body's own level: counted
    update_frequency_cap(actor=department_admin, cap=cap, counts_campaign=False)
    assert _at_cap(later) == set()


def test_the_firms_at_several_caps_counted_in_the_database_and_line_by_line(
    started, department_admin, kj, foreign_work, open_draft_task
):
    """A firm inspected twice is at a cap of 2; a second cap of 1 adds every firm inspected
    once (each firm named once); a cap whose campaigns are decided line by line adds its firms
    to those the database counts for the other."""
    from inspections.planning.models import SamplingTask

    later = _later_task(open_draft_task)
    inspected = set(started.inspections.values_list("firm_id", flat=True))
    assert len(inspected) >= 2
    twice = started.inspections.order_by("code").first()
    # A second inspection of that firm this year, by another KJ task of the same field.
    Inspection.objects.create(
        code=f"{twice.code}-B",
        task=later,
        firm_id=twice.firm_id,
        firm_uscc=twice.firm_uscc,
        firm_name=twice.firm_name,
        window_start=date(2021, 9, 1),
        window_end=date(2021, 9, 30),
    )
    _cap(department_admin, kj, foreign_work, limit=2)
    assert _at_cap(later) == {twice.firm_id}
    _cap(department_admin, kj, foreign_work, level="combined", limit=1)
    assert _at_cap(later) == inspected

    # June's inspections become a campaign ordered at the body's own level. The city cap stops
    # counting campaigns (the database counts September's inspection alone); the combined cap
    # still counts them, exempting only the higher level's, so it is decided line by line.
    started.inspections.update(inspection_type="campaign")
    SamplingTask.objects.filter(pk=started.pk).update(campaign_authority="长春市人民政府")
    city = FrequencyCap.objects.get(level="city")
    update_frequency_cap(actor=department_admin, cap=city, limit=1, counts_campaign=False)
    FrequencyCap.objects.filter(level="combined").delete()
    assert _at_cap(later) == {twice.firm_id}
    _cap(department_admin, kj, foreign_work, level="combined", limit=1)
    assert _at_cap(later) == inspected  # both ways at once, each firm once


def test_a_cap_with_no_body_or_no_task_to_count_has_no_firm_at_it(
    started, department_admin, kj, foreign_work, open_draft_task
):
    """A cap whose bodies have no task of its field (or no body at all) counts nothing, in
    the draw's array as in `firms_at_cap`."""
    import dataclasses

    from inspections.planning.caps import TaskCaps, caps_for_task

    _cap(department_admin, kj, foreign_work)
    later = _later_task(open_draft_task)
    found = caps_for_task(later)
    assert firms_at_cap(later, found)
    for bodies in (frozenset(), frozenset({kj.pk + 10_000})):
        caps = [dataclasses.replace(cap, bodies=bodies) for cap in found.caps]
        none = TaskCaps(found.year, caps, found.models)
        assert firms_at_cap(later, none) == {}
        if connection.vendor == "postgresql":
            assert firms_at_cap_array(later, none) == "{}"
