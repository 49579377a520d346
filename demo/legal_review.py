"""Demo legal review: the Science and Technology Bureau's review catalogue, and in last year's
joint task (T-<last year>-007, on 26 June of last year: `demo.clock`) the
inspection that found foreign staff working without a permit referred to 公安 (移送案件线索,
出境入境管理法 arts. 43, 80: illegal employment fines are 公安's), submitted, and approved by
the legal reviewer kj_legal. Written through the services, so the opinion is in the record chain.

`seed_legal_reviews()` is the demo's legal review part: after the fieldwork part has reviewed
the inspection's result, before the follow-ups part makes the referral. Idempotent: a second call
adds nothing.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction

from backend.accounts.models import User
from demo import clock
from demo.fieldwork import referral_inspection
from fieldwork.models import Inspection, InspectionState, RecordKind
from fieldwork.selectors.records import current_records
from legalreview.models import (
    EDITABLE,
    CatalogueEntry,
    DecisionState,
    DecisionType,
    ReviewOutcome,
    ReviewPoint,
)
from legalreview.services import (
    DecisionContent,
    add_catalogue_entry,
    draft_decision,
    give_opinion,
    submit_decision,
)
from personnel.models import EnforcementField

DRAFTER = "kj_admin"
REVIEWER = "kj_legal"
RECIPIENT = "市公安局出入境管理支队"
TITLE = "关于移送涉嫌非法聘用外国人案件线索的决定"

# KJ's catalogue: (name, type, field code or None, threshold or None, basis).
CATALOGUE = [
    (
        "对用人单位处以一万元以上罚款",
        DecisionType.PENALTY,
        "FOREIGN_WORK",
        Decimal("10000"),
        "市科学技术局重大执法决定法制审核目录清单第1项",
    ),
    (
        "撤销外国人工作许可",
        DecisionType.LICENSE,
        "FOREIGN_WORK",
        None,
        "市科学技术局重大执法决定法制审核目录清单第2项",
    ),
    (
        "移送案件线索",
        DecisionType.REFERRAL,
        None,
        None,
        "市科学技术局重大执法决定法制审核目录清单第3项",
    ),
    (
        "涉嫌犯罪案件移送",
        DecisionType.CRIMINAL_REFERRAL,
        None,
        None,
        "市科学技术局重大执法决定法制审核目录清单第4项",
    ),
]


def _seed_catalogue(admin: User) -> int:
    existing = set(
        CatalogueEntry.objects.filter(department=admin.department).values_list("name", flat=True)
    )
    fields = {f.code: f for f in EnforcementField.objects.all()}
    made = 0
    for name, decision_type, field_code, threshold, basis in CATALOGUE:
        if name in existing:
            continue
        add_catalogue_entry(
            actor=admin,
            name=name,
            decision_type=decision_type,
            enforcement_field=fields.get(field_code) if field_code else None,
            min_amount=threshold,
            basis=basis,
        )
        made += 1
    return made


def _facts(inspection: Inspection) -> str:
    problems = [
        r.content.get("description", "")
        for r in current_records(inspection, RecordKind.FINDINGS)
        if r.content.get("problem_found")
    ]
    found = "；".join(p for p in problems if p)
    return (
        f"{inspection.window_start:%Y年%m月}，本局会同市公安局、市人力资源和社会保障局对"
        f"{inspection.firm_name}实施外国人来华工作许可随机抽查，发现该单位存在外籍人员未取得"
        "外国人工作许可即在本单位工作的情形" + (f"（{found}）" if found else "") + "。"
    )


@transaction.atomic
def seed_legal_review(inspection: Inspection) -> dict[str, int]:
    """KJ's catalogue, and the inspection's referral to 公安 drafted, submitted and approved."""
    created = {"审核目录事项": 0, "行政执法决定": 0, "法制审核意见": 0}
    admin = User.objects.filter(username=DRAFTER).first()
    reviewer = User.objects.filter(username=REVIEWER).first()
    if admin is None or reviewer is None:
        return created
    created["审核目录事项"] = _seed_catalogue(admin)
    decision = (
        inspection.decisions.filter(decision_type=DecisionType.REFERRAL)
        .exclude(state=DecisionState.WITHDRAWN)
        .first()
    )
    if decision is None:
        evidence = current_records(inspection, RecordKind.FINDINGS) + current_records(
            inspection, RecordKind.EVIDENCE
        )
        decision = draft_decision(
            actor=admin,
            inspection=inspection,
            content=DecisionContent(
                decision_type=DecisionType.REFERRAL,
                title=TITLE,
                recipient=RECIPIENT,
                enforcement_field=EnforcementField.objects.filter(code="FOREIGN_WORK").first(),
                facts=_facts(inspection),
                evidence=evidence,
                legal_basis="《中华人民共和国出境入境管理法》第四十一条、第四十三条、第七十条、第八十条",
                draft_text=(
                    f"{RECIPIENT}：\n本局在外国人来华工作许可随机抽查中发现，{inspection.firm_name}"
                    f"（统一社会信用代码 {inspection.firm_uscc}）涉嫌非法聘用外国人。依据《中华人民"
                    "共和国出境入境管理法》第七十条、第八十条，非法聘用外国人的处罚由公安机关决定，"
                    "现将案件线索及相关材料移送你单位依法处理。\n附件：随机抽查记录、证据材料"
                ),
            ),
        )
        created["行政执法决定"] += 1
    if decision.state in EDITABLE:
        decision = submit_decision(actor=admin, decision=decision)
    review = decision.reviews.filter(outcome=ReviewOutcome.PENDING).first()
    if review is not None:
        give_opinion(
            actor=reviewer,
            review=review,
            outcome=ReviewOutcome.APPROVED,
            checks={point.value: {"ok": True, "note": ""} for point in ReviewPoint},
            opinion="移送主体适格，事实清楚，证据确凿，依据正确，程序合法，同意移送。",
        )
        created["法制审核意见"] += 1
    return created


@transaction.atomic
def seed_legal_reviews() -> dict[str, int]:
    """The referral found in last year's joint task (demo.fieldwork) reviewed on 26 June of
    last year, once its result is."""
    inspection = referral_inspection()
    if inspection is None or inspection.state != InspectionState.REVIEWED:
        return {"审核目录事项": 0, "行政执法决定": 0, "法制审核意见": 0}
    with clock.on(date(clock.last_year(), 6, 26), 10):
        return seed_legal_review(inspection)
