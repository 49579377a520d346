"""Items' explicit firm lists imported from Excel: by item code and 统一社会信用代码, own department
only, added once, and a re-import changes nothing."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from backend.codes import make_uscc
from backend.imports.models import ImportJob, Mode, Status
from backend.imports.runner import run_import
from backend.imports.services import create_command_job
from inspections.directory.models import ItemFirmListEntry
from tests.conftest import log_in

HEADER = ["事项编码", "统一社会信用代码"]
FIRM_1 = make_uscc(region="220104", org_body8="20000001")
FIRM_2 = make_uscc(region="220106", org_body8="20000002")


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(tmp_path, rows, department, mode=Mode.ALL_OR_NOTHING):
    path = tmp_path / "list.xlsx"
    path.write_bytes(xlsx(rows))
    job = create_command_job(
        kind="item-firms", path=str(path), mode=mode, dry_run=False, department=department
    )
    return run_import(job, str(path))


def test_listed_firms_are_added_and_a_reimport_changes_nothing(tmp_path, make_item, kj):
    item = make_item().item
    rows = [HEADER, [item.code, FIRM_1], [item.code, FIRM_2]]
    job = run(tmp_path, rows, kj)
    assert (job.status, job.inserted) == (Status.DONE, 2), job.message
    assert set(item.firm_list.values_list("uscc", flat=True)) == {FIRM_1, FIRM_2}
    again = run(tmp_path, rows, kj)
    assert (again.inserted, again.unchanged) == (0, 2)
    assert ItemFirmListEntry.objects.count() == 2


def test_unknown_items_bad_codes_and_duplicates_are_reported(tmp_path, make_item, kj):
    item = make_item().item
    job = run(
        tmp_path,
        [HEADER, ["NO-SUCH-ITEM", FIRM_1], [item.code, FIRM_1[:-1] + "0"], [item.code, FIRM_2],
         [item.code, FIRM_2]],
        kj,
    )  # fmt: skip
    assert job.status == Status.REJECTED
    assert not ItemFirmListEntry.objects.exists()
    with job.error_report.open("rb") as handle:
        rows = list(load_workbook(io.BytesIO(handle.read())).active.iter_rows(values_only=True))
    errors = {row[0]: row[1] for row in rows[1:]}
    assert "没有编码为“NO-SUCH-ITEM”的抽查事项" in errors[2]
    assert "统一社会信用代码" in errors[3]
    assert "与第 4 行重复" in errors[5]


def test_another_departments_item_is_not_found(tmp_path, make_item, ga):
    item = make_item().item  # a KJ item
    job = run(tmp_path, [HEADER, [item.code, FIRM_1]], ga)
    assert job.status == Status.REJECTED
    assert not ItemFirmListEntry.objects.exists()


def test_a_planner_uploads_a_list_on_the_web(
    client, planner, make_item, settings, django_capture_on_commit_callbacks
):
    settings.IMPORTS_IN_BACKGROUND = False
    item = make_item().item
    client.force_login(planner)
    assert "导入指定对象名单" in client.get(reverse("directory:items")).content.decode()
    upload = SimpleUploadedFile("list.xlsx", xlsx([HEADER, [item.code, FIRM_1]]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("imports:upload", args=["item-firms"]),
            {"file": upload, "mode": Mode.ALL_OR_NOTHING},
        )
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("imports:job", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.inserted) == (Status.DONE, 1)
    assert list(item.firm_list.values_list("uscc", flat=True)) == [FIRM_1]


def test_only_planners_may_import_lists(client, department_admin):
    log_in(client, department_admin)
    assert client.get(reverse("imports:upload", args=["item-firms"])).status_code == 403
