"""The lists without an export of their own here still get 查询/重置 and their total (issue 17):
the notifications (each user's own) and the audit trail (the audit administrator's; its export
is the background job tested in test_audit_trail.py)."""

from list_tools import check_list

from backend.audit.actions import ListAction
from backend.audit.services import record_event
from backend.notifications.models import NotificationKind
from backend.notifications.services import notify
from tests.conftest import log_in


def test_the_notifications_filter_reset_and_count_only_the_users_own(
    client, department_admin, planner
):
    notify(department_admin, kind=NotificationKind.CERTIFICATE_EXPIRING, title="执法证将到期")
    notify(department_admin, kind=NotificationKind.CERTIFICATE_EXPIRING, title="培训学时不足")
    notify(planner, kind=NotificationKind.CERTIFICATE_EXPIRING, title="执法证将到期（计划人员）")
    log_in(client, department_admin)
    assert (
        check_list(
            client,
            "/notifications/",
            params={"q": "执法证"},
            shown=["执法证将到期"],
            hidden=["培训学时不足", "计划人员"],
            total=1,
        )
        is None
    )


def test_the_audit_trail_filters_by_account_resets_and_counts(
    client, audit_admin, planner, department_admin
):
    for actor in (planner, department_admin, department_admin):
        record_event(action=ListAction.EXPORT, actor=actor, object_type="list", object_id="t")
    log_in(client, audit_admin)
    body_rows = check_list(
        client,
        "/audit/",
        params={"actor": department_admin.username, "action": ListAction.EXPORT},
        shown=[department_admin.username],
        hidden=[f">{planner.username}<"],
        total=2,
    )
    assert body_rows is None
