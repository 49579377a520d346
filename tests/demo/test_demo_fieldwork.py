"""The demo carries last year's joint task's six inspections from the notice to the close:
records for every stage, a photo, one 责令改正 re-checked and completed, one 移送 to 公安
approved in legal review and still open, four clean; and a second `seed_demo` changes nothing.

Seeding the demo takes a while, so one test walks the whole story."""

from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from backend.accounts.models import User
from backend.audit.models import AuditEvent
from demo.fieldwork import PSB
from demo.plans import current_task_code, joint_task_code
from fieldwork.models import (
    EvidenceFile,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Inspection,
    InspectionRecord,
    InspectionState,
    RecordKind,
)
from fieldwork.selectors import follow_ups_due, inspections_visible_to
from fieldwork.selectors.followups import rechecks_of
from fieldwork.selectors.records import checkpoints_of, latest
from inspections.planning.models import TaskStatus
from tests.conftest import log_in


def _seed():
    out = StringIO()
    call_command("seed_demo", quiet_accounts=True, stdout=out)
    return out.getvalue()


def test_the_demo_completes_the_joint_task_s_inspections_once(db, client):
    _seed()
    counts = (
        Inspection.objects.count(),
        InspectionRecord.objects.count(),
        EvidenceFile.objects.count(),
        FollowUp.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    )
    second = _seed()
    assert "检查 0，关联的执法人员账号 0，执法人员账号 0，全过程记录 0，证据材料 0" in second
    assert (
        "【重大执法决定法制审核】已就绪，本次新建：审核目录事项 0，行政执法决定 0，法制审核意见 0"
        in second
    )
    assert "【后续处置】已就绪，本次新建：全过程记录 0" in second
    assert "【整改复查与办结】已就绪，本次新建：全过程记录 0" in second
    assert counts == (
        Inspection.objects.count(),
        InspectionRecord.objects.count(),
        EvidenceFile.objects.count(),
        FollowUp.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    )

    inspections = list(Inspection.objects.filter(task__code=joint_task_code()).order_by("code"))
    assert len(inspections) == 6
    assert inspections[0].task.status == TaskStatus.PUBLISHED
    for inspection in inspections:
        assert inspection.reviewed_by.username == "kj_admin"
        kinds = set(inspection.records.values_list("kind", flat=True))
        assert {
            RecordKind.NOTICE,
            RecordKind.ON_SITE,
            RecordKind.FINDINGS,
            RecordKind.RESULT,
            RecordKind.FIRM_OPINION,
            RecordKind.OFFICER_SIGNATURES,
            RecordKind.SUBMITTED,
            RecordKind.REVIEW,
            RecordKind.FOLLOW_UP,
        } <= kinds
        arrival = latest(inspection, RecordKind.ON_SITE)
        assert arrival.place and arrival.latitude is not None
        assert timezone.localtime(arrival.occurred_at).year == timezone.localdate().year - 1
        findings = inspection.records.filter(kind=RecordKind.FINDINGS).count()
        assert findings == len(checkpoints_of(inspection))

    last_year = FollowUp.objects.filter(inspection__task__code=joint_task_code())
    follow_ups = {f.kind: f for f in last_year.select_related("inspection")}
    assert sorted(last_year.values_list("kind", flat=True)) == [
        "none",
        "none",
        "none",
        "none",
        "rectify",
        "refer",
    ]
    rectified = follow_ups[FollowUpKind.RECTIFY]
    assert rectified.status == FollowUpStatus.COMPLETED and rectified.due_on
    assert [r.content["rectified"] for r in rechecks_of(rectified)] == [True]
    assert rectified.inspection.result_codes == ["rectified"]
    referral = follow_ups[FollowUpKind.REFER]
    assert referral.authority == PSB and referral.status == FollowUpStatus.OPEN
    referred = referral.inspection
    assert referred.state == InspectionState.REVIEWED  # the referral is still open
    assert referred.evidence_files.get().content_type == "image/jpeg"
    assert any(
        r.content["problem_found"] for r in referred.records.filter(kind=RecordKind.FINDINGS)
    )
    states = sorted(i.state for i in inspections)
    assert states == ["closed"] * 5 + ["reviewed"]
    # The referral's decision went through legal review and was approved.
    decision = referred.decisions.get()
    assert decision.state == "approved"
    assert referred.records.filter(kind=RecordKind.LEGAL_REVIEW).exists()

    # The chains hold, and the overdue referral shows on the bureau's dashboards.
    call_command("verify_records", stdout=StringIO())
    kj_admin = User.objects.get(username="kj_admin")
    assert list(follow_ups_due(kj_admin)) == [referral]
    assert follow_ups_due(kj_admin)[0].overdue
    log_in(client, kj_admin)
    home = client.get(reverse("accounts:home-department")).content.decode()
    assert 'data-testid="overdue-follow-up"' in home and referred.firm_name in home

    # Each demo inspector sits on this year's joint task (kj_inspector moved on to it) and
    # sees their inspections there.
    for username in ("kj_inspector", "ga_inspector", "rs_inspector"):
        user = User.objects.get(username=username)
        assert inspections_visible_to(user).filter(task__code=current_task_code()).exists()
    kj_inspector = User.objects.get(username="kj_inspector")
    assert kj_inspector.display_name == kj_inspector.officer.name
    # The referral's follow-up page, as the bureau's head sees it.
    client.force_login(kj_admin)
    page = client.get(reverse("fieldwork:followups", args=[referred.pk]))
    assert page.status_code == 200 and PSB in page.content.decode()


def test_a_demo_login_takes_a_seat_whose_officer_only_has_a_placeholder_account(db):
    """The teams draw seats whom it seats: when every officer of a department seated on this
    year's task already has a login, the demo inspector takes the officer of one that only
    authored an earlier team's records (no usable password), instead of seeing no inspection."""
    from collections import Counter

    from backend.accounts.roles import Role
    from backend.accounts.services import create_user
    from demo.fieldwork import PLACEHOLDER_PREFIX, _seat_demo_logins
    from fieldwork.models import InspectionMember
    from inspections.planning.models import SamplingTask
    from personnel.models import Officer
    from personnel.services import update_officer

    _seed()
    task = SamplingTask.objects.get(code=current_task_code())
    ga_inspector = User.objects.get(username="ga_inspector")
    update_officer(actor=None, officer=Officer.objects.get(user=ga_inspector), user=None)
    seats = InspectionMember.objects.filter(inspection__task=task, department__code="GA")
    seated = Officer.objects.filter(pk__in=seats.values("officer_id"))
    assert seated.exists()
    for officer in seated.filter(user__isnull=True):
        placeholder = create_user(
            actor=None,
            username=f"{PLACEHOLDER_PREFIX}t{officer.pk}",
            password="Unused-Aa1!" + str(officer.pk),
            role=Role.INSPECTOR,
            department=officer.department,
            display_name=officer.name,
        )
        placeholder.set_unusable_password()
        placeholder.save(update_fields=["password"])
        update_officer(actor=None, officer=officer, user=placeholder)
    assert not inspections_visible_to(ga_inspector).filter(task=task).exists()

    _seat_demo_logins(task, Counter())
    ga_inspector = User.objects.get(username="ga_inspector")  # its officer, read again
    assert inspections_visible_to(ga_inspector).filter(task=task).exists()
    officer = Officer.objects.get(user=ga_inspector)
    assert officer in seated and ga_inspector.display_name == officer.name
