"""The firm import's faster ways (issue 19, item 5) end where the plain ones did: indexes dropped
for a first load come back, whatever happens to the import; a file compared with the whole
directory in one pass and one looked up code by code count the same, and so does one compared in
the database (PostgreSQL); a value checked once per
distinct text is still refused on every row that has it."""

import gc
import io
import sys
from datetime import date

import pytest
from django.db import connection
from openpyxl import Workbook, load_workbook

from backend.codes import make_uscc
from backend.imports import runner
from backend.imports.models import Mode, Status
from backend.imports.runner import run_import
from backend.imports.services import create_command_job
from inspections.directory.bulk import insert_firms
from inspections.directory.firm_import import FirmImporter
from inspections.directory.firm_writes import FirmWriter
from inspections.directory.models import Firm
from inspections.directory.synthetic import synthetic_firms

HEADER = ["统一社会信用代码", "名称", "行政区划代码", "信用风险分类"]


def code(n: int) -> str:
    return make_uscc(region="220104", org_body8=f"2{n:07d}")


def run(tmp_path, rows, *, dry_run=False, on_progress=None):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / "firms.xlsx"
    workbook.save(path)
    job = create_command_job(
        kind="firms", path=str(path), mode=Mode.ALL_OR_NOTHING, dry_run=dry_run
    )
    return run_import(job, str(path), on_progress=on_progress)


def errors(job) -> dict[int, str]:
    with job.error_report.open("rb") as handle:
        rows = list(load_workbook(io.BytesIO(handle.read())).active.iter_rows(values_only=True))
    return {row[0]: row[1] for row in rows[1:]}


def firm_indexes() -> list[tuple[str, str]]:
    table = Firm._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY 1",
                [table],
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "ORDER BY 1",
                [table],
            )
        return cursor.fetchall()


GOOD = [HEADER, *([code(n), f"长春第{n}有限公司", "220104", "B"] for n in range(1, 6))]


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_first_load_leaves_every_index_of_the_directory_as_it_was(db, tmp_path, dry_run):
    before = firm_indexes()
    assert len(before) >= 8  # the code's unique index, region, industry, risk class, ...
    job = run(tmp_path, GOOD, dry_run=dry_run)
    assert job.status == Status.DONE, job.message
    assert job.inserted == 5
    assert firm_indexes() == before
    assert Firm.objects.count() == (0 if dry_run else 5)


