"""Demo supervision (行政执法监督): what the 市司法局's supervisor (sf_supervisor) finds.

The science and technology bureau (kj_admin) sets a frequency cap for 外国人来华工作许可: at
most one inspection of a firm a year by a city body. T-2021-007 inspected each of its six
employers once in June 2021, so each is at the cap: six 高频 warnings on the supervisor's page.
The supervisor then records an opinion to the bureau about the inspection whose finding was
referred to 公安, due in ten working days from the day the demo is seeded: it waits for the
bureau's answer (待答复 on kj_admin's 监督意见 page).

Created once: a second `seed_demo` finds the cap and the opinion and adds nothing.
"""

from django.db import transaction

from backend.organisation.models import Department
from demo.accounts import account
from demo.fieldwork import referral_inspection
from inspections.planning.models import FrequencyCap
from inspections.planning.services.caps import set_frequency_cap
from personnel.models import EnforcementField
from supervision.models import SupervisionOpinion
from supervision.services import issue_opinion

CAP_NOTE = "演示：外国人来华工作许可事项，市级每户每年至多检查1次"
OPINION = (
    "该检查发现外籍人员未取得工作许可即在岗工作，已移送公安机关出入境管理部门。"
    "请说明移送后的跟踪情况，以及同一用人单位年内是否还将就同一事项再次检查。"
)


@transaction.atomic
def seed_supervision() -> dict[str, int]:
    created = {"检查频次上限": 0, "监督意见": 0}
    kj_admin, supervisor = account("kj_admin"), account("sf_supervisor")
    kj = Department.objects.filter(code="KJ").first()
    field = EnforcementField.objects.filter(code="FOREIGN_WORK").first()
    if kj_admin is None or kj is None or field is None:
        return created
    if not FrequencyCap.objects.filter(department=kj, enforcement_field=field).exists():
        set_frequency_cap(
            actor=kj_admin,
            department=kj,
            enforcement_field=field,
            level="city",
            limit=1,
            note=CAP_NOTE,
        )
        created["检查频次上限"] += 1
    inspection = referral_inspection()
    if supervisor is None or inspection is None:
        return created
    if not SupervisionOpinion.objects.filter(issued_by=supervisor).exists():
        issue_opinion(
            actor=supervisor,
            department=inspection.task.department,
            text=OPINION,
            working_days=10,
            inspection=inspection,
        )
        created["监督意见"] += 1
    return created
