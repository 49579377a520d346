"""/public/checkpoints/: the published checkpoints, their key, inclusion proofs of draws and
published results, and the standalone verifier against good and tampered checkpoints."""

import json
import subprocess
import sys

import pytest
from disclosure_builders import carry_out, drawn_task

from backend.checkpoints import verification
from backend.checkpoints.merkle import canonical
from backend.checkpoints.models import Checkpoint
from backend.checkpoints.services import make_checkpoint
from backend.checkpoints.signing import signer
from backend.checkpoints.verify_checkpoint import main as verify_checkpoint
from disclosure.models import PublishedResult
from disclosure.services import publish_results
from inspections.draws.models import Draw, DrawStatus
from tests.checkpoint_attacks import as_dba


@pytest.fixture
def published(kj, planner, department_admin):
    """A task whose first firms draw was abandoned and replaced, four results published."""
    task = drawn_task(
        department=kj,
        planner=planner,
        department_admin=department_admin,
        firms=4,
        replace_firms_draw=True,
    )
    inspections = carry_out(task, planner=planner, reviewer=department_admin)
    return task, publish_results(actor=planner, inspections=inspections)


@pytest.fixture
def files(client, tmp_path):
    """Download a public address to a file, as someone checking the portal would."""

    def download(path: str, name: str) -> str:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        target = tmp_path / name
        content = b"".join(response.streaming_content) if response.streaming else response.content
        target.write_bytes(content)
        return str(target)

    return download


def test_the_portal_publishes_every_checkpoint_and_its_key(client, published):
    first = make_checkpoint()
    make_checkpoint()
    page = client.get("/public/checkpoints/").content.decode()
    assert "#1" in page and "#2" in page and signer().public_key().key_id in page
    assert "抽取 3" in page and "公示结果 4" in page
    assert client.get("/public/checkpoints/1.json").json() == first.published()
    index = client.get("/public/checkpoints/checkpoints.json").json()
    assert [c["checkpoint"]["sequence"] for c in index["checkpoints"]] == [1, 2]
    key = client.get("/public/checkpoints/public-key.json").json()
    assert key["algorithm"] == "SM2" and key["sm2_id"] == "1234567812345678"
    verifier = client.get("/public/verify_checkpoint.py")
    assert verifier.status_code == 200 and b"def verify_inclusion" in verifier.content
    assert client.get("/public/checkpoints/9.json").status_code == 404


def test_each_performed_draw_is_proven_included_from_its_public_files(published, files):
    make_checkpoint()
    key = files("/public/checkpoints/public-key.json", "key.json")
    checkpoint = files("/public/checkpoints/1.json", "cp1.json")
    performed = Draw.objects.filter(status=DrawStatus.PERFORMED)
    assert performed.count() == 2
    for draw in performed:
        base = f"/public/draws/{draw.public_id}"
        args = [
            checkpoint,
            "--key", key,
            "--proof", files(f"/public/checkpoints/1/draws/{draw.public_id}.json", "proof.json"),
            "--draw",
            files(f"{base}/announcement.json", "announcement.json"),
            files(f"{base}/reveal.json", "reveal.json"),
            files(f"{base}/result.csv", "result.csv"),
        ]  # fmt: skip
        assert verify_checkpoint(args) == 0, draw.public_id
        # A result file that is not the published one is not the proven draw.
        with open(args[-1], "ab") as result:
            result.write(b"extra\n")
        assert verify_checkpoint(args) == 1


def test_an_abandoned_draw_is_in_the_checkpoint_as_abandoned(client, published):
    make_checkpoint()
    abandoned = Draw.objects.get(status=DrawStatus.ABANDONED)
    proof = client.get(f"/public/checkpoints/1/draws/{abandoned.public_id}.json").json()
    assert proof["leaf"]["status"] == "abandoned" and proof["leaf"]["result_sha256"] is None


def test_each_published_result_is_proven_included_from_its_open_data(client, published, files):
    make_checkpoint()
    key = files("/public/checkpoints/public-key.json", "key.json")
    checkpoint = files("/public/checkpoints/1.json", "cp1.json")
    for row in PublishedResult.objects.all():
        args = [
            checkpoint,
            "--key", key,
            "--proof", files(f"/public/checkpoints/1/results/{row.code}.json", "proof.json"),
            "--result", files(f"/api/v1/public/results/{row.code}/", "result.json"),
        ]  # fmt: skip
        assert verify_checkpoint(args) == 0, row.code
        # The record with another result is not the one the checkpoint signed.
        record = json.loads(open(args[-1], encoding="utf-8").read())
        record["result_codes"] = ["rectified"]
        open(args[-1], "w", encoding="utf-8").write(json.dumps(record, ensure_ascii=False))
        assert verify_checkpoint(args) == 1


