"""Personnel's line of the home pages' to-do list (backend.accounts.todo)."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from backend.accounts.roles import Role
from backend.accounts.todo import TodoItem
from personnel.reports import EXPIRY_HORIZON_DAYS, expiring_certificates
from personnel.selectors import certificates_visible_to


def personnel_todo(user) -> list[TodoItem]:
    if not user.has_role(Role.PLANNER, Role.DEPARTMENT_ADMIN):
        return []
    today = timezone.localdate()
    own = certificates_visible_to(user).filter(officer__department_id=user.department_id)
    expiring = expiring_certificates(own, today=today)
    count = expiring.count()
    if not count:
        return []
    until = expiring.last().valid_to
    query = urlencode({"status": "valid", "expires_before": until.isoformat()})
    return [
        TodoItem(
            f"执法证 {EXPIRY_HORIZON_DAYS} 天内到期",
            count,
            f"{reverse('personnel:certificates')}?{query}",
            note=f"最早 {expiring.first().valid_to:%Y年%-m月%-d日} 到期",
            order=70,
        )
    ]
