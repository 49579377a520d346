"""Does a decision need legal review, and why: the department's catalogue and the statutory
circumstances, read together. The one place that answers it, for submission and for the gates."""

from legalreview.models import CatalogueEntry, Decision


def active_catalogue(department_id: int) -> list[CatalogueEntry]:
    return list(
        CatalogueEntry.objects.filter(department_id=department_id, active=True).select_related(
            "enforcement_field"
        )
    )


def matching_entries(
    decision: Decision, catalogue: list[CatalogueEntry] | None = None
) -> list[CatalogueEntry]:
    """The active lines of the deciding department's catalogue that the decision falls under."""
    if catalogue is None:
        catalogue = active_catalogue(decision.department_id)
    return [
        entry
        for entry in catalogue
        if entry.department_id == decision.department_id
        and entry.matches(
            decision_type=decision.decision_type,
            enforcement_field_id=decision.enforcement_field_id,
            amount=decision.amount,
        )
    ]


def review_triggers(decision: Decision, catalogue: list[CatalogueEntry] | None = None) -> list[str]:
    """Every reason the decision must be reviewed, in Chinese; empty when none."""
    reasons = [f"属于法定重大执法决定情形：{label}" for label in decision.circumstances]
    reasons += [
        f"列入本部门审核目录清单：{entry.name}（{entry.conditions}）"
        for entry in matching_entries(decision, catalogue)
    ]
    return reasons
