"""Importing officers and their certificates: upsert by 公民身份号码 and 证件号码, each
certificate step with its history row, another department's officer refused, every bad input
explained by row and column, nothing half-written, and the upload pages and the command."""

import io
import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from backend.audit.models import AuditEvent
from backend.codes import make_citizen_id
from backend.imports.models import ImportJob, Mode, Status
from backend.imports.runner import run_import
from backend.imports.services import create_command_job
from personnel import officer_import, services
from personnel.models import (
    Certificate,
    CertificateAction,
    CertificateEvent,
    CertificateStatus,
    Officer,
    OfficerStatus,
)
from tests.conftest import log_in

HEADER = [
    "姓名", "公民身份号码", "人员类别", "性别", "联系电话", "职务", "管辖片区", "状态",
    "证件号码", "证件类型", "发证机关", "执法领域", "有效期起", "有效期止",
]  # fmt: skip
LIN = make_citizen_id(region="220102", birth=date(1988, 5, 20), seq="011")  # a man
MA = make_citizen_id(region="220104", birth=date(1990, 2, 3), seq="022")  # a woman
QI = make_citizen_id(region="220105", birth=date(1979, 11, 30), seq="031")
GAO = make_citizen_id(region="220103", birth=date(1983, 7, 8), seq="045")
NATIONAL, LOCAL = "全国统一行政执法证", "地方行政执法证"
CIVIL = "行政执法类公务员"
CERT_LIN, CERT_QI = "22010021100001", "22010021100003"
SERIAL_2025_12_31 = (date(2025, 12, 31) - date(1899, 12, 30)).days  # Excel's day number

TEMPLATE_HEADER = [*HEADER[:6], "业务专长", *HEADER[6:], "所属受委托组织"]
NO_CERT = ["", "", "", "", "", ""]
GOOD = [
    HEADER,
    ["林执法", LIN, CIVIL, "", "13943100001", "科员", "220102", "",
     CERT_LIN, NATIONAL, "长春市人民政府", "外国人来华工作许可、EXIT_ENTRY",
     date(2021, 1, 1), date(2025, 12, 31)],
    ["马监管", MA, "从事日常监管工作的人员", "女", "", "", "", "在岗", *NO_CERT],
    # Numbers where Excel stores them, a date typed as text and one as Excel's day number.
    ["齐科长", QI, "具有行政执法资格的工作人员", "", 13943100003, "科长", 220104, "离岗",
     CERT_QI, LOCAL, "长春市人民政府", "FOREIGN_WORK", "2020年3月1日", SERIAL_2025_12_31],
]  # fmt: skip


def xlsx_bytes(rows, *, merge=None) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    if merge:
        workbook.active.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def fields(foreign_work, exit_entry):
    return foreign_work, exit_entry


@pytest.fixture
def run(tmp_path, kj, fields):
    """Import rows (or raw bytes) into KJ from the shell's path: no actor, as the command."""

    def run_rows(
        rows=None,
        *,
        mode=Mode.ALL_OR_NOTHING,
        dry_run=False,
        content=None,
        name="officers.xlsx",
        actor=None,
        department=kj,
    ):
        path = tmp_path / name
        path.write_bytes(content if content is not None else xlsx_bytes(rows))
        job = create_command_job(
            kind="officers",
            path=str(path),
            mode=mode,
            dry_run=dry_run,
            actor=actor,
            department=department,
        )
        return run_import(job, str(path))

    return run_rows


