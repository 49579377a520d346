"""Demo supervision (行政执法监督): what the 市司法局's supervisor (sf_supervisor) finds.

The warnings come from the 2025 rules' part (demo.rules_2025): the employer that two 个案 of
the science and technology bureau inspected this year is at the bureau's cap of 2 (高频), and
the second's 补办审批 is on record. The supervisor then records an opinion to the bureau about
the inspection whose finding was referred to 公安, due in ten working days from the day the
demo is seeded: it waits for the bureau's answer (待答复 on kj_admin's 监督意见 page).

Created once: a second `seed_demo` finds the opinion and adds nothing.
"""

from django.db import transaction

from demo.accounts import account
from demo.fieldwork import referral_inspection
from supervision.models import SupervisionOpinion
from supervision.services import issue_opinion

OPINION = (
    "该检查发现外籍人员未取得工作许可即在岗工作，已移送公安机关出入境管理部门。"
    "请说明移送后的跟踪情况，以及同一用人单位年内是否还将就同一事项再次检查。"
)


@transaction.atomic
def seed_supervision() -> dict[str, int]:
    created = {"监督意见": 0}
    supervisor = account("sf_supervisor")
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
