"""Signed checkpoints: what they sign, and the attacks on the audit trail they catch that the
chain alone does not (a deleted tail, a rewritten history, a database rolled back)."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from backend.audit.models import AuditEvent, Outcome
from backend.audit.services import record_event
from backend.audit.verification import verify_chain
from backend.checkpoints import verification
from backend.checkpoints.merkle import canonical
from backend.checkpoints.models import Checkpoint, Trigger
from backend.checkpoints.services import make_checkpoint
from backend.checkpoints.signing import signer
from tests.checkpoint_attacks import as_dba, delete_audit_tail, rewrite_audit_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(planner):
    return [
        record_event(action=f"test.event.{n}", actor=planner, detail={"n": n}) for n in range(6)
    ]


def test_a_checkpoint_signs_the_audit_head_and_links_to_the_previous_one(history, settings):
    first = make_checkpoint()
    body = first.body
    assert body["spec"] == "CP-1" and body["sequence"] == 1 and body["previous"] is None
    assert body["chains"]["audit"] == {
        "size": 6,
        "last_id": history[-1].id,
        "head": history[-1].hash,
    }
    assert set(body["chains"]) == {"audit", "records", "draws", "results"}
    key = signer().public_key()
    assert body["algorithm"] == "SM2" and body["key_id"] == key.key_id
    assert key.verify(canonical(body), bytes.fromhex(first.signature))

    second = make_checkpoint()
    assert second.body["previous"] == first.sha256 and second.sequence == 2
    # The first checkpoint's own audit event is in the second.
    assert second.body["chains"]["audit"]["size"] == 7
    # Each checkpoint is also a file outside the database, the same as published.
    files = sorted(settings.CHECKPOINT_EXPORT_DIR.iterdir())
    assert [f.name for f in files] == ["checkpoint-00000001.json", "checkpoint-00000002.json"]
    assert json.loads(files[1].read_text()) == second.published()
    assert verification.verify().ok


def test_making_a_checkpoint_is_audited(history):
    checkpoint = make_checkpoint()
    event = AuditEvent.objects.get(action="checkpoint.create", outcome=Outcome.SUCCESS)
    assert event.object_id == str(checkpoint.pk)
    assert event.detail == {"trigger": Trigger.SCHEDULED, "sha256": checkpoint.sha256}


def test_ed25519_is_the_alternative_algorithm(history, settings):
    settings.CHECKPOINT_SIGNING_KEY = "ed25519:" + "07" * 32
    checkpoint = make_checkpoint()
    assert checkpoint.algorithm == "Ed25519"
    assert (
        signer()
        .public_key()
        .verify(checkpoint.document.encode(), bytes.fromhex(checkpoint.signature))
    )
    assert verification.verify().ok


def test_verify_audit_reports_a_deleted_tail_and_the_first_checkpoint_it_contradicts(history):
    make_checkpoint()
    record_event(action="test.later")
    make_checkpoint()
    # As tried in the issue: delete the chain's last events. The chain left walks clean...
    delete_audit_tail(history[3].id)
    assert verify_chain().ok
    # ...but not against the signatures: the first checkpoint already signed events 5 and 6.
    with pytest.raises(CommandError) as error:
        call_command("verify_audit")
    assert "检查点 #1" in str(error.value) and "尾部被删除" in str(error.value)
    finding = verification.verify(["audit"]).findings[0]
    assert (finding.sequence, finding.chain, finding.kind) == (1, "audit", "truncated")


def test_verify_audit_reports_a_history_rewritten_with_every_later_hash_recomputed(history):
    make_checkpoint()
    record_event(action="test.later")
    make_checkpoint()
    # Edit one event and recompute every later hash: the chain alone says 审计链完好.
    rewrite_audit_event(history[2].id, detail={"n": "changed"})
    assert verify_chain().ok
    assert AuditEvent.objects.get(id=history[2].id).detail == {"n": "changed"}
    with pytest.raises(CommandError) as error:
        call_command("verify_audit")
    assert "检查点 #1" in str(error.value) and "改写" in str(error.value)


def test_a_rewrite_after_the_first_checkpoint_names_the_later_checkpoint(history):
    make_checkpoint()
    later = record_event(action="test.later")
    make_checkpoint()
    rewrite_audit_event(later.id, action="test.innocent")
    findings = verification.verify(["audit"]).findings
    assert [(f.sequence, f.kind) for f in findings] == [(2, "rewritten")]


def test_a_database_restored_from_before_the_last_checkpoint_is_reported_rolled_back(history):
    make_checkpoint()
    snapshot_head = AuditEvent.objects.order_by("-id").first().id  # "the backup": up to here
    record_event(action="test.after.backup")
    make_checkpoint()
    # "Restore the backup": the later events and the later checkpoint's row are gone; its
    # file outside the database is not.
    with as_dba():
        Checkpoint.objects.filter(sequence=2).delete()
    delete_audit_tail(snapshot_head)
    report = verification.verify(["audit"])
    kinds = {(f.sequence, f.kind) for f in report.findings}
    assert (2, "rolled_back") in kinds
    with pytest.raises(CommandError) as error:
        call_command("verify_audit")
    assert "回滚" in str(error.value)
    # Nothing is signed over a rolled-back database.
    with pytest.raises(ValidationError, match="回滚"):
        make_checkpoint()


def test_an_intact_history_verifies_against_every_checkpoint(history, capsys):
    make_checkpoint()
    record_event(action="test.later")
    make_checkpoint()
    call_command("verify_audit")
    assert "与检查点 #2 一致" in capsys.readouterr().out
    call_command("verify_checkpoints")
    assert "检查点完好：共 2 个" in capsys.readouterr().out


def test_no_checkpoint_is_signed_over_a_history_that_disagrees_and_the_refusal_is_audited(
    history, security_admin
):
    make_checkpoint()
    rewrite_audit_event(history[1].id, actor_username="someone_else")
    with pytest.raises(ValidationError, match="改写"):
        make_checkpoint(actor=security_admin, trigger=Trigger.ON_DEMAND)
    assert Checkpoint.objects.count() == 1
    refusal = AuditEvent.objects.filter(action="checkpoint.create").latest("id")
    assert refusal.outcome == Outcome.FAILURE and refusal.actor == security_admin


def test_a_broken_chain_since_the_last_checkpoint_is_not_signed(history):
    make_checkpoint()
    newer = [record_event(action="test.newer") for _ in range(3)]
    with as_dba():
        AuditEvent.objects.filter(id=newer[1].id).delete()
    with pytest.raises(ValidationError, match=f"事件 #{newer[2].id}"):
        make_checkpoint()


def test_an_event_edited_in_place_leaves_the_signed_head_true_and_verify_audit_finds_it(history):
    first = make_checkpoint()
    newer = record_event(action="test.newer")
    with as_dba():
        AuditEvent.objects.filter(id=newer.id).update(action="test.edited")  # hash not redone
    # The stored hashes and links are untouched: the head the next checkpoint signs is the one
    # the unedited event produced, so the signature still commits to what really happened...
    second = make_checkpoint()
    assert second.body["chains"]["audit"]["last_id"] >= newer.id
    assert second.body["previous"] == first.sha256
    # ...and the full walk recomputes the content and names the edited event.
    with pytest.raises(CommandError, match=f"事件 #{newer.id}：内容与哈希不符"):
        call_command("verify_audit")


def test_a_checkpoint_row_with_a_forged_signature_or_broken_link_is_reported(history):
    make_checkpoint()
    make_checkpoint()
    with as_dba():
        row = Checkpoint.objects.get(sequence=2)
        body = row.body
        body["chains"]["audit"]["size"] += 1
        document = canonical(body).decode()
        import hashlib

        Checkpoint.objects.filter(pk=row.pk).update(
            document=document, sha256=hashlib.sha256(document.encode()).hexdigest()
        )
    kinds = [(f.sequence, f.kind) for f in verification.verify().findings]
    assert (2, "bad_signature") in kinds


def test_an_older_checkpoint_altered_breaks_the_link_of_the_next_one(history, settings):
    for _ in range(3):
        make_checkpoint()
    with as_dba():
        row = Checkpoint.objects.get(sequence=2)
        body = row.body
        body["chains"]["audit"]["size"] -= 1
        document = canonical(body).decode()
        import hashlib

        Checkpoint.objects.filter(pk=row.pk).update(
            document=document, sha256=hashlib.sha256(document.encode()).hexdigest()
        )
    kinds = {(f.sequence, f.kind) for f in verification.verify().findings}
    # Only the newest signature is verified; the link from #3 authenticates #2.
    assert (3, "broken_link") in kinds or (2, "forked") in kinds


def test_a_checkpoint_signed_by_an_unknown_key_is_not_trusted(history, settings):
    make_checkpoint()
    settings.CHECKPOINT_SIGNING_KEY = "sm2:" + "0a" * 32  # another key now signs
    findings = verification.verify().findings
    assert [(f.sequence, f.kind) for f in findings] == [(1, "bad_signature")]
    assert "不是本系统信任的密钥" in findings[0].message


def test_a_retired_public_key_keeps_its_checkpoints_verifiable(history, settings, tmp_path):
    make_checkpoint()
    old = signer().public_key()
    settings.KEYS_DIR = tmp_path
    (tmp_path / "checkpoint-retired").mkdir()
    (tmp_path / "checkpoint-retired" / f"{old.key_id}.json").write_text(
        json.dumps({"algorithm": old.algorithm, "public_key": old.data.hex()})
    )
    settings.CHECKPOINT_SIGNING_KEY = "sm2:" + "0a" * 32
    make_checkpoint()
    assert verification.verify().ok


def test_a_missing_signing_key_with_debug_off_is_a_configuration_error(settings, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    settings.DEBUG = False
    settings.CHECKPOINT_SIGNING_KEY = ""
    settings.CHECKPOINT_SIGNING_KEY_FILE = tmp_path / "none.key"
    with pytest.raises(ImproperlyConfigured, match="检查点签名密钥"):
        signer()


@pytest.mark.parametrize("persona", ["security_admin", "audit_admin"], indirect=True)
def test_the_security_and_audit_administrators_make_one_on_demand(persona, login, history):
    client = login(persona)
    page = client.get(reverse("checkpoints:list"))
    assert page.status_code == 200
    response = client.post(reverse("checkpoints:make"))
    assert response.status_code == 302
    checkpoint = Checkpoint.objects.get()
    assert checkpoint.trigger == Trigger.ON_DEMAND and checkpoint.made_by == persona
    assert "检查点 #1" in client.get(reverse("checkpoints:list")).content.decode()


@pytest.mark.parametrize("persona", ["planner", "system_admin"], indirect=True)
def test_no_one_else_makes_a_checkpoint(persona, login, history):
    client = login(persona)
    assert client.post(reverse("checkpoints:make")).status_code == 403
    assert not Checkpoint.objects.exists()


@pytest.mark.postgres
def test_postgresql_refuses_to_change_or_delete_a_checkpoint(history):
    from django.db import DatabaseError, transaction

    make_checkpoint()
    for attempt in (
        lambda: Checkpoint.objects.update(signature="00"),
        lambda: Checkpoint.objects.all().delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()


def test_the_checkpoint_list_filters_by_trigger_and_number_and_counts(
    login, security_admin, history
):
    from list_tools import check_list, total_of

    make_checkpoint(actor=None, trigger=Trigger.SCHEDULED)
    record_event(action="test.event.more", actor=security_admin, detail={})
    make_checkpoint(actor=security_admin, trigger=Trigger.ON_DEMAND)
    client = login(security_admin)
    check_list(
        client,
        "/checkpoints/",
        params={"trigger": "on_demand"},
        shown=["<td>检查点 #2</td>"],
        hidden=["<td>检查点 #1</td>"],
        total=1,
    )
    first = Checkpoint.objects.get(sequence=1)
    body = client.get("/checkpoints/", {"q": first.sha256[:12]}).content.decode()
    assert total_of(body) == 1 and "<td>检查点 #1</td>" in body
    # "#2" is the number alone: #1 is not listed though its digest may start with a 2.
    assert total_of(client.get("/checkpoints/", {"q": "#2"}).content.decode()) == 1
    by_digest = client.get("/checkpoints/", {"q": "#" + first.sha256[:4]})
    assert total_of(by_digest.content.decode()) == 0
    assert total_of(client.get("/checkpoints/").content.decode()) == 2