def report(job) -> dict[int, str]:
    with job.error_report.open("rb") as handle:
        rows = list(load_workbook(io.BytesIO(handle.read())).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("原行号", "错误说明")
    return {row[0]: row[1] for row in rows[1:]}


def events(number: str) -> list[str]:
    return list(
        CertificateEvent.objects.filter(certificate__number=number)
        .order_by("at", "pk")
        .values_list("action", flat=True)
    )


def with_cells(row, **cells):
    """A copy of a GOOD row with some cells changed, by header."""
    row = list(row)
    for header, value in cells.items():
        row[HEADER.index(header)] = value
    return row


# --- good files --------------------------------------------------------------------------------


def test_a_good_file_registers_the_officers_and_issues_their_certificates(run, kj, fields):
    job = run(GOOD)
    assert job.status == Status.DONE, job.message
    assert (job.inserted, job.updated, job.unchanged, job.rejected) == (3, 0, 0, 0)
    lin = Officer.objects.get(citizen_id=LIN)
    assert (lin.name, lin.department, lin.category) == ("林执法", kj, "civil_servant")
    assert lin.gender == "M"  # from the ID number
    assert (lin.phone, lin.position, lin.jurisdiction_area) == ("13943100001", "科员", "220102")
    assert lin.status == OfficerStatus.ON_DUTY
    ma = Officer.objects.get(citizen_id=MA)
    assert (ma.gender, ma.category) == ("F", "routine")
    assert not ma.certificates.exists()
    qi = Officer.objects.get(citizen_id=QI)
    assert (qi.phone, qi.jurisdiction_area, qi.status) == ("13943100003", "220104", "off_duty")

    certificate = Certificate.objects.get(number=CERT_LIN)
    assert certificate.officer == lin
    assert (certificate.kind, certificate.issuing_authority) == ("national", "长春市人民政府")
    assert set(certificate.enforcement_fields.all()) == set(fields)
    assert (certificate.valid_from, certificate.valid_to) == (date(2021, 1, 1), date(2025, 12, 31))
    issued = certificate.events.get()
    assert (issued.action, issued.status_after, issued.reason) == ("issue", "valid", "批量导入登记")
    # Dates typed as text and as Excel's day numbers.
    qi_certificate = Certificate.objects.get(number=CERT_QI)
    assert (qi_certificate.valid_from, qi_certificate.valid_to) == (
        date(2020, 3, 1),
        date(2025, 12, 31),
    )
    assert events(CERT_QI) == ["issue"]


def test_the_import_is_audited_once_without_id_numbers_or_phones(run):
    run(GOOD)
    event = AuditEvent.objects.get(action="import.officers")
    assert (event.detail["inserted"], event.detail["rejected"]) == (3, 0)
    stored = json.dumps(list(AuditEvent.objects.values("detail")), ensure_ascii=False)
    for secret in (LIN, MA, QI, "13943100001", "13943100003"):
        assert secret not in stored
    assert not AuditEvent.objects.filter(action__startswith="personnel.").exists()


def test_importing_the_same_file_again_changes_nothing(run):
    run(GOOD)
    before = list(Officer.objects.order_by("pk").values_list("pk", "updated_at"))
    again = run(GOOD)
    assert again.status == Status.DONE, again.message
    assert (again.inserted, again.updated, again.unchanged, again.rejected) == (0, 0, 3, 0)
    assert list(Officer.objects.order_by("pk").values_list("pk", "updated_at")) == before
    assert CertificateEvent.objects.count() == 2


def test_a_changed_row_updates_what_it_names_and_empty_cells_keep_the_rest(run):
    run(GOOD)
    changed = [HEADER[:8], ["林执法", LIN, CIVIL, "", "", "副科长", "", "调离"]]
    job = run(changed)
    assert (job.inserted, job.updated, job.unchanged) == (0, 1, 0)
    lin = Officer.objects.get(citizen_id=LIN)
    assert (lin.position, lin.status) == ("副科长", OfficerStatus.TRANSFERRED)
    assert (lin.phone, lin.jurisdiction_area) == ("13943100001", "220102")  # kept
    assert events(CERT_LIN) == ["issue"]  # an officer row without a certificate keeps it


def test_a_file_with_only_the_required_columns_imports(run):
    job = run([["姓名", "公民身份号码", "人员类别"], ["林执法", LIN, CIVIL]])
    assert (job.status, job.inserted) == (Status.DONE, 1)


def test_half_width_brackets_and_synonyms_in_the_header_are_recognised(run):
    header = [
        "姓名", "身份证号", "人员类别", "证件号码", "证件类型", "发证机关", "执法领域",
        "有效期(起)", "有效期（止）",
    ]  # fmt: skip
    row = ["林执法", LIN, CIVIL, CERT_LIN, NATIONAL, "长春市人民政府", "FOREIGN_WORK",
           date(2021, 1, 1), date(2025, 12, 31)]  # fmt: skip
    job = run([header, row])
    assert job.status == Status.DONE, job.message
    certificate = Certificate.objects.get(number=CERT_LIN)
    assert (certificate.valid_from, certificate.valid_to) == (date(2021, 1, 1), date(2025, 12, 31))


def test_a_certificate_number_stored_as_a_number_loses_nothing_and_imports(run):
    row = with_cells(GOOD[1], 证件号码=int(CERT_LIN))
    job = run([HEADER, row])
    assert job.status == Status.DONE, job.message
    assert Certificate.objects.get(number=CERT_LIN).officer.citizen_id == LIN


def test_a_csv_file_in_gbk_imports_too(run):
    content = f"姓名,公民身份号码,人员类别,管辖片区\n林执法,{LIN},{CIVIL},220102\n"
    job = run(content=content.encode("gbk"), name="officers.csv")
    assert job.status == Status.DONE, job.message
    assert Officer.objects.get(citizen_id=LIN).jurisdiction_area == "220102"


# --- certificates already registered -------------------------------------------------------------


def test_a_later_valid_to_renews_the_certificate_with_its_history(run):
    run(GOOD)
    job = run([HEADER, with_cells(GOOD[1], 有效期止=date(2030, 12, 31))])
    assert (job.updated, job.unchanged) == (1, 0)
    certificate = Certificate.objects.get(number=CERT_LIN)
    assert certificate.valid_to == date(2030, 12, 31)
    renewal = certificate.events.get(action=CertificateAction.RENEW)
    assert (renewal.valid_to, renewal.reason) == (date(2030, 12, 31), "批量导入延续")
    assert events(CERT_LIN) == ["issue", "renew"]


def test_other_changed_details_are_a_correction_with_its_history(run, foreign_work):
    run(GOOD)
    row = with_cells(GOOD[1], 发证机关="吉林省人民政府", 执法领域="外国人来华工作许可")
    job = run([HEADER, row])
    assert job.updated == 1
    certificate = Certificate.objects.get(number=CERT_LIN)
    assert certificate.issuing_authority == "吉林省人民政府"
    assert list(certificate.enforcement_fields.all()) == [foreign_work]
    correction = certificate.events.get(action=CertificateAction.AMEND)
    assert correction.reason == "批量导入更正：发证机关、执法领域"
    assert correction.get_action_display() == "更正"


def test_a_renewal_and_a_correction_on_one_row_are_two_steps(run):
    run(GOOD)
    row = with_cells(GOOD[1], 有效期起=date(2021, 2, 1), 有效期止=date(2030, 12, 31))
    job = run([HEADER, row])
    assert job.updated == 1
    assert events(CERT_LIN) == ["issue", "renew", "amend"]
    renewal, correction = CertificateEvent.objects.filter(
        certificate__number=CERT_LIN, action__in=["renew", "amend"]
    ).order_by("at", "pk")
    assert (renewal.valid_from, renewal.valid_to) == (date(2021, 1, 1), date(2030, 12, 31))
    assert (correction.valid_from, correction.valid_to) == (date(2021, 2, 1), date(2030, 12, 31))
    again = run([HEADER, row])
    assert (again.updated, again.unchanged) == (0, 1)


def test_an_earlier_valid_to_is_refused_so_an_old_file_never_undoes_a_renewal(run):
    run(GOOD)
    job = run([HEADER, with_cells(GOOD[1], 有效期止=date(2024, 12, 31))])
    assert job.status == Status.REJECTED
    assert "N 列“有效期止”：早于系统中登记的有效期止 2025-12-31" in report(job)[2]
    assert Certificate.objects.get(number=CERT_LIN).valid_to == date(2025, 12, 31)


def test_a_suspended_certificate_is_not_renewed_by_an_import(run):
    run(GOOD)
    certificate = Certificate.objects.get(number=CERT_LIN)
    services.suspend_certificate(actor=None, certificate=certificate, reason="违法执法")
    job = run([HEADER, with_cells(GOOD[1], 有效期止=date(2030, 12, 31))])
    assert job.status == Status.REJECTED
    assert "当前为“暂扣”，不能延续" in report(job)[2]
    unchanged = run(GOOD)  # the same period: nothing to do, the suspension stays
    assert unchanged.unchanged == 3
    assert Certificate.objects.get(number=CERT_LIN).status == CertificateStatus.SUSPENDED


def test_a_certificate_number_registered_to_someone_else_is_refused(run):
    run(GOOD)
    row = with_cells(
        GOOD[2],
        证件号码=CERT_LIN,
        证件类型=NATIONAL,
        发证机关="长春市人民政府",
        执法领域="FOREIGN_WORK",
        有效期起="2021-01-01",
        有效期止="2025-12-31",
    )
    job = run([HEADER, row])
    assert job.status == Status.REJECTED
    assert "I 列“证件号码”：该证件号码已登记在其他人员名下" in report(job)[2]


def test_an_officer_who_left_is_not_issued_a_certificate(run):
    job = run([HEADER, with_cells(GOOD[1], 状态="退休")])
    assert job.status == Status.REJECTED
    assert "林执法已退休，不能发放执法证" in report(job)[2]
    assert not Officer.objects.exists()


# --- another department --------------------------------------------------------------------------


def test_another_departments_officer_is_refused_and_left_as_it_was(run, ga, make_officer):
    gao = make_officer(ga, name="高警官", citizen_id=GAO)
    rows = [HEADER, GOOD[1], ["高警官（改）", GAO, CIVIL, "", "", "", "", "", *NO_CERT]]
    job = run(rows, mode=Mode.VALID_ONLY)
    assert (job.status, job.inserted, job.rejected) == (Status.DONE, 1, 1)
    message = report(job)[3]
    assert "B 列“公民身份号码”" in message and "其他部门的执法人员" in message
    gao.refresh_from_db()
    assert (gao.department, gao.name) == (ga, "高警官")


def test_the_import_writes_into_the_importers_department_only(run, ga, kj):
    job = run(GOOD, department=ga)
    assert job.inserted == 3
    assert set(Officer.objects.values_list("department", flat=True)) == {ga.pk}
    refused = run(GOOD, department=kj)
    assert (refused.status, refused.rejected) == (Status.REJECTED, 3)


# --- bad rows ------------------------------------------------------------------------------------


def bad_check_character(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


BAD_ROWS = [
    # (row, where, what the message says)
    (["甲", bad_check_character(LIN), CIVIL], "B 列“公民身份号码”", "校验位错误"),
    (["乙", 220102198805200110, CIVIL], "B 列“公民身份号码”", "读成了数字"),
    (["丙", MA, "临时工"], "C 列“人员类别”", "不是可选值"),
    (["丁", MA, CIVIL, "男"], "", "性别与公民身份号码第17位不符"),
    (["", MA, CIVIL, "", "1394310"], "A 列“姓名”", "不能为空"),
    (["戊", MA, CIVIL, "", "1394310"], "E 列“联系电话”", "11位手机号码"),
    (["己", MA, CIVIL, "", "", "", "22010"], "G 列“管辖片区”", "应为6位数字"),
    (["庚", MA, CIVIL, "", "", "", "", "休假"], "H 列“状态”", "在岗 / 离岗"),
    (["辛" * 51, MA, CIVIL], "A 列“姓名”", "50"),
    (["壬", MA, CIVIL, "", "", "", "", "", "", NATIONAL], "I 列“证件号码”", "证件号码为空"),
    (["癸", MA, CIVIL, "", "", "", "", "", "X-1", NATIONAL, "长春市人民政府", "FOREIGN_WORK"],
     "N 列“有效期止”", "日期不能为空"),
    (["子", MA, CIVIL, "", "", "", "", "", "X-1", NATIONAL, "长春市人民政府", "FOREIGN_WORK",
      "2021-02-30", "2025-12-31"], "M 列“有效期起”", "不是真实存在的日期"),
    (["丑", MA, CIVIL, "", "", "", "", "", "X-1", NATIONAL, "长春市人民政府", "FOREIGN_WORK",
      "明年", "2025-12-31"], "M 列“有效期起”", "不是可识别的日期"),
    (["寅", MA, CIVIL, "", "", "", "", "", "X-1", NATIONAL, "长春市人民政府", "FOREIGN_WORK",
      "2025-01-01", "2021-12-31"], "N 列“有效期止”", "不能早于起始日期"),
    (["卯", MA, CIVIL, "", "", "", "", "", "X-1", NATIONAL, "长春市人民政府", "消防",
      "2021-01-01", "2025-12-31"], "L 列“执法领域”", "不是系统中的执法领域"),
    (["辰", MA, CIVIL, "", "", "", "", "", "X-1", "工作证", "长春市人民政府", "FOREIGN_WORK",
      "2021-01-01", "2025-12-31"], "J 列“证件类型”", "不是可选值"),
    # 16 digits: more than a spreadsheet keeps exactly.
    (["巳", MA, CIVIL, "", "", "", "", "", 2201002110000912, NATIONAL, "长春市人民政府",
      "FOREIGN_WORK", "2021-01-01", "2025-12-31"], "I 列“证件号码”", "读成了数字"),
]  # fmt: skip


@pytest.mark.parametrize("row,where,what", BAD_ROWS, ids=[r[2] or r[1] for r in BAD_ROWS])
def test_a_bad_row_is_explained_by_column_and_nothing_is_written(run, row, where, what):
    job = run([HEADER, row])
    assert job.status == Status.REJECTED
    message = report(job)[2]
    assert where in message and what in message, message
    assert not Officer.objects.exists()
    assert not Certificate.objects.exists()


def test_duplicates_within_the_file_name_the_earlier_row(run):
    rows = [
        HEADER,
        GOOD[1],
        with_cells(GOOD[1], 姓名="林执法（重复）", 证件号码="22010021100099"),
        with_cells(GOOD[2], 证件号码=CERT_LIN, 证件类型=NATIONAL, 发证机关="长春市人民政府",
                   执法领域="FOREIGN_WORK", 有效期起="2021-01-01", 有效期止="2025-12-31"),
    ]  # fmt: skip
    job = run(rows)
    errors = report(job)
    assert set(errors) == {3, 4}
    assert "与第 2 行重复" in errors[3]
    assert "I 列“证件号码”：本文件中已有该证件号码（林执法的一行）" in errors[4]


MIXED = [HEADER, GOOD[1], ["甲", bad_check_character(MA), CIVIL, *[""] * 5, *NO_CERT], GOOD[3]]


def test_all_or_nothing_imports_nothing_and_the_report_keeps_the_rows_as_sent(run):
    job = run(MIXED)
    assert job.status == Status.REJECTED
    assert "未导入任何数据" in job.message
    assert (job.total_rows, job.rejected) == (3, 1)
    assert not Officer.objects.exists()
    with job.error_report.open("rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    assert [c.value for c in sheet[1]][2:4] == ["姓名", "公民身份号码"]
    assert [c.value for c in sheet[2]][:4] == [3, sheet["B2"].value, "甲", bad_check_character(MA)]


def test_valid_only_imports_the_valid_rows(run):
    job = run(MIXED, mode=Mode.VALID_ONLY)
    assert (job.status, job.inserted, job.rejected) == (Status.DONE, 2, 1)
    assert set(Officer.objects.values_list("citizen_id", flat=True)) == {LIN, QI}


# --- bad files -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content,name,expected",
    [
        pytest.param(xlsx_bytes([["姓名", "人员类别"], ["林执法", CIVIL]]), "o.xlsx",
                     "缺少必填列：公民身份号码", id="missing-column"),
        pytest.param(xlsx_bytes([["姓名", "身份", "人员类别"], ["林执法", LIN, CIVIL]]),
                     "o.xlsx", "最像表头的是第 1 行：姓名、身份、人员类别",
                     id="wrong-column"),
        pytest.param(xlsx_bytes([["姓名", None, "人员类别"], ["林", LIN, CIVIL]], merge="A1:B1"),
                     "o.xlsx", "表头（第 1 行）有合并单元格 A1:B1", id="merged-header"),
        pytest.param(xlsx_bytes([["姓名", "公民身份号码", "姓名", "人员类别"]]), "o.xlsx",
                     "都是“姓名”", id="duplicate-header"),
        pytest.param(b"", "o.xlsx", "文件是空的", id="empty-file"),
        pytest.param(xlsx_bytes([]), "o.xlsx", "工作表是空的", id="empty-sheet"),
        pytest.param(xlsx_bytes([HEADER]), "o.xlsx", "没有数据行", id="header-only"),
        pytest.param(b"%PDF-1.4 not a workbook", "o.xlsx", "不是 Excel 工作簿",
                     id="renamed-pdf"),
        pytest.param(b"PK\x03\x04 broken zip", "o.xlsx", "无法读取该 Excel 文件",
                     id="damaged-xlsx"),
    ],
)  # fmt: skip
def test_a_bad_file_is_refused_with_the_reason_and_nothing_is_written(run, content, name, expected):
    job = run(content=content, name=name)
    assert job.status == Status.REJECTED
    assert expected in job.message
    assert not Officer.objects.exists()


# --- dry runs and crashes ------------------------------------------------------------------------


def test_a_dry_run_counts_and_writes_nothing(run):
    job = run(GOOD, dry_run=True)
    assert (job.status, job.inserted) == (Status.DONE, 3)
    assert "试算" in job.message
    assert not Officer.objects.exists()
    assert not CertificateEvent.objects.exists()
    assert not AuditEvent.objects.filter(action="import.officers").exists()


def test_a_crash_while_writing_leaves_the_data_as_it_was(run, monkeypatch):
    run(GOOD)
    before = (
        sorted(Officer.objects.values_list("citizen_id", "position", "status")),
        sorted(Certificate.objects.values_list("number", "valid_to", "issuing_authority")),
        CertificateEvent.objects.count(),
    )
    original = officer_import.OfficerImporter.apply

    def crash(self):
        original(self)  # every row written...
        raise RuntimeError("数据库连接中断")  # ...and then the connection drops

    monkeypatch.setattr(officer_import.OfficerImporter, "apply", crash)
    changed = [
        HEADER,
        with_cells(GOOD[1], 职务="处长", 有效期止=date(2030, 12, 31), 发证机关="吉林省人民政府"),
        ["钱新人", GAO, CIVIL, "", "", "", "", "", "22010021100077", NATIONAL, "长春市人民政府",
         "FOREIGN_WORK", "2021-01-01", "2025-12-31"],
    ]  # fmt: skip
    job = run(changed)
    assert job.status == Status.FAILED
    assert "已全部撤销" in job.message
    after = (
        sorted(Officer.objects.values_list("citizen_id", "position", "status")),
        sorted(Certificate.objects.values_list("number", "valid_to", "issuing_authority")),
        CertificateEvent.objects.count(),
    )
    assert after == before


# --- the command ---------------------------------------------------------------------------------


def test_the_command_imports_and_prints_the_summary(kj, fields, tmp_path, capsys):
    path = tmp_path / "officers.xlsx"
    path.write_bytes(xlsx_bytes(GOOD))
    call_command("import_officers", str(path), department="KJ")
    assert "导入完成：新增 3，更新 0，未变化 0，错误 0" in capsys.readouterr().out
    call_command("import_officers", str(path), department="KJ", dry_run=True)
    assert "试算完成（未写入）：新增 0，更新 0，未变化 3，错误 0" in capsys.readouterr().out


def test_the_command_refuses_a_bad_file_and_writes_the_report(kj, fields, tmp_path):
    path = tmp_path / "officers.xlsx"
    path.write_bytes(xlsx_bytes(MIXED))
    with pytest.raises(CommandError, match="1 行有错误"):
        call_command(
            "import_officers", str(path), department="KJ", errors=str(tmp_path / "errors.xlsx")
        )
    assert load_workbook(tmp_path / "errors.xlsx").active["A2"].value == 3
    call_command("import_officers", str(path), department="KJ", valid_only=True)
    assert Officer.objects.count() == 2


def test_the_command_needs_a_department_and_a_department_administrator(
    kj, fields, tmp_path, planner
):
    path = tmp_path / "officers.xlsx"
    path.write_bytes(xlsx_bytes(GOOD))
    with pytest.raises(CommandError, match="--department"):
        call_command("import_officers", str(path))
    with pytest.raises(CommandError, match="只能由本部门的部门管理员"):
        call_command("import_officers", str(path), user=planner.username)
    assert not Officer.objects.exists()


def test_the_template_has_an_example_row_and_notes_and_imports(run, tmp_path):
    path = tmp_path / "template.xlsx"
    call_command("import_officers", template=str(path))
    workbook = load_workbook(path)
    sheet = workbook.active
    assert [c.value for c in sheet[1]] == TEMPLATE_HEADER
    assert sheet["B2"].value == officer_import.EXAMPLE_CITIZEN_ID
    assert sheet["B2"].number_format == "@"  # text, so that Excel keeps all 18 characters
    notes = [row[0] for row in workbook["填写说明"].iter_rows(values_only=True)]
    assert "公民身份号码" in notes and "有效期止" in notes
    assert any(note and "其他部门" in note for note in notes)
    job = run(content=path.read_bytes(), name="template.xlsx")
    # The example row is recognised and skipped: the template alone has no data.
    assert job.status == Status.REJECTED
    assert job.message.startswith("文件中只有表头，没有数据行。")
    assert "已跳过模板中的示例行 1 行：第 2 行。" in job.message
    assert not Officer.objects.exists()


# --- the pages -----------------------------------------------------------------------------------


def upload(client, rows, mode=Mode.ALL_OR_NOTHING):
    file = SimpleUploadedFile("officers.xlsx", xlsx_bytes(rows))
    return client.post(reverse("imports:upload", args=["officers"]), {"file": file, "mode": mode})


@pytest.fixture
def inline_imports(settings):
    settings.IMPORTS_IN_BACKGROUND = False


def test_a_department_administrator_uploads_into_their_department(
    client, department_admin, kj, fields, inline_imports, django_capture_on_commit_callbacks
):
    log_in(client, department_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, GOOD)
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("imports:job", args=[job.pk])
    assert "导入完成：新增 3" in client.get(response["Location"]).content.decode()
    assert set(Officer.objects.values_list("department", flat=True)) == {kj.pk}
    issued = CertificateEvent.objects.get(certificate__number=CERT_LIN)
    assert issued.actor == department_admin


def test_the_officer_list_links_to_the_import_for_department_administrators(
    client, department_admin, planner
):
    url = reverse("imports:upload", args=["officers"])
    log_in(client, department_admin)
    assert f'href="{url}"' in client.get(reverse("personnel:officers")).content.decode()
    assert client.get(url).status_code == 200
    client.force_login(planner)
    assert f'href="{url}"' not in client.get(reverse("personnel:officers")).content.decode()
    assert client.get(url).status_code == 403
    assert upload(client, GOOD).status_code == 403


def test_the_template_downloads_and_reads_back(client, department_admin):
    log_in(client, department_admin)
    response = client.get(reverse("imports:template", args=["officers"]))
    workbook = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook.active[1]] == TEMPLATE_HEADER
    assert workbook.active["A2"].value == "林执法"
    assert "填写说明" in workbook.sheetnames


def test_the_job_pages_are_only_for_the_departments_administrators(
    client,
    department_admin,
    ga_department_admin,
    planner,
    fields,
    inline_imports,
    django_capture_on_commit_callbacks,
):
    log_in(client, department_admin)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, MIXED)
    job = ImportJob.objects.get()
    pages = [
        reverse("imports:job", args=[job.pk]),
        reverse("imports:job-status", args=[job.pk]),
        reverse("imports:error-report", args=[job.pk]),
    ]
    assert [client.get(url).status_code for url in pages] == [200, 200, 200]
    # Another department's administrator, and the department's planner: the report holds
    # full ID numbers, which neither may see.
    for outsider in (ga_department_admin, planner):
        log_in(client, outsider)
        assert [client.get(url).status_code for url in pages] == [404, 404, 404]
        assert client.post(reverse("imports:rerun", args=[job.pk])).status_code == 404


