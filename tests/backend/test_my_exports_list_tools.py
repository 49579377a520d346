"""我的导出 (issue 17): filtered by kind, status and text, reset and counted; only the user's
own exports, as before."""

from list_tools import check_list, total_of

from backend.jobs.models import WorkJob, WorkStatus
from tests.conftest import log_in


def test_my_exports_filter_reset_and_count_only_the_users_own(client, planner, inspector):
    def job(user, kind, status, filename="", message=""):
        return WorkJob.objects.create(
            kind=kind,
            created_by=user,
            department_id=user.department_id,
            status=status,
            filename=filename,
            file=f"exports/{filename}" if filename else "",
            message=message,
        )

    job(planner, "directory.firm_export", WorkStatus.DONE, "名录-外国人来华工作.xlsx")
    job(planner, "directory.firm_export", WorkStatus.FAILED, message="导出失败：磁盘已满")
    job(inspector, "directory.firm_export", WorkStatus.DONE, "名录-出入境.xlsx")
    log_in(client, planner)
    check_list(
        client,
        "/jobs/mine/",
        params={"status": "done", "q": "名录"},
        shown=["名录-外国人来华工作.xlsx"],
        hidden=["导出失败：磁盘已满", "名录-出入境.xlsx"],
        total=1,
    )
    assert total_of(client.get("/jobs/mine/", {"q": "磁盘"}).content.decode()) == 1
    assert total_of(client.get("/jobs/mine/", {"kind": "audit.export"}).content.decode()) == 0
    assert total_of(client.get("/jobs/mine/").content.decode()) == 2
