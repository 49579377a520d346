"""The 2025 rules in the demo, this year: the field's caps (2 a level, 4 in all), a 个案 from a
complaint approved before it starts, a 个案 started in an emergency and approved afterwards, and
a 专项 campaign whose published pool leaves the employer at its cap out as `frequency-cap`."""

from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from demo.rules_2025 import CAMPAIGN_TASK, COMPLAINT_TASK, REFERRAL_TASK, capped_firm
from fieldwork.models import ApprovalState, InspectionRecord
from inspections.draws.models import DrawPurpose, DrawStatus
from inspections.planning.models import FrequencyCap, SamplingTask


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", quiet_accounts=True, stdout=out)
    return out.getvalue()


def test_the_demo_tells_the_2025_story_this_year_once(db):
    _seed()
    year = timezone.localdate().year
    caps = {c.level: c.limit for c in FrequencyCap.objects.filter(department__code="KJ")}
    assert caps == {"city": 2, "county": 2, "combined": 4}
    firm = capped_firm()

    complaint = SamplingTask.objects.get(name=COMPLAINT_TASK, plan__year=year)
    assert complaint.inspection_type == "case" and complaint.case_trigger == "complaint"
    (inspection,) = complaint.inspections.all()
    assert inspection.firm == firm and inspection.approval_state == ApprovalState.APPROVED
    assert not InspectionRecord.objects.filter(inspection=inspection, kind="emergency_start")

    referral = SamplingTask.objects.get(name=REFERRAL_TASK, plan__year=year).inspections.get()
    assert referral.firm == firm and referral.approval_state == ApprovalState.APPROVED_AFTER
    kinds = list(referral.records.order_by("sequence").values_list("kind", flat=True))
    assert kinds[:2] == ["emergency_start", "approval"]

    campaign = SamplingTask.objects.get(name=CAMPAIGN_TASK, plan__year=year)
    assert campaign.inspection_type == "campaign"
    assert campaign.campaign_document == f"长府办发〔{year}〕18号"
    assert campaign.window_start.year == year
    draw = campaign.draws.get(purpose=DrawPurpose.FIRMS)
    assert draw.status == DrawStatus.PERFORMED
    rows = {line.split(",")[0]: line.split(",")[2] for line in bytes(draw.pool).decode().split()}
    assert rows[firm.uscc] == "frequency-cap"
    assert list(rows.values()).count("frequency-cap") == 1

    # A second run adds nothing; a database seeded with the earlier cap of 1 is raised to 2.
    assert (
        "【2025年涉企行政检查新规（本年度）】已就绪，本次新建：检查频次上限 0，年度计划 0"
        in _seed()
    )
    FrequencyCap.objects.filter(department__code="KJ", level="city").update(limit=1)
    again = _seed()
    assert "检查频次上限 1，年度计划 0，抽查任务 0，检查 0，行政检查审批 0，公告的抽取 0" in again
    assert FrequencyCap.objects.get(department__code="KJ", level="city").limit == 2