def test_a_first_load_that_fails_while_writing_leaves_every_index_too(db, tmp_path, monkeypatch):
    before = firm_indexes()

    def fail(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(FirmWriter, "finish", fail)
    job = run(tmp_path, GOOD)
    assert job.status == Status.FAILED and "已全部撤销" in job.message
    assert firm_indexes() == before
    assert not Firm.objects.exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's page cache")
def test_the_larger_sqlite_page_cache_of_an_import_is_given_back(db, tmp_path):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
    assert run(tmp_path, GOOD).status == Status.DONE
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == before


def test_one_pass_over_the_directory_and_lookups_by_code_count_the_same(db, tmp_path, monkeypatch):
    insert_firms(synthetic_firms(300, seed=7))
    firms = list(Firm.objects.order_by("uscc").values_list("uscc", "name", "region_code"))
    ways = []
    pg = connection.vendor == "postgresql"
    # The directory read ahead while the file is opened is a third way, whose use depends on
    # which thread ends first (test_firm_import_read_ahead.py): not here.
    monkeypatch.setattr(FirmImporter, "prepares", False)
    for way in ("_all_firms", "_current", "_write_compared"):
        original = getattr(FirmWriter, way)

        def spy(self, *args, _original=original, _way=way):
            ways.append(_way)
            return _original(self, *args)

        monkeypatch.setattr(FirmWriter, way, spy)

    # Nearly the whole directory, two names changed and one firm new: one pass (SQLite).
    rows = [["统一社会信用代码", "名称", "行政区划代码"], *map(list, firms)]
    rows[1][1], rows[2][1] = "改名甲有限公司", "改名乙有限公司"
    rows.append([code(1), "新设有限公司", "220104"])
    job = run(tmp_path, rows)
    assert (job.inserted, job.updated, job.unchanged, job.rejected) == (1, 2, 298, 0)
    if pg:  # compared in the database, whatever the file's size
        assert ways == ["_write_compared"]
    else:  # the tests write after reading (conftest), as SQLite does
        assert "_all_firms" in ways

    # Five firms of a directory of 301, three changed: looked up by code.
    ways.clear()
    rows = [["统一社会信用代码", "名称", "行政区划代码"], *map(list, firms[10:15])]
    for row in rows[1:4]:
        row[1] += "（更名）"
    job = run(tmp_path, rows)
    assert (job.inserted, job.updated, job.unchanged, job.rejected) == (0, 3, 2, 0)
    assert ways == ["_write_compared"] if pg else "_all_firms" not in ways
    assert set(Firm.objects.filter(name__endswith="（更名）").values_list("uscc", flat=True)) == {
        firms[n][0] for n in (10, 11, 12)
    }
    assert Firm.objects.filter(uscc=firms[0][0], name="改名甲有限公司").exists()
    assert Firm.objects.count() == 301


def test_a_wrong_value_repeated_on_many_rows_is_reported_on_each(db, tmp_path):
    rows = [
        HEADER,
        [code(1), "甲有限公司", "229999", "E"],
        [code(2), "乙有限公司", "220104", "b"],
        [code(3), "丙有限公司", "229999", "E"],
        [code(4), "丁有限公司", 220104, "Ｂ"],  # the code as a number: nothing lost, accepted
        [code(5), "戊有限公司", "229999", "b"],
    ]
    job = run(tmp_path, rows)
    assert job.status == Status.REJECTED
    found = errors(job)
    assert set(found) == {2, 4, 6}
    for number in (2, 4, 6):
        assert "C 列“行政区划代码”" in found[number] and "229999不存在" in found[number]
    for number in (2, 4):
        assert "D 列“信用风险分类”：“E”不是可选值" in found[number]


def _upload_counting_scans(client, planner, settings, monkeypatch, capture, *, alter=None):
    """Upload a firm workbook on the web; returns (the finished job, how many times a workbook
    was scanned for bombs). `alter(job)` may change the stored file before the runner reads it."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    import backend.imports.services as services
    import backend.tabular as tabular
    from backend.imports import runner
    from backend.imports.models import ImportJob

    settings.IMPORTS_IN_BACKGROUND = False
    scans = []
    for module in (services, tabular):
        real = module.check_workbook
        monkeypatch.setattr(
            module, "check_workbook", lambda *a, _real=real, **k: scans.append(1) or _real(*a, **k)
        )
    if alter is not None:
        real_run = runner.run_job

        def run_altered(job_id):
            alter(ImportJob.objects.get(pk=job_id))
            return real_run(job_id)

        monkeypatch.setattr(runner, "run_job", run_altered)
    workbook = Workbook()
    for row in [HEADER, [code(1), "甲公司", "220104", "B"]]:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(planner)
    with capture(execute=True):
        client.post(
            reverse("imports:upload", args=["firms"]),
            {
                "file": SimpleUploadedFile("firms.xlsx", buffer.getvalue()),
                "mode": Mode.ALL_OR_NOTHING,
            },
        )
    job = ImportJob.objects.get()
    return job, len(scans)


def test_a_web_upload_is_scanned_for_bombs_once_on_its_form_not_again_by_the_runner(
    db, client, planner, settings, monkeypatch, django_capture_on_commit_callbacks
):
    job, scans = _upload_counting_scans(
        client, planner, settings, monkeypatch, django_capture_on_commit_callbacks
    )
    assert (job.status, job.inserted) == (Status.DONE, 1)
    assert scans == 1


def test_a_stored_upload_whose_bytes_changed_is_scanned_again_by_the_runner(
    db, client, planner, settings, monkeypatch, django_capture_on_commit_callbacks
):
    def alter(job):
        # Re-saved after the form's check: the same rows, other bytes.
        workbook = load_workbook(job.file.path)
        workbook.active["D2"] = "C"
        workbook.save(job.file.path)

    job, scans = _upload_counting_scans(
        client, planner, settings, monkeypatch, django_capture_on_commit_callbacks, alter=alter
    )
    assert (job.status, job.inserted) == (Status.DONE, 1)
    assert scans == 2
    assert Firm.objects.get().risk_class == "C"


@pytest.mark.parametrize(
    "org_type, target_type",
    [("1", "enterprise"), ("2", "individual"), ("3", "cooperative"), ("9", "organisation")],
)
@pytest.mark.parametrize("directory_empty", [True, False])
def test_a_new_firm_with_only_the_required_cells_gets_every_default(
    db, tmp_path, org_type, target_type, directory_empty
):
    # On SQLite the defaults are filled in by SQL, on PostgreSQL in Python: the same firm.
    if not directory_empty:
        insert_firms(synthetic_firms(3, seed=5))
    uscc = make_uscc(org_type=org_type, region="220104", org_body8="3AB00001")
    header = [*HEADER, "对象类型", "行业代码", "住所", "法定代表人", "成立日期", "登记状态", "标记"]
    job = run(
        tmp_path,
        [header, [uscc, "乙单位", "220104", None, None, None, None, None, None, None, None]],
    )
    assert (job.status, job.inserted) == (Status.DONE, 1), job.message
    firm = Firm.objects.get(uscc=uscc)
    assert (firm.name, firm.region_code, firm.target_type) == ("乙单位", "220104", target_type)
    assert (firm.industry_code, firm.address, firm.legal_representative) == ("", "", "")
    assert (firm.registered_on, firm.status, firm.risk_class) == (None, "active", "B")
    assert (firm.abnormal_operation, firm.serious_violation, firm.complaints) == (
        False,
        False,
        False,
    )
    assert firm.created_at == firm.updated_at


def test_a_reimport_changes_one_firm_keeps_the_others_and_adds_one(db, tmp_path):
    # On PostgreSQL compared in the database (_write_compared), on SQLite in Python: the same.
    header = [
        "统一社会信用代码",
        "名称",
        "行政区划代码",
        "成立日期",
        "信用风险分类",
        "标记",
        "标签",
    ]
    first = [
        header,
        [code(1), "甲有限公司", "220104", "2015-03-18", "C", "投诉举报", "重点企业"],
        [code(2), "乙有限公司", "220104", "2016-01-02", "A", "经营异常", None],
        [code(3), "丙有限公司", "220102", None, "D", None, None],
    ]
    job = run(tmp_path, first)
    assert (job.inserted, job.updated, job.unchanged) == (3, 0, 0), job.message
    before = dict(Firm.objects.values_list("uscc", "updated_at"))
    ids = dict(Firm.objects.values_list("uscc", "id"))

    again = [
        header,
        # 甲: empty cells keep the date, the flags and the tags; only the risk class changes.
        [code(1), "甲有限公司", "220104", None, "A", None, None],
        # 乙: as it is (empty flags keep 经营异常).
        [code(2), "乙有限公司", "220104", "2016-01-02", "A", None, None],
        # 丙: the same values, a new tag: an update by its tags alone.
        [code(3), "丙有限公司", "220102", None, "D", None, "外籍员工用人单位（外籍员工人数 2）"],
        # 丁: new, with only the required cells and a tag.
        [code(4), "丁有限公司", "220104", None, None, None, "重点企业"],
    ]
    job = run(tmp_path, again)
    assert job.status == Status.DONE, job.message
    assert (job.inserted, job.updated, job.unchanged, job.rejected) == (1, 2, 1, 0)
    firms = {f.uscc: f for f in Firm.objects.all()}
    assert {uscc: f.id for uscc, f in firms.items() if uscc in ids} == ids  # updated in place
    a = firms[code(1)]
    assert (a.risk_class, a.registered_on, a.complaints) == ("A", date(2015, 3, 18), True)
    assert a.updated_at > before[code(1)]
    assert list(a.tags.values_list("name", flat=True)) == ["重点企业"]
    b = firms[code(2)]
    assert (b.abnormal_operation, b.updated_at) == (True, before[code(2)])
    c = firms[code(3)]
    assert c.updated_at == before[code(3)]  # its values untouched; the tag added
    assert dict(c.tags.values_list("name", "detail")) == {"外籍员工用人单位": {"foreign_staff": 2}}
    d = firms[code(4)]
    assert (d.target_type, d.status, d.risk_class, d.complaints) == (
        "enterprise",
        "active",
        "B",
        False,
    )
    assert d.created_at == d.updated_at and d.id > max(ids.values())
    assert list(d.tags.values_list("name", flat=True)) == ["重点企业"]

    # Once more: nothing changes, nothing is written.
    now = dict(Firm.objects.values_list("uscc", "updated_at"))
    job = run(tmp_path, again)
    assert (job.inserted, job.updated, job.unchanged) == (0, 0, 4)
    assert dict(Firm.objects.values_list("uscc", "updated_at")) == now


def test_the_cycle_collector_is_on_again_after_an_import_whatever_happens(
    db, tmp_path, monkeypatch
):
    # The runner pauses it while it reads and writes (backend.imports.runner._collector_paused).
    assert gc.isenabled()
    assert run(tmp_path, GOOD).status == Status.DONE
    assert gc.isenabled()

    def fail(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(FirmWriter, "finish", fail)
    assert run(tmp_path, GOOD).status == Status.FAILED
    assert gc.isenabled()


def test_an_import_switches_threads_more_often_and_gives_the_interval_back(
    db, tmp_path, monkeypatch
):
    # backend.imports.runner._switching_often: 1 ms while the import runs (the writer thread
    # waits less for the reading one), the process's own interval afterwards, whatever happened.
    before = sys.getswitchinterval()
    seen = []

    def finish(self, finish=FirmWriter.finish):
        seen.append(sys.getswitchinterval())
        return finish(self)

    monkeypatch.setattr(FirmWriter, "finish", finish)
    assert run(tmp_path, GOOD).status == Status.DONE
    assert seen == [pytest.approx(runner.IMPORT_SWITCH_INTERVAL)]
    assert sys.getswitchinterval() == before

    def fail(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(FirmWriter, "finish", fail)
    assert run(tmp_path, GOOD).status == Status.FAILED
    assert sys.getswitchinterval() == before


@pytest.mark.parametrize(("seconds", "saves"), [(0, [2, 4, 5]), (3600, [5])])
def test_progress_is_saved_every_so_many_rows_but_not_more_often_than_every_so_long(
    db, tmp_path, monkeypatch, seconds, saves
):
    # Each save is a commit: every PROGRESS_EVERY rows, once PROGRESS_SECONDS have passed
    # since the last (and once more, with every row, when the writing begins).
    monkeypatch.setattr(runner, "PROGRESS_EVERY", 2)
    monkeypatch.setattr(runner, "PROGRESS_SECONDS", seconds)
    seen = []
    job = run(tmp_path, GOOD, on_progress=lambda job: seen.append(job.processed_rows))
    assert job.status == Status.DONE, job.message
    assert seen == saves


def test_overlapping_imports_give_the_switch_interval_back_when_the_last_one_ends():
    # Two imports in two threads of one process, the first ending first: the interval stays at
    # 1 ms until the second ends, then is the process's own again (not the 1 ms the second
    # found when it began).
    before = sys.getswitchinterval()
    first, second = runner._switching_often(), runner._switching_often()
    first.__enter__()
    second.__enter__()
    assert sys.getswitchinterval() == pytest.approx(runner.IMPORT_SWITCH_INTERVAL)
    first.__exit__(None, None, None)
    assert sys.getswitchinterval() == pytest.approx(runner.IMPORT_SWITCH_INTERVAL)
    second.__exit__(None, None, None)
    assert sys.getswitchinterval() == before
