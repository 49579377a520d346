"""The firms draw of a task: announced from the task's scope, performed once with the
witnesses' values, and verifiable by anyone with dr1 and the standalone verifier."""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from backend.audit.models import AuditEvent
from inspections.directory.models import Firm, FirmStatus
from inspections.draws import dr1
from inspections.draws.models import Draw, DrawStatus
from inspections.draws.services.draws import announce_firms_draw, perform_draw
from inspections.planning.models import TaskStatus

WITNESSES = ["纪检监督员", "企业代表"]
VALUES = ["83721", "长春晴"]


@pytest.fixture
def ready_task(open_draft_task, make_directory):
    """A draft task over 50 A, 30 B, 12 C and 3 D employers, plus 4 deregistered A ones."""
    make_directory({"A": 4}, status=FirmStatus.DEREGISTERED)
    return open_draft_task(witnesses=WITNESSES)


def _pool(draw):
    return dr1.parse_pool(bytes(draw.pool))


def test_announcing_freezes_the_pool_and_publishes_the_announcement(planner, ready_task):
    draw = announce_firms_draw(actor=planner, task=ready_task)

    a = draw.announcement
    assert a["spec"] == "DR-1" and a["purpose"] == "firms" and a["task"] == ready_task.code
    assert draw.public_id == a["draw"] and draw.public_id.startswith("D-")
    assert a["pool_sha256"] == hashlib.sha256(bytes(draw.pool)).hexdigest()
    assert a["pool_size"] == 99
    # A 2% of 50 → 1, B 5% of 30 → 2 (ceil), C a fixed 2, D not sampled; each under its label.
    assert sorted(a["quota"]) == ["S1", "S2", "S3", "S4"]
    by_class = {draw.risk_class_of(label): n for label, n in a["quota"].items()}
    assert by_class == {"A": 1, "B": 2, "C": 2, "D": 0}
    assert a["nonce_sha256"] == hashlib.sha256(bytes.fromhex(draw.nonce)).hexdigest()
    assert a["witnesses"] == WITNESSES
    assert a["announced_at"].endswith("+08:00")
    assert draw.announcement_sha256 == dr1.sha256_hex(dr1.canonical_json(a))
    rows = _pool(draw)
    assert [r.key for r in rows] == sorted(r.key for r in rows)
    assert sum(1 for r in rows if r.excluded == "deregistered") == 4
    # The published strata are the draw's labels, never the risk classes (internal).
    risk = dict(Firm.objects.values_list("uscc", "risk_class"))
    assert {r.stratum for r in rows} <= {"S1", "S2", "S3", "S4"}
    assert all(draw.strata[risk[r.key]] == r.stratum for r in rows)
    assert draw.status == DrawStatus.ANNOUNCED and draw.reveal is None
    ready_task.refresh_from_db()
    assert ready_task.status == TaskStatus.FIRMS_ANNOUNCED
    assert AuditEvent.objects.filter(action="draws.announce").count() == 1


def test_a_performed_draw_verifies_and_meets_the_quotas_exactly(planner, ready_task):
    draw = announce_firms_draw(actor=planner, task=ready_task)
    draw = perform_draw(actor=planner, draw=draw, witness_values=VALUES)

    assert draw.reveal == {"nonce": draw.nonce, "witness_values": VALUES}
    assert draw.seed == dr1.compute_seed(draw.announcement, draw.reveal)
    report = dr1.verify(draw.announcement, draw.reveal, bytes(draw.pool), bytes(draw.result))
    assert report.ok, report.problems
    picks = dr1.parse_firms_result(bytes(draw.result))
    counts = {c: sum(1 for p in picks if p.stratum == draw.strata[c]) for c in "ABCD"}
    assert counts == {"A": 1, "B": 2, "C": 2, "D": 0}
    excluded = {r.key for r in _pool(draw) if r.excluded}
    assert not excluded & {p.key for p in picks}
    for pick in picks:
        line = f"{draw.seed}:firms:{pick.key}".encode()
        assert pick.ticket == hashlib.sha256(line).hexdigest()
    ready_task.refresh_from_db()
    assert ready_task.status == TaskStatus.FIRMS_DRAWN
    assert AuditEvent.objects.filter(action="draws.perform").count() == 1