def test_something_published_after_a_checkpoint_has_no_proof_in_it(client, published, kj):
    make_checkpoint()
    later = Draw.objects.order_by("-id").first()
    assert client.get(f"/public/checkpoints/1/draws/{later.public_id}.json").status_code == 200
    assert client.get("/public/checkpoints/1/draws/D-2099-0001.json").status_code == 404
    assert client.get("/public/checkpoints/1/results/NOPE.json").status_code == 404
    assert client.get("/public/checkpoints/1/audit/1.json").status_code == 404


def test_the_verifier_refuses_a_tampered_checkpoint_a_wrong_key_and_a_broken_link(
    published, files, tmp_path, settings
):
    make_checkpoint()
    make_checkpoint()
    make_checkpoint()
    key = files("/public/checkpoints/public-key.json", "key.json")
    first = files("/public/checkpoints/1.json", "cp1.json")
    second = files("/public/checkpoints/2.json", "cp2.json")
    third = files("/public/checkpoints/3.json", "cp3.json")
    assert verify_checkpoint([second, "--key", key, "--previous", first]) == 0

    # A size changed after signing: the signature no longer holds.
    tampered = json.loads(open(second, encoding="utf-8").read())
    tampered["checkpoint"]["chains"]["results"]["size"] -= 1
    (tmp_path / "tampered.json").write_text(json.dumps(tampered, ensure_ascii=False))
    assert verify_checkpoint([str(tmp_path / "tampered.json"), "--key", key]) == 1

    # Signed by another key than the published one.
    other = {"algorithm": "SM2", "public_key": "04" + "11" * 64}
    (tmp_path / "other.json").write_text(json.dumps(other))
    assert verify_checkpoint([second, "--key", str(tmp_path / "other.json")]) == 1

    # A validly signed checkpoint that does not link to the one the public kept (a re-signed,
    # rewritten history), and one that skips a checkpoint.
    forked = json.loads(open(second, encoding="utf-8").read())["checkpoint"]
    forked["previous"] = "ab" * 32
    (tmp_path / "forked.json").write_text(
        json.dumps({"checkpoint": forked, "signature": signer().sign(canonical(forked)).hex()})
    )
    assert verify_checkpoint([str(tmp_path / "forked.json"), "--key", str(key)]) == 0
    assert (
        verify_checkpoint([str(tmp_path / "forked.json"), "--key", key, "--previous", first]) == 1
    )
    assert verify_checkpoint([third, "--key", key, "--previous", first]) == 1


def test_the_verifier_runs_alone_with_the_standard_library_and_the_signature_library(
    published, files
):
    make_checkpoint()
    key = files("/public/checkpoints/public-key.json", "key.json")
    checkpoint = files("/public/checkpoints/1.json", "cp1.json")
    script = files("/public/verify_checkpoint.py", "verify_checkpoint.py")
    # -I: no project on the path, no environment: only what the public would have.
    done = subprocess.run(
        [sys.executable, "-I", script, checkpoint, "--key", key], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "验证通过" in done.stdout


def test_a_draw_announced_at_the_checkpoint_and_performed_later_still_agrees(
    kj, planner, department_admin
):
    from disclosure_builders import drawn_task as build

    task = build(department=kj, planner=planner, department_admin=department_admin, firms=2)
    draw = Draw.objects.filter(task=task).order_by("id").last()
    # Pretend the checkpoint was made while the last draw was still announced.
    checkpoint = make_checkpoint()
    entry = checkpoint.body["chains"]["draws"]
    pending = {**entry, "pending": [draw.public_id]}
    from disclosure.checkpoint_chains import draws_compare

    assert draws_compare(entry) is None
    assert draws_compare(pending) is not None  # it was performed: another leaf than signed


def test_a_published_result_changed_or_deleted_in_the_database_is_reported(published):
    _task, rows = published
    make_checkpoint()
    with as_dba():
        PublishedResult.objects.filter(pk=rows[1].pk).update(firm_name="改过的名称")
    assert [(f.chain, f.kind) for f in verification.verify().findings] == [("results", "rewritten")]
    with as_dba():
        PublishedResult.objects.filter(pk=rows[1].pk).update(firm_name=rows[1].firm_name)
        last = PublishedResult.objects.order_by("-id").first()
        from disclosure.models import PublishedResultItem

        PublishedResultItem.objects.filter(result=last).delete()
        last.delete()
    assert [(f.chain, f.kind) for f in verification.verify().findings] == [("results", "truncated")]


def test_a_performed_draw_edited_in_the_database_is_reported(published):
    make_checkpoint()
    draw = Draw.objects.filter(status=DrawStatus.PERFORMED).first()
    with as_dba():
        Draw.objects.filter(pk=draw.pk).update(result=b"stratum,rank,key,ticket\n")
    findings = verification.verify().findings
    assert [(f.sequence, f.chain, f.kind) for f in findings] == [(1, "draws", "rewritten")]
    assert Checkpoint.objects.count() == 1