# --- 所属受委托组织 -------------------------------------------------------------------------------


def test_the_organisation_column_links_unlinks_and_refuses_another_departments(
    run, kj, ga, fields, department_admin, ga_department_admin
):
    from tests.entrustment_builders import entrust

    centre = entrust(department_admin, kj, fields=[fields[0]], number="KJWT-2021-01")
    entrust(ga_department_admin, ga, fields=[fields[0]], number="GAWT-2021-01", name="公安中心")
    header = [*HEADER, "所属受委托组织"]
    rows = [header, [*GOOD[1], "KJWT-2021-01"], [*GOOD[2], "长春市科技服务中心"], [*GOOD[3], ""]]
    job = run(rows)
    assert job.status == Status.DONE, job.message
    linked = dict(Officer.objects.values_list("name", "entrusted_organisation"))
    assert linked == {"林执法": centre.pk, "马监管": centre.pk, "齐科长": None}

    # 无 takes the officer out; an empty cell keeps the link.
    job = run([header, [*GOOD[1], "无"], [*GOOD[2], ""]])
    assert job.status == Status.DONE, job.message
    assert (job.updated, job.unchanged) == (1, 1)
    linked = dict(Officer.objects.values_list("name", "entrusted_organisation"))
    assert linked["林执法"] is None and linked["马监管"] == centre.pk

    job = run([header, [*GOOD[3], "GAWT-2021-01"]])
    assert job.status != Status.DONE
    assert "不是本部门登记的受委托组织" in report(job)[2]
    assert Officer.objects.get(name="齐科长").entrusted_organisation is None
