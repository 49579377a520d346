"""`verify_draw` re-checks a stored draw; `draw_report` lists a task's draws."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from inspections.draws.models import Draw
from inspections.draws.services.draws import announce_firms_draw, perform_draw


def test_verify_draw_accepts_a_performed_draw_and_refuses_an_announced_one(
    planner, open_draft_task
):
    draw = announce_firms_draw(actor=planner, task=open_draft_task())
    with pytest.raises(CommandError, match="没有结果可验证"):
        call_command("verify_draw", draw.public_id, stdout=StringIO(), stderr=StringIO())
    draw = perform_draw(actor=planner, draw=draw, witness_values=[])
    out = StringIO()
    call_command("verify_draw", draw.public_id, stdout=out, stderr=StringIO())
    assert out.getvalue() == f"{draw.public_id} 验证通过 / verified, seed {draw.seed}\n"


def test_verify_draw_finds_a_tampered_result(planner, open_draft_task):
    draw = announce_firms_draw(actor=planner, task=open_draft_task())
    draw = perform_draw(actor=planner, draw=draw, witness_values=[])
    # The stored row is protected on PostgreSQL: hand the command a tampered copy instead.
    tampered = Draw.objects.get(pk=draw.pk)
    tampered.result = bytes(draw.result) + b"A,9,X,0\n"
    from unittest import mock

    with mock.patch.object(Draw.objects, "filter") as found:
        found.return_value.first.return_value = tampered
        with pytest.raises(CommandError, match="验证未通过"):
            call_command("verify_draw", draw.public_id, stdout=StringIO(), stderr=StringIO())


def test_draw_report_lists_the_tasks_draws(planner, open_draft_task):
    task = open_draft_task()
    draw = perform_draw(
        actor=planner, draw=announce_firms_draw(actor=planner, task=task), witness_values=[]
    )
    out = StringIO()
    call_command("draw_report", task.code, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[1].startswith(f"{draw.public_id}\tfirms\tperformed\t")
    assert lines[1].endswith(draw.seed) and lines[-1] == "共 1 次抽取"
