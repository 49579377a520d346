"""Officers of an entrusted organisation (受委托组织, issue 15 item 1): in a teams draw they are
eligible only while the 委托 covers the window and the items' field; otherwise they are in the
pool, excluded with a published reason, never drawn, and the public verifier agrees. A 个案
cannot name them either."""

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from inspections.draws import dr1
from inspections.draws.models import DrawPurpose
from inspections.draws.services.draws import announce_firms_draw, announce_teams_draw, perform_draw
from inspections.planning.models import SamplingTask
from tests.entrustment_builders import entrust, join


@pytest.fixture
def firms_drawn(planner, open_draft_task):
    task = open_draft_task(witnesses=["纪检监督员"])
    draw = announce_firms_draw(actor=planner, task=task)
    perform_draw(actor=planner, draw=draw, witness_values=["4711"])
    task.refresh_from_db()
    return task


@pytest.fixture
def entrusted(department_admin, kj, staff, foreign_work, exit_entry, published_plan):
    """Three KJ officers of three 受委托组织: one in force for the whole window and in the
    item's field, one whose 委托 ends mid-window, one whose 委托 is of another field."""
    extra = staff(kj, foreign_work, 2)  # so that enough others remain to staff every team
    organisations = {
        "valid": entrust(department_admin, kj, fields=[foreign_work], name="科技服务中心"),
        "expired": entrust(
            department_admin,
            kj,
            fields=[foreign_work],
            name="科技咨询中心",
            valid_until=date(2021, 6, 15),  # the window runs to 30 June
        ),
        "scope": entrust(department_admin, kj, fields=[exit_entry], name="出入境服务中心"),
    }
    officers = {}
    for (key, organisation), officer in zip(organisations.items(), extra + [None], strict=True):
        if officer is None:
            from personnel.models import Officer

            officer = Officer.objects.filter(department=kj).order_by("pk").first()
        officers[key] = join(officer, organisation, actor=department_admin)
    return {key: o.certificates.get().number for key, o in officers.items()}


def test_the_pool_shows_expired_and_out_of_scope_entrustments_as_exclusions(
    planner, firms_drawn, entrusted
):
    draw = announce_teams_draw(actor=planner, task=firms_drawn)
    rows = {r.key: r.excluded for r in dr1.parse_pool(bytes(draw.pool))}
    assert rows[entrusted["valid"]] == ""
    assert rows[entrusted["expired"]] == "entrusted-expired"
    assert rows[entrusted["scope"]] == "entrusted-scope"
    assert dr1.eligible_counts(dr1.parse_pool(bytes(draw.pool))) == {"KJ": 4}


def test_they_are_never_drawn_and_the_public_verifier_recomputes_the_draw(
    planner, firms_drawn, entrusted, tmp_path
):
    draw = announce_teams_draw(actor=planner, task=firms_drawn)
    draw = perform_draw(actor=planner, draw=draw, witness_values=["0815"])
    seated = {s.officer for s in dr1.parse_teams_result(bytes(draw.result))}
    assert entrusted["expired"] not in seated and entrusted["scope"] not in seated

    firms = firms_drawn.draws.get(purpose=DrawPurpose.FIRMS)
    files = {
        "announcement.json": json.dumps(draw.announcement, ensure_ascii=False).encode(),
        "reveal.json": json.dumps(draw.reveal).encode(),
        "pool.csv": bytes(draw.pool),
        "result.csv": bytes(draw.result),
        "conflicts.csv": bytes(draw.conflicts),
        "firms.csv": bytes(firms.result),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    script = Path(dr1.__file__).with_name("verify_draw.py")
    args = [str(tmp_path / n) for n in ("announcement.json", "reveal.json", "pool.csv")]
    args += [str(tmp_path / "result.csv"), "--conflicts", str(tmp_path / "conflicts.csv")]
    args += ["--firms-result", str(tmp_path / "firms.csv")]
    run = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert draw.seed in run.stdout

    # A pool that quietly made an excluded officer eligible no longer matches the announcement.
    forged = bytes(draw.pool).replace(
        f"{entrusted['expired']},KJ,entrusted-expired".encode(),
        f"{entrusted['expired']},KJ,".encode(),
    )
    (tmp_path / "pool.csv").write_bytes(forged)
    run = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True)
    assert run.returncode == 1


def _case(firm, numbers):
    return {
        "trigger": "complaint",
        "reference": "12345-2021-0608-009",
        "firm": firm,
        "officers": numbers,
    }


def test_a_case_cannot_name_an_officer_of_an_expired_or_out_of_scope_entrustment(
    open_draft_task, entrusted, kj
):
    from inspections.directory.models import Firm
    from personnel.models import Certificate

    firm = Firm.objects.order_by("uscc").first()
    plain = (
        Certificate.objects.filter(officer__department=kj, officer__entrusted_organisation=None)
        .order_by("number")
        .values_list("number", flat=True)
        .first()
    )
    for key, words in (("expired", "不是每天有效"), ("scope", "不含该事项的执法领域")):
        with pytest.raises(ValidationError) as refused:
            open_draft_task(inspection_type="case", case=_case(firm, [plain, entrusted[key]]))
        message = " ".join(refused.value.message_dict["case_officers"])
        assert "受委托组织人员不能参加本次检查" in message and words in message
        assert not SamplingTask.objects.exists()

    task = open_draft_task(inspection_type="case", case=_case(firm, [plain, entrusted["valid"]]))
    assert task.case_officers == [plain, entrusted["valid"]]


def test_a_case_whose_entrustment_ended_since_it_was_opened_cannot_start(
    open_draft_task, entrusted, kj, planner, department_admin, foreign_work
):
    from backend.organisation.models import EntrustedOrganisation
    from inspections.directory.models import Firm
    from inspections.planning.models import TaskStatus
    from inspections.planning.services import start_task
    from personnel.models import Certificate
    from personnel.services import record_entrusted_organisation

    firm = Firm.objects.order_by("uscc").first()
    plain = (
        Certificate.objects.filter(officer__department=kj, officer__entrusted_organisation=None)
        .order_by("number")
        .values_list("number", flat=True)
        .first()
    )
    task = open_draft_task(inspection_type="case", case=_case(firm, [plain, entrusted["valid"]]))
    organisation = EntrustedOrganisation.objects.get(name="科技服务中心")
    record_entrusted_organisation(
        actor=department_admin,
        organisation=organisation,
        enforcement_fields=[foreign_work],
        name=organisation.name,
        uscc=organisation.uscc,
        entrustment_number=organisation.entrustment_number,
        scope=organisation.scope,
        valid_from=organisation.valid_from,
        valid_until=date(2021, 6, 1),  # ended early, before the window
        published=True,
    )
    with pytest.raises(ValidationError, match="受委托组织人员不能参加本次检查"):
        start_task(actor=planner, task=task)
    task.refresh_from_db()
    assert task.status == TaskStatus.DRAFT and not task.inspections.exists()
