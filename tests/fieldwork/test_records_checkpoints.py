"""The inspections' record chains against the signed checkpoints: a deleted record and a
rewritten chain are caught, though each chain alone still walks clean."""

import pytest
from django.core.management import CommandError, call_command

from backend.checkpoints.services import make_checkpoint
from fieldwork import chain
from fieldwork.models import InspectionRecord
from fieldwork.selectors.records import payload_of
from tests.checkpoint_attacks import as_dba


@pytest.fixture
def recorded(inspection, team, fill_record):
    return fill_record(inspection, team)


def test_an_intact_record_history_agrees_with_the_checkpoint(recorded, capsys):
    checkpoint = make_checkpoint()
    entry = checkpoint.body["chains"]["records"]
    assert entry["size"] == InspectionRecord.objects.count() and entry["inspections"] >= 1
    call_command("verify_records")
    assert "与检查点 #1 一致" in capsys.readouterr().out


def test_a_deleted_last_record_is_reported_against_the_checkpoint(recorded):
    make_checkpoint()
    last = recorded.records.order_by("-sequence").first()
    with as_dba():
        InspectionRecord.objects.filter(pk=last.pk).delete()
    call_command("verify_records", recorded.code)  # the shorter chain alone holds
    with pytest.raises(CommandError) as error:
        call_command("verify_records")
    assert "检查点 #1" in str(error.value) and "删除" in str(error.value)


def test_a_chain_rewritten_with_every_later_hash_recomputed_is_reported(recorded):
    make_checkpoint()
    rows = list(recorded.records.select_related("inspection", "corrects").order_by("sequence"))
    with as_dba():
        prev = rows[0].content_hash
        rows[1].content = {**rows[1].content, "note": "事后改写"}
        for row in rows[1:]:
            row.prev_hash = prev
            row.content_hash = chain.content_hash(payload_of(row))
            prev = row.content_hash
        for row in reversed(rows[1:]):  # parked first: no two rows share a link meanwhile
            InspectionRecord.objects.filter(pk=row.pk).update(prev_hash=f"{row.pk:064d}")
        for row in rows[1:]:
            InspectionRecord.objects.filter(pk=row.pk).update(
                content=row.content, prev_hash=row.prev_hash, content_hash=row.content_hash
            )
    call_command("verify_records", recorded.code)  # the chain alone walks clean
    with pytest.raises(CommandError) as error:
        call_command("verify_records")
    assert "检查点 #1" in str(error.value) and "改写" in str(error.value)