def test_the_standalone_verifier_accepts_the_products_draw(planner, ready_task, tmp_path):
    draw = announce_firms_draw(actor=planner, task=ready_task)
    draw = perform_draw(actor=planner, draw=draw, witness_values=VALUES)
    files = {
        "announcement.json": json.dumps(draw.announcement, ensure_ascii=False, indent=2).encode(),
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

    (tmp_path / "result.csv").write_bytes(bytes(draw.result).replace(b"\n", b"\n", 1) + b"x\n")
    tampered = subprocess.run(
        [sys.executable, str(script), *(str(tmp_path / name) for name in files)],
        capture_output=True,
        text=True,
    )
    assert tampered.returncode == 1


def test_the_same_inputs_give_the_same_result(planner, ready_task):
    draw = announce_firms_draw(actor=planner, task=ready_task)
    draw = perform_draw(actor=planner, draw=draw, witness_values=VALUES)
    again = dr1.compute_result(draw.announcement, draw.reveal, bytes(draw.pool))
    assert again == bytes(draw.result)


def test_a_second_perform_is_refused(planner, ready_task):
    draw = announce_firms_draw(actor=planner, task=ready_task)
    first = perform_draw(actor=planner, draw=draw, witness_values=VALUES)
    with pytest.raises(ValidationError) as refused:
        perform_draw(actor=planner, draw=draw, witness_values=["1", "2"])
    assert refused.value.messages == [f"抽取{draw.public_id}当前为“已抽取”，不能再次抽取"]
    draw.refresh_from_db()
    assert bytes(draw.result) == bytes(first.result)


@pytest.mark.parametrize(
    "values, message",
    [
        (["83721"], "公告的见证人为2名（纪检监督员、企业代表），应录入2个见证值，实际录入1个"),
        (
            ["1", "2", "3"],
            "公告的见证人为2名（纪检监督员、企业代表），应录入2个见证值，实际录入3个",
        ),
        (["83721", "  "], "企业代表的见证值未录入"),
        # Published in the reveal as hashed: never an ID or phone number.
        (
            ["13912345678", "220102199003071234"],
            "纪检监督员、企业代表的见证值随抽取揭示永久公开，不能是身份证号码或电话号码，请另选一个",
        ),
        (
            ["83721", "0431-88886666"],
            "企业代表的见证值随抽取揭示永久公开，不能是身份证号码或电话号码，请另选一个",
        ),
    ],
)
def test_witness_values_missing_or_extra_are_refused(planner, ready_task, values, message):
    draw = announce_firms_draw(actor=planner, task=ready_task)
    with pytest.raises(ValidationError) as refused:
        perform_draw(actor=planner, draw=draw, witness_values=values)
    assert refused.value.messages == [message]
    draw.refresh_from_db()
    assert draw.status == DrawStatus.ANNOUNCED and draw.result is None
    ready_task.refresh_from_db()
    assert ready_task.status == TaskStatus.FIRMS_ANNOUNCED


def test_a_quota_larger_than_its_stratum_is_refused(planner, open_draft_task):
    from inspections.planning import rules

    task = open_draft_task(quotas={"D": rules.Quota(count=3)})
    from inspections.planning.models import TaskQuota

    TaskQuota.objects.filter(task=task, risk_class="D").update(count=4)
    with pytest.raises(ValidationError) as refused:
        announce_firms_draw(actor=planner, task=task)
    assert refused.value.messages == ["D类固定数量4户多于可抽取的3户，不能公告抽取"]
    assert not Draw.objects.exists()
    task.refresh_from_db()
    assert task.status == TaskStatus.DRAFT


def test_an_empty_pool_is_refused(planner, open_draft_task):
    from inspections.directory.models import Firm

    task = open_draft_task()
    Firm.objects.update(status=FirmStatus.DEREGISTERED)
    with pytest.raises(ValidationError) as refused:
        announce_firms_draw(actor=planner, task=task)
    assert refused.value.messages == [f"抽查任务{task.code}的抽查范围内没有可抽取的检查对象"]
    assert not Draw.objects.exists()


def test_a_second_announcement_is_refused(planner, ready_task):
    announce_firms_draw(actor=planner, task=ready_task)
    with pytest.raises(ValidationError) as refused:
        announce_firms_draw(actor=planner, task=ready_task)
    assert refused.value.messages == [
        f"抽查任务{ready_task.code}当前为“检查对象抽取已公告”，不能公告检查对象抽取"
    ]
    assert Draw.objects.count() == 1


def test_without_witnesses_the_draw_takes_no_values(planner, open_draft_task):
    task = open_draft_task(witnesses=[])
    draw = announce_firms_draw(actor=planner, task=task)
    draw = perform_draw(actor=planner, draw=draw, witness_values=[])
    assert draw.reveal["witness_values"] == []
    assert dr1.verify(draw.announcement, draw.reveal, bytes(draw.pool), bytes(draw.result)).ok


def test_each_draw_deals_the_stratum_labels_to_the_risk_classes_at_random():
    from inspections.draws.selectors import STRATUM_LABELS, new_strata

    dealt = [new_strata() for _ in range(60)]
    for strata in dealt:
        assert sorted(strata) == ["A", "B", "C", "D"]
        assert sorted(strata.values()) == sorted(STRATUM_LABELS)
    # 24 orders are possible; sixty deals all alike would mean no dealing (chance 24**-59).
    assert len({tuple(s.values()) for s in dealt}) > 1


def test_the_strata_of_a_draw_never_change(planner, ready_task):
    draw = announce_firms_draw(actor=planner, task=ready_task)
    assert draw.risk_class_of(draw.strata["D"]) == "D"
    # A draw announced before labels has none: its strata are the classes themselves.
    assert Draw(strata={}).risk_class_of("B") == "B"
