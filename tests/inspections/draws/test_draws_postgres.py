"""What the database guarantees about draws on PostgreSQL: announced draws are never rewritten
or deleted, and two planners pressing "perform" at once get one draw and one refusal."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.db.utils import DatabaseError

from inspections.draws import draw_files
from inspections.draws.models import Draw, DrawStatus
from inspections.draws.services.draws import announce_firms_draw, perform_draw
from inspections.planning.models import TaskStatus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _refused(statement: str, match: str) -> None:
    with pytest.raises(DatabaseError, match=match), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(statement)


def test_an_announced_draw_cannot_be_rewritten_or_deleted(planner, open_draft_task):
    draw = announce_firms_draw(actor=planner, task=open_draft_task())
    table = "inspections_draw"
    _refused(
        f"UPDATE {table} SET announcement = '{{}}'::jsonb WHERE id = {draw.pk}",
        "can never change",
    )
    _refused(f"UPDATE {table} SET nonce = repeat('0', 64) WHERE id = {draw.pk}", "never change")
    _refused(f"UPDATE {table} SET pool = 'x'::bytea WHERE id = {draw.pk}", "never change")
    # Nor along with a move the guard allows: the files are kept by a trigger of their own.
    abandon = "status = 'abandoned', abandoned_reason = 'x'"
    for column in ("pool", "conflicts", "firms_result"):
        _refused(
            f"UPDATE {table} SET {abandon}, {column} = 'x'::bytea WHERE id = {draw.pk}",
            "can never change",
        )
    _refused(f"UPDATE {table} SET {abandon}, pool_sha256 = '' WHERE id = {draw.pk}", "never change")
    # Which class each published stratum label stands for is fixed with the announcement.
    _refused(
        f'UPDATE {table} SET strata = \'{{"A": "S1"}}\'::jsonb WHERE id = {draw.pk}',
        "never change",
    )
    # And so are the eligible counts the draw's cut-offs are sized with.
    _refused(f"UPDATE {table} SET eligible = '{{}}'::jsonb WHERE id = {draw.pk}", "never change")
    _refused(f"DELETE FROM {table} WHERE id = {draw.pk}", "never deleted")
    _refused(f"TRUNCATE {table} CASCADE", "append-only")
    stored = Draw.objects.get()
    assert stored.announcement == draw.announcement and stored.nonce == draw.nonce
    assert stored.strata == draw.strata and len(stored.strata) == 4
    assert stored.eligible == draw.eligible and sum(stored.eligible.values()) > 0


def test_a_performed_draw_can_no_longer_change(planner, open_draft_task):
    draw = announce_firms_draw(actor=planner, task=open_draft_task(witnesses=[]))
    draw = perform_draw(actor=planner, draw=draw, witness_values=[])
    _refused(
        f"UPDATE inspections_draw SET seed = repeat('0', 64) WHERE id = {draw.pk}",
        "can no longer change",
    )
    _refused(
        f"UPDATE inspections_draw SET status = 'abandoned', reveal = NULL, result = NULL, "
        f"seed = '', abandoned_reason = 'x' WHERE id = {draw.pk}",
        "can no longer change",
    )
    _refused(f"UPDATE inspections_draw SET pool = 'x'::bytea WHERE id = {draw.pk}", "change")
    _refused(f"DELETE FROM inspections_draw WHERE id = {draw.pk}", "never deleted")
    assert Draw.objects.get().seed == draw.seed


def test_an_update_naming_a_file_unchanged_is_judged_by_the_rest(planner, open_draft_task):
    # The files' trigger compares values: naming the pool as it is changes nothing.
    draw = announce_firms_draw(actor=planner, task=open_draft_task())
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE inspections_draw SET status = 'abandoned', abandoned_reason = 'x',"
            f" pool = pool, conflicts = conflicts WHERE id = {draw.pk}"
        )
    stored = Draw.objects.get()
    assert stored.status == DrawStatus.ABANDONED
    assert draw_files.read_file(stored, "pool") == bytes(draw.pool)


def test_two_planners_performing_at_once_get_one_draw_and_one_refusal(
    planner, make_user, kj, open_draft_task
):
    from backend.accounts.roles import Role

    other = make_user("liu_planner", Role.PLANNER, kj, display_name="刘计划")
    task = open_draft_task(witnesses=["纪检监督员"])
    draw = announce_firms_draw(actor=planner, task=task)
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def press(user, value):
        try:
            start.wait()
            perform_draw(actor=user, draw=draw, witness_values=[value])
            outcomes.append("drawn")
        except ValidationError as exc:
            outcomes.append(exc)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=press, args=(user, value))
        for user, value in ((planner, "1111"), (other, "2222"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert outcomes.count("drawn") == 1, outcomes
    (refusal,) = [o for o in outcomes if o != "drawn"]
    assert isinstance(refusal, ValidationError), refusal
    assert refusal.messages == [f"抽取{draw.public_id}当前为“已抽取”，不能再次抽取"]
    stored = Draw.objects.get()
    assert stored.status == DrawStatus.PERFORMED
    task.refresh_from_db()
    assert task.status == TaskStatus.FIRMS_DRAWN
    assert task.transitions.filter(to_status=TaskStatus.FIRMS_DRAWN).count() == 1
