"""The import pipeline, with a small importer of departments standing in for the real ones:
all-or-nothing or valid rows only, the error report, idempotent re-imports, dry runs, a crash
that leaves everything as it was, the upload page with its progress, and the command."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from backend.accounts.roles import Role
from backend.audit.actions import register as register_actions
from backend.audit.models import AuditEvent
from backend.codes import check_region_code
from backend.imports.base import Counts, Importer, RowInvalid
from backend.imports.command import ImportCommand
from backend.imports.models import ImportJob, Mode, Status
from backend.imports.registry import register
from backend.imports.runner import run_import
from backend.imports.services import create_command_job
from backend.organisation.models import Department
from backend.tabular import CellError, Column, checked_code, code_text, text
from tests.conftest import log_in


def region(value):
    return checked_code(value, check_region_code, what="行政区划代码")


@register_actions
class DepartmentImportAction(models.TextChoices):
    DEPARTMENTS = "import.test-departments", "导入部门（测试）"


@register
class DepartmentImporter(Importer):
    kind = "test-departments"
    label = "部门（测试）"
    audit_action = DepartmentImportAction.DEPARTMENTS
    columns = [
        Column("code", "部门代码", text=True, example="KJ"),
        Column("name", "部门名称", example="市科学技术局"),
        Column("region", "行政区划代码", text=True, example="220100"),
    ]
    allowed_roles = frozenset({Role.SYSTEM_ADMIN})
    needs_department = False
    fail_after_writing = False  # set by a test to simulate a crash in the middle of writing

    def parse_row(self, values):
        problems, record = {}, {}
        for key, parse in (("code", code_text), ("name", text), ("region", region)):
            try:
                record[key] = parse(values[key])
            except CellError as exc:
                problems[key] = exc.message
        if problems:
            raise RowInvalid(problems)
        return record

    def row_key(self, record):
        return record["code"]

    def apply(self):
        counts = Counts()
        for record in self.staged:
            current = Department.objects.filter(code=record["code"]).first()
            if current is None:
                Department.objects.create(
                    code=record["code"], name=record["name"], region_code=record["region"]
                )
                counts.inserted += 1
            elif (current.name, current.region_code) != (record["name"], record["region"]):
                current.name, current.region_code = record["name"], record["region"]
                current.save(update_fields=["name", "region_code"])
                counts.updated += 1
            else:
                counts.unchanged += 1
            if type(self).fail_after_writing and counts.inserted + counts.updated == 2:
                raise RuntimeError("磁盘已满")
        return counts


class Command(ImportCommand):
    kind = "test-departments"


GOOD = [
    ["部门代码", "部门名称", "行政区划代码"],
    ["JY", "市教育局", "220100"],
    ["WS", "市卫生健康委员会", "220100"],
    ["ZJ", "市住房和城乡建设局", "220100"],
]


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(tmp_path, rows, *, mode=Mode.ALL_OR_NOTHING, dry_run=False, name="d.xlsx"):
    path = tmp_path / name
    path.write_bytes(xlsx_bytes(rows))
    job = create_command_job(kind="test-departments", path=str(path), mode=mode, dry_run=dry_run)
    return run_import(job, str(path))


def report_rows(job):
    with job.error_report.open("rb") as f:
        return list(load_workbook(io.BytesIO(f.read())).active.iter_rows(values_only=True))


@pytest.fixture(autouse=True)
def _inline_imports(settings):
    settings.IMPORTS_IN_BACKGROUND = False


def test_a_good_file_is_imported_and_audited(db, tmp_path):
    job = run(tmp_path, GOOD)
    assert job.status == Status.DONE
    assert (job.inserted, job.updated, job.unchanged, job.rejected) == (3, 0, 0, 0)
    assert set(Department.objects.values_list("code", flat=True)) == {"JY", "WS", "ZJ"}
    event = AuditEvent.objects.get(action="import.test-departments")
    assert event.detail["inserted"] == 3
    assert event.detail["sha256"] == job.file_sha256


def test_importing_the_same_file_again_changes_nothing(db, tmp_path):
    run(tmp_path, GOOD)
    again = run(tmp_path, GOOD)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)


def test_a_changed_row_is_an_update(db, tmp_path):
    run(tmp_path, GOOD)
    changed = [GOOD[0], ["JY", "市教育委员会", "220100"]]
    job = run(tmp_path, changed)
    assert (job.inserted, job.updated, job.unchanged) == (0, 1, 0)
    assert Department.objects.get(code="JY").name == "市教育委员会"


MIXED = [
    GOOD[0],
    ["JY", "市教育局", "220100"],
    ["ws", "", "22010"],
    ["JY", "重复", "220100"],
    ["ZJ", "市住建局", 220100],
]


def test_all_or_nothing_imports_nothing_and_reports_each_bad_row(db, tmp_path):
    job = run(tmp_path, MIXED)
    assert job.status == Status.REJECTED
    assert "未导入任何数据" in job.message
    assert not Department.objects.exists()
    assert (job.total_rows, job.rejected) == (4, 3)
    rows = report_rows(job)
    assert rows[0][:2] == ("原行号", "错误说明")
    by_row = {r[0]: r[1] for r in rows[1:]}
    assert set(by_row) == {3, 4, 5}
    assert "B 列“部门名称”：不能为空" in by_row[3]
    assert "C 列“行政区划代码”" in by_row[3]
    assert "与第 2 行重复" in by_row[4]
    assert "读成了数字" in by_row[5]
    assert rows[1][2:] == ("ws", None, "22010")  # the row as the user sent it


def test_valid_only_imports_the_good_rows_and_reports_the_rest(db, tmp_path):
    job = run(tmp_path, MIXED, mode=Mode.VALID_ONLY)
    assert job.status == Status.DONE
    assert (job.inserted, job.rejected) == (1, 3)
    assert list(Department.objects.values_list("code", flat=True)) == ["JY"]
    assert job.error_report


def test_a_dry_run_counts_but_writes_nothing(db, tmp_path):
    job = run(tmp_path, GOOD, dry_run=True)
    assert job.status == Status.DONE
    assert job.inserted == 3
    assert "试算" in job.message
    assert not Department.objects.exists()
    assert not AuditEvent.objects.filter(action="import.test-departments").exists()


def test_a_crash_while_writing_leaves_the_data_as_it_was(db, tmp_path, monkeypatch):
    Department.objects.create(code="JY", name="原名称", region_code="220100")
    monkeypatch.setattr(DepartmentImporter, "fail_after_writing", True)
    job = run(tmp_path, [GOOD[0], ["JY", "新名称", "220100"], *GOOD[2:]])
    assert job.status == Status.FAILED
    assert "已全部撤销" in job.message
    assert list(Department.objects.values_list("code", "name")) == [("JY", "原名称")]


def test_a_header_only_file_says_there_are_no_rows(db, tmp_path):
    job = run(tmp_path, [GOOD[0]])
    assert job.status == Status.REJECTED
    assert "没有数据行" in job.message


def test_a_file_with_wrong_columns_is_rejected_with_the_reason(db, tmp_path):
    job = run(tmp_path, [["名称", "代码"], ["甲", "1"]])
    assert job.status == Status.REJECTED
    assert "缺少必填列" in job.message


# --- the web upload ------------------------------------------------------------------------------


def upload(client, rows, mode=Mode.ALL_OR_NOTHING, name="departments.xlsx"):
    file = SimpleUploadedFile(name, xlsx_bytes(rows))
    return client.post(
        reverse("imports:upload", args=["test-departments"]), {"file": file, "mode": mode}
    )


def test_the_upload_page_says_which_files_are_accepted_and_what_is_skipped(client, system_admin):
    log_in(client, system_admin)
    page = client.get(reverse("imports:upload", args=["test-departments"])).content.decode()
    assert ".xlsx、.xlsm、.xls、.ods、.csv" in page
    assert "表头可以在前 10 行中的任意一行" in page


def test_an_upload_runs_and_its_page_shows_the_outcome(
    client, system_admin, django_capture_on_commit_callbacks
):
    log_in(client, system_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, GOOD)
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("imports:job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "导入完成：新增 3" in page
    state = client.get(reverse("imports:job-status", args=[job.pk])).json()
    assert state["finished"] and state["percent"] == 100 and state["inserted"] == 3


def test_a_rejected_upload_offers_the_report_and_a_valid_rows_rerun(
    client, system_admin, django_capture_on_commit_callbacks
):
    log_in(client, system_admin)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, MIXED)
    job = ImportJob.objects.get()
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "下载错误报告" in page
    assert "只导入有效行" in page
    report = client.get(reverse("imports:error-report", args=[job.pk]))
    assert report.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("imports:rerun", args=[job.pk]))
    rerun = ImportJob.objects.exclude(pk=job.pk).get()
    assert again["Location"] == reverse("imports:job", args=[rerun.pk])
    assert rerun.status == Status.DONE and rerun.inserted == 1


def test_a_non_excel_upload_is_rejected_on_the_form(client, system_admin):
    log_in(client, system_admin)
    file = SimpleUploadedFile("departments.pdf", b"%PDF-1.4")
    response = client.post(
        reverse("imports:upload", args=["test-departments"]),
        {"file": file, "mode": Mode.ALL_OR_NOTHING},
    )
    assert response.status_code == 200
    assert "不支持的文件类型" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_an_upload_over_the_size_limit_is_refused(client, system_admin, settings):
    settings.IMPORT_MAX_BYTES = 1000
    log_in(client, system_admin)
    response = upload(client, GOOD * 20)
    assert "文件过大" in response.content.decode()


def test_roles_the_importer_does_not_allow_are_refused(client, planner):
    client.force_login(planner)
    assert client.get(reverse("imports:upload", args=["test-departments"])).status_code == 403
    assert upload(client, GOOD).status_code == 403


def test_another_departments_job_is_not_found(
    client, system_admin, make_user, ga, django_capture_on_commit_callbacks
):
    log_in(client, system_admin)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, GOOD)
    job = ImportJob.objects.get()
    outsider = make_user("ga_sys", Role.SYSTEM_ADMIN, ga)
    log_in(client, outsider)
    assert client.get(reverse("imports:job", args=[job.pk])).status_code == 404
    assert client.get(reverse("imports:error-report", args=[job.pk])).status_code == 404


def test_the_template_downloads_and_reads_back(client, system_admin):
    log_in(client, system_admin)
    response = client.get(reverse("imports:template", args=["test-departments"]))
    workbook = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook.active[1]] == ["部门代码", "部门名称", "行政区划代码"]
    assert "填写说明" in workbook.sheetnames


# --- the command ---------------------------------------------------------------------------------


def test_the_command_imports_and_prints_the_summary(db, tmp_path, capsys):
    path = tmp_path / "d.xlsx"
    path.write_bytes(xlsx_bytes(GOOD))
    call_command(Command(), str(path))
    assert "新增 3，更新 0，未变化 0，错误 0" in capsys.readouterr().out


def test_the_command_fails_with_the_reason_and_writes_the_report(db, tmp_path):
    path = tmp_path / "d.xlsx"
    path.write_bytes(xlsx_bytes(MIXED))
    with pytest.raises(CommandError, match="3 行有错误"):
        call_command(Command(), str(path), errors=str(tmp_path / "errors.xlsx"))
    assert (tmp_path / "errors.xlsx").exists()
    assert not Department.objects.exists()


def test_the_command_writes_the_template(db, tmp_path):
    call_command(Command(), template=str(tmp_path / "t.xlsx"))
    assert load_workbook(tmp_path / "t.xlsx").active["A1"].value == "部门代码"
