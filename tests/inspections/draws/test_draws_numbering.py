"""Draw ids (D-YYYY-NNNN) are given one after the other by a per-year counter row, so two tasks
announcing at the same moment never collide on the unique public id."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone

from inspections.draws import dr1
from inspections.draws.models import Draw
from inspections.draws.models.draws import DrawCounter
from inspections.draws.services.draws import abandon_draw, announce_firms_draw


def test_draws_are_numbered_one_after_the_other_within_the_year(planner, open_draft_task):
    first = announce_firms_draw(actor=planner, task=open_draft_task())
    abandon_draw(actor=planner, draw=first, reason="见证人未到场")
    second = announce_firms_draw(actor=planner, task=open_draft_task())
    year = timezone.localtime(first.announced_at).year
    assert [first.public_id, second.public_id] == [f"D-{year}-0001", f"D-{year}-0002"]
    assert DrawCounter.objects.get(year=year).last == 2


def test_the_counter_continues_after_draws_numbered_before_it_existed(planner, open_draft_task):
    first = announce_firms_draw(actor=planner, task=open_draft_task())
    year = timezone.localtime(first.announced_at).year
    # A database whose draws were numbered before the counter row: the next number follows them.
    DrawCounter.objects.all().delete()
    second = announce_firms_draw(actor=planner, task=open_draft_task())
    assert second.public_id == f"D-{year}-0002"
    assert DrawCounter.objects.get(year=year).last == 2


@pytest.fixture
def ga_draft_task(ga, make_user, publish_item, exit_entry, staff, published_plan):
    """A draft task of the GA (another department, its own plan) over the same employers."""
    from datetime import date
    from decimal import Decimal

    from backend.accounts.roles import Role
    from inspections.planning import rules
    from inspections.planning.services import (
        approve_plan,
        generate_annual_plan,
        open_task,
        publish_plan,
        submit_plan,
    )

    ga_planner = make_user("guo_planner", Role.PLANNER, ga, display_name="郭计划")
    ga_admin = make_user("wu_admin", Role.DEPARTMENT_ADMIN, ga, display_name="吴管理")
    publish_item(department=ga, field=exit_entry, code="GA-CRJ-001", name="外国人住宿登记检查")
    staff(ga, exit_entry, 4)
    plan = generate_annual_plan(actor=ga_planner, department=ga, year=2021)
    submit_plan(actor=ga_planner, plan=plan)
    approve_plan(actor=ga_admin, plan=plan)
    plan = publish_plan(actor=ga_planner, plan=plan)
    line = plan.lines.get()
    task = open_task(
        actor=ga_planner,
        plan=plan,
        name="外国人住宿登记抽查",
        items=list(line.items.all()),
        window_start=date(2021, 6, 7),
        window_end=date(2021, 6, 30),
        seats={ga: 2},
        quotas={"A": rules.Quota(ratio=Decimal("0.02"))},
    )
    return task, ga_planner, ga_admin


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_tasks_announcing_at_once_get_two_different_ids(
    planner, department_admin, open_draft_task, ga_draft_task, monkeypatch
):
    ga_task, ga_planner, ga_admin = ga_draft_task
    # Two departments' replacement draws: nothing else (the task's department row, the audit
    # chain's lock taken by a change of the task's state) happens to serialise them.
    tasks = {planner: (open_draft_task(), department_admin), ga_planner: (ga_task, ga_admin)}
    abandoned = []
    for user, (task, _) in tasks.items():
        draw = announce_firms_draw(actor=user, task=task)
        abandoned.append(abandon_draw(actor=user, draw=draw, reason="见证人未到场"))
    # Both announcements hold their number before either is saved: with "max + 1" they collide.
    # With the counter row the second waits for the first to commit, and the barrier times out.
    numbered = threading.Barrier(2)
    new_nonce = dr1.new_nonce

    def nonce_after_both_are_numbered():
        try:
            numbered.wait(timeout=2)
        except threading.BrokenBarrierError:
            pass
        return new_nonce()

    monkeypatch.setattr(dr1, "new_nonce", nonce_after_both_are_numbered)
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def announce(user, replaces):
        try:
            start.wait()
            draw = announce_firms_draw(
                actor=user,
                task=replaces.task,
                replaces=replaces,
                reason="见证人未到场，重新公告",
                approved_by=tasks[user][1],
            )
            outcomes.append(draw.public_id)
        except ValidationError as exc:
            outcomes.append(exc)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=announce, args=args) for args in zip(tasks, abandoned, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert all(isinstance(o, str) and o.startswith("D-") for o in outcomes), outcomes
    assert len(set(outcomes)) == 2
    replacements = Draw.objects.filter(replaces__isnull=False)
    assert sorted(replacements.values_list("public_id", flat=True)) == sorted(outcomes)
    assert {d.task_id for d in replacements} == {d.task_id for d in abandoned}
