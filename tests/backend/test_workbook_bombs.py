"""A workbook is checked before it is opened (issue 20, item 5): the 1 MB zip bomb whose one
cell holds a gigabyte-long string is refused on the upload form and by the import runner, at once
and in little memory, while ordinary workbooks import as before.

Without the check, python-calamine reading this bomb peaks above 3 GB (3.26 GB in the attack), so
the child process's 300 MB ceiling below fails as soon as the check is bypassed."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from backend.audit.models import AuditEvent, Outcome
from backend.imports.models import ImportJob, Mode, Status
from backend.imports.runner import run_import
from backend.imports.services import create_command_job
from backend.workbook_checks import WorkbookLimits, WorkbookRefused, check_workbook
from tests.conftest import log_in
from tests.workbook_bombs import huge_string_workbook, normal_workbook, run_measured

SUSPECT = "可能是恶意构造的文件，已拒绝读取"


@pytest.fixture(scope="session")
def bomb(tmp_path_factory) -> Path:
    """About 1 MB on disk; its shared strings decompress to 1 GiB, as the directory says."""
    return huge_string_workbook(tmp_path_factory.mktemp("bombs") / "名录.xlsx")


@pytest.fixture(scope="session")
def lying_bomb(tmp_path_factory) -> Path:
    """The same trick with a directory that claims the shared strings are 5 KB."""
    path = tmp_path_factory.mktemp("bombs") / "名录-lying.xlsx"
    return huge_string_workbook(path, string_bytes=64 * 1024 * 1024, declared_size=5000)


@pytest.fixture(autouse=True)
def _inline_imports(settings):
    settings.IMPORTS_IN_BACKGROUND = False


def test_the_bomb_is_about_a_megabyte(bomb):
    assert 900_000 < bomb.stat().st_size < 1_200_000


def test_a_planner_uploading_the_bomb_is_refused_on_the_form_and_it_is_audited(
    client, planner, bomb
):
    log_in(client, planner)
    response = client.post(
        reverse("imports:upload", args=["firms"]),
        {
            "file": SimpleUploadedFile("名录.xlsx", bomb.read_bytes()),
            "mode": Mode.ALL_OR_NOTHING,
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "工作簿中的“xl/sharedStrings.xml”压缩比异常" in page and SUSPECT in page
    assert not ImportJob.objects.exists()
    event = AuditEvent.objects.get(action="import.refused")
    assert event.outcome == Outcome.DENIED and event.actor == planner
    assert event.detail["code"] == "workbook_ratio" and event.detail["kind"] == "firms"


@pytest.mark.parametrize("which", ["bomb", "lying_bomb"])
def test_the_import_runner_rejects_the_bomb_with_the_reason(request, planner, which):
    path = request.getfixturevalue(which)
    job = create_command_job(
        kind="firms",
        path=str(path),
        mode=Mode.ALL_OR_NOTHING,
        dry_run=False,
        actor=planner,
        department=planner.department,
    )
    job = run_import(job, str(path))
    assert job.status == Status.REJECTED
    assert SUSPECT in job.message and job.inserted == 0


@pytest.mark.parametrize(
    "which, code", [("bomb", "workbook_ratio"), ("lying_bomb", "workbook_string")]
)
def test_refusing_the_bomb_keeps_the_process_under_300_mb(request, which, code):
    measured = run_measured("refuse", request.getfixturevalue(which))
    assert measured["status"] == 0 and measured["outcome"] == code
    assert measured["peak"] < 300 * 1024 * 1024, f"peak {measured['peak'] / 2**20:.0f} MB"


def _upload(client, content: bytes, name: str = "名录.xlsx"):
    return client.post(
        reverse("imports:upload", args=["firms"]),
        {"file": SimpleUploadedFile(name, content), "mode": Mode.ALL_OR_NOTHING},
    )


ROWS = [["统一社会信用代码", "名称", "行政区划代码"]] + [
    [f"9122010{i:011d}", "长春市某某商贸有限公司", "220104"] for i in range(50)
]


@pytest.mark.parametrize(
    "setting, value, message",
    [
        ("IMPORT_MAX_CELLS", 60, "工作簿的单元格超过 60 个"),
        ("IMPORT_MAX_CELL_CHARS", 5, "有一段超过 5 个字符的文本"),
        ("IMPORT_MAX_UNCOMPRESSED_BYTES", 8 * 1024, "工作簿解压后超过"),
        ("IMPORT_MAX_WORKBOOK_PARTS", 4, "工作簿包含 9 个部件（上限 4 个）"),
    ],
)
def test_each_limit_comes_from_the_settings(client, planner, settings, setting, value, message):
    log_in(client, planner)
    setattr(settings, setting, value)
    page = _upload(client, normal_workbook(ROWS)).content.decode()
    assert message in page and SUSPECT in page
    assert not ImportJob.objects.exists()


def test_an_ordinary_workbook_passes_the_check_and_reaches_the_reader(
    client, planner, django_capture_on_commit_callbacks
):
    log_in(client, planner)
    check_workbook(io.BytesIO(normal_workbook(ROWS)), filename="a.xlsx")
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, normal_workbook(ROWS))
    assert response.status_code == 302
    job = ImportJob.objects.get()
    # Read row by row: the made-up codes fail their check digit, each row reported on its own.
    assert job.total_rows == 50 and SUSPECT not in job.message
    assert not AuditEvent.objects.filter(action="import.refused").exists()


def test_a_workbook_of_the_largest_legal_cell_passes(tmp_path):
    longest = "检" * 32_767  # Excel's limit for one cell
    path = tmp_path / "long.xlsx"
    path.write_bytes(normal_workbook([["企业名称"], [longest]]))
    check_workbook(path, filename=path.name, limits=WorkbookLimits())


def test_csv_and_xls_are_not_zip_workbooks_and_pass(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("统一社会信用代码\n".encode() * 1000)
    check_workbook(path, filename=path.name, limits=WorkbookLimits(max_uncompressed_bytes=10))


def test_a_long_text_split_across_the_megabyte_reads_is_still_measured(monkeypatch, tmp_path):
    import backend.workbook_checks

    monkeypatch.setattr(backend.workbook_checks, "CHUNK", 16)  # every string spans reads
    path = tmp_path / "a.xlsx"
    path.write_bytes(normal_workbook([["名称"], ["A" * 5000]]))
    check_workbook(path, filename=path.name, limits=WorkbookLimits(max_string_chars=600))
    with pytest.raises(WorkbookRefused) as refused:
        check_workbook(path, filename=path.name, limits=WorkbookLimits(max_string_chars=400))
    assert refused.value.code == "workbook_string"


@pytest.mark.parametrize("before", range(0, 990, 37))
def test_a_text_just_over_the_limit_is_found_wherever_it_falls(monkeypatch, tmp_path, before):
    # The check first looks for a "<" in windows of half the limit and searches exactly only
    # where one has none: a text one byte too long must be found at any offset from the grid,
    # within a read or across two.
    import backend.workbook_checks

    monkeypatch.setattr(backend.workbook_checks, "CHUNK", 4096)
    limits = WorkbookLimits(max_string_chars=100)  # 1,000 bytes
    # In the shared strings a text is <t>…</t>: the piece after "<" is "t>" and the text.
    rows = [["名称"], *[[f"{n}" + "B" * 900] for n in range(4)], ["B" * before]]
    fits = tmp_path / "fits.xlsx"
    fits.write_bytes(normal_workbook([*rows, ["A" * 998]]))
    check_workbook(fits, filename=fits.name, limits=limits)
    over = tmp_path / "over.xlsx"
    over.write_bytes(normal_workbook([*rows, ["A" * 999]]))
    with pytest.raises(WorkbookRefused) as refused:
        check_workbook(over, filename=over.name, limits=limits)
    assert refused.value.code == "workbook_string"
