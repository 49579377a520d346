"""What legal review still blocks: issuing a decision, and publishing an inspection's results.

Other apps ask here rather than read the decisions' states themselves (the disclosure app calls
`publication_blockers` before it publishes an inspection). Each answer is a list of reasons in
Chinese; an empty list means legal review blocks nothing.
"""

from backend.text import chinese_date
from fieldwork.models import Inspection
from legalreview.deadlines import review_deadline
from legalreview.models import Decision, DecisionState
from legalreview.triggers import active_catalogue, review_triggers

S = DecisionState


def _review_pending(decision: Decision) -> str:
    review = decision.reviews.filter(outcome="pending").first()
    if review is None:  # pragma: no cover - the state and the open round go together
        return "法制审核尚未完成"
    due = review_deadline(review).due
    return f"法制审核尚未完成（第{review.round}轮，审核期限{due.isoformat()}）"


def issue_blockers(decision: Decision) -> list[str]:
    """Why the decision cannot be issued (作出) now; empty when it can."""
    state = decision.state
    if state == S.ISSUED:
        return [f"决定{decision.number}已于{chinese_date(decision.issued_at)}作出，不能重复作出"]
    if state == S.WITHDRAWN:
        return [f"决定{decision.number}已撤回"]
    if state == S.DRAFT:
        return ["决定尚未提交，请先提交（须法制审核的将自动送审）"]
    if state == S.RETURNED:
        return ["法制审核意见为存在问题，决定已退回，请修改后重新提交审核"]
    if state == S.IN_REVIEW:
        return [_review_pending(decision)]
    if state == S.READY:
        # Submitted without review; if the catalogue has since come to list it, review first.
        triggers = review_triggers(decision)
        if triggers:
            return [
                "该决定须经法制审核后方可作出：" + "；".join(triggers),
                "请重新提交，系统将自动送审",
            ]
    return []


def publication_blockers(inspection: Inspection) -> list[str]:
    """Why the inspection's results cannot be published yet because of legal review.

    Every decision of the inspection that needs review (by the catalogue or a statutory
    circumstance) and is not yet approved blocks it; withdrawn decisions do not.
    """
    reasons = []
    catalogues: dict[int, list] = {}
    decisions = inspection.decisions.exclude(state=S.WITHDRAWN).order_by("pk")
    for decision in decisions:
        if decision.state in (S.APPROVED, S.ISSUED):
            continue
        label = f"行政执法决定{decision.number}（{decision.title}）"
        if decision.state == S.IN_REVIEW:
            reasons.append(f"{label}：{_review_pending(decision)}")
            continue
        if decision.state == S.RETURNED:
            reasons.append(f"{label}：法制审核退回，尚未重新提交")
            continue
        if decision.department_id not in catalogues:
            catalogues[decision.department_id] = active_catalogue(decision.department_id)
        if review_triggers(decision, catalogues[decision.department_id]):
            reasons.append(f"{label}：须经法制审核，尚未送审")
    return reasons
