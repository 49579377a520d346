"""While the runner opens a workbook in a second thread, the firm import reads the directory
ahead on SQLite (issue 19, item 5). A re-import that compares with that copy counts and writes
exactly what one that reads the directory at the end does; a copy that another connection has
made out of date is never used; and whatever fails on either thread fails the import cleanly,
with nothing written and no thread left behind."""

import threading

import pytest
from django.db import connection, connections
from openpyxl import Workbook

from backend.codes import make_uscc
from backend.imports import runner
from backend.imports.models import Mode, Status
from backend.imports.runner import run_import
from backend.imports.services import create_command_job
from backend.tabular import TableError
from inspections.directory import firm_writes
from inspections.directory.bulk import insert_firms
from inspections.directory.firm_import import FirmImporter, FirmRecord
from inspections.directory.firm_writes import FirmWriter
from inspections.directory.models import Firm
from inspections.directory.synthetic import synthetic_firms

HEADER = ["统一社会信用代码", "名称", "行政区划代码", "信用风险分类"]
sqlite_only = pytest.mark.skipif(
    "connection.vendor != 'sqlite'", reason="PostgreSQL compares in the database"
)


def run(tmp_path, rows, *, name="firms.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / name
    workbook.save(path)
    job = create_command_job(kind="firms", path=str(path), mode=Mode.ALL_OR_NOTHING, dry_run=False)
    return run_import(job, str(path))


def directory_rows():
    return [
        [uscc, name, region, risk]
        for uscc, name, region, risk in Firm.objects.order_by("uscc").values_list(
            "uscc", "name", "region_code", "risk_class"
        )
    ]


def state():
    return list(
        Firm.objects.order_by("uscc").values_list("uscc", "name", "region_code", "risk_class")
    )


@pytest.fixture
def prepare_first(monkeypatch):
    """The sheet is loaded only once FirmImporter.prepare has ended (without this a small file
    is often read before prepare starts, and it is not called at all). Returns how to give the
    importer another prepare."""
    real_read_table = runner.read_table
    ended = threading.Event()

    def read_table(*args, on_checked, **kwargs):
        if FirmImporter.prepares:
            on_checked()
            assert ended.wait(timeout=60)  # a guard: fail rather than hang
            ended.clear()
        return real_read_table(*args, **kwargs)

    def use(prepare):
        def wrapped(self, *, reading_done):
            try:
                return prepare(self, reading_done=reading_done)
            finally:
                ended.set()

        monkeypatch.setattr(FirmImporter, "prepare", wrapped)

    monkeypatch.setattr(runner, "read_table", read_table)
    use(FirmImporter.prepare)
    return use


@pytest.fixture
def read_ahead_always(prepare_first, monkeypatch):
    """The read-ahead runs to its end before the sheet is read; returns the sizes of the
    directory copies the writing compared with."""
    original_compare = firm_writes._compare_known
    used = []

    def compare_known(records, firms, matched, changed):
        used.append(len(firms))
        return original_compare(records, firms, matched, changed)

    monkeypatch.setattr(firm_writes, "_compare_known", compare_known)
    return used


def changed_file():
    """The directory's 120 firms, two renamed, one re-classed, one new firm."""
    rows = directory_rows()
    rows[0][1] = "改名甲有限公司"
    rows[5][1] = "改名乙有限公司"
    rows[7][3] = "D" if rows[7][3] != "D" else "A"
    rows.append([make_uscc(region="220104", org_body8="20000001"), "新设有限公司", "220104", "B"])
    return [HEADER, *rows]


@sqlite_only
def test_a_re_import_compared_with_the_directory_read_ahead_writes_only_what_changed(
    db, tmp_path, read_ahead_always
):
    insert_firms(synthetic_firms(120, seed=5))
    rows = changed_file()

    job = run(tmp_path, rows)
    assert (job.status, job.inserted, job.updated, job.unchanged) == (Status.DONE, 1, 3, 117)
    assert read_ahead_always == [120]
    assert Firm.objects.get(uscc=rows[1][0]).name == "改名甲有限公司"
    stamps = dict(Firm.objects.values_list("uscc", "updated_at"))

    job = run(tmp_path, rows)
    assert (job.inserted, job.updated, job.unchanged) == (0, 0, 121)
    assert "未变化 121" in job.message
    assert read_ahead_always == [120, 121]
    assert dict(Firm.objects.values_list("uscc", "updated_at")) == stamps  # nothing written


@sqlite_only
def test_the_read_ahead_and_the_reading_at_the_end_leave_the_same_directory(
    db, tmp_path, read_ahead_always, monkeypatch
):
    insert_firms(synthetic_firms(120, seed=5))
    rows = changed_file()
    job = run(tmp_path, rows)
    assert read_ahead_always == [120]
    with_read_ahead = (job.inserted, job.updated, job.unchanged), state()

    # The same directory again, and the same file without the read-ahead.
    Firm.objects.all().delete()
    insert_firms(synthetic_firms(120, seed=5))
    monkeypatch.setattr(FirmImporter, "prepares", False)
    job = run(tmp_path, rows)
    assert read_ahead_always == [120]  # not used this time
    assert ((job.inserted, job.updated, job.unchanged), state()) == with_read_ahead


@sqlite_only
def test_a_read_ahead_made_stale_by_another_connection_is_not_used(
    transactional_db, tmp_path, read_ahead_always, monkeypatch
):
    insert_firms(synthetic_firms(50, seed=3))
    rows = [HEADER, *directory_rows()]  # the directory as it is: nothing to change
    first = rows[1][0]
    original = FirmWriter.prefetch

    def prefetch_then_someone_renames(self, *, stop):
        original(self, stop=stop)
        assert self.prefetched is not None

        def rename():
            Firm.objects.filter(uscc=first).update(name="别人改的名称")
            connections.close_all()

        other = threading.Thread(target=rename)
        other.start()
        other.join()

    monkeypatch.setattr(FirmWriter, "prefetch", prefetch_then_someone_renames)
    job = run(tmp_path, rows)
    # The copy read ahead says "unchanged"; the directory says otherwise, and the file wins.
    assert read_ahead_always == []
    assert (job.status, job.updated, job.unchanged) == (Status.DONE, 1, 49)
    assert Firm.objects.get(uscc=first).name == rows[1][1]


@sqlite_only
def test_a_read_ahead_stopped_part_way_keeps_what_it_read_and_where_it_stopped(db, monkeypatch):
    insert_firms(synthetic_firms(20, seed=3))
    monkeypatch.setattr(firm_writes, "CHUNK", 7)
    ids = list(Firm.objects.order_by("id").values_list("id", flat=True))
    writer = FirmWriter()
    over = threading.Event()
    over.set()
    writer.prefetch(stop=over)
    firms, last = writer.prefetched[2], writer.prefetched[3]
    assert sorted(firm_id for firm_id, _values, _blanked in firms.values()) == ids[:7]
    assert last == ids[6]
    writer.prefetch(stop=threading.Event())
    assert len(writer.prefetched[2]) == 20 and writer.prefetched[3] is None
    writer.close()
    assert writer.prefetched is None


@sqlite_only
@pytest.mark.parametrize("named", ["most", "few"])
def test_a_read_ahead_stopped_part_way_is_finished_by_the_writing(db, tmp_path, monkeypatch, named):
    """The rest read in one pass (a file naming most of the directory) or looked up by code (a
    file naming a few firms): the same counts and directory as without a read-ahead."""
    monkeypatch.setattr(firm_writes, "CHUNK", 7)
    original = FirmWriter.prefetch

    def stopped_after_one_batch(self, *, stop):
        over = threading.Event()
        over.set()
        original(self, stop=over)

    insert_firms(synthetic_firms(60, seed=4))
    rows = directory_rows()
    if named == "few":
        rows = [rows[2], rows[30], rows[55]]
    rows[0][1] = "改名甲有限公司"
    rows[-1][3] = "D" if rows[-1][3] != "D" else "A"
    rows.append([make_uscc(region="220104", org_body8="20000003"), "新设有限公司", "220104", "B"])
    results = []
    for read_ahead in (True, False):
        Firm.objects.all().delete()
        insert_firms(synthetic_firms(60, seed=4))
        monkeypatch.setattr(FirmImporter, "prepares", read_ahead)
        monkeypatch.setattr(FirmWriter, "prefetch", stopped_after_one_batch)
        job = run(tmp_path, [HEADER, *rows])
        results.append(((job.status, job.inserted, job.updated, job.unchanged), state()))
    assert results[0] == results[1]
    assert results[0][0] == (Status.DONE, 1, 2, len(rows) - 3)


def reader_threads():
    return [t for t in threading.enumerate() if t.name == "import-reader"]


def test_a_failure_while_reading_ahead_fails_the_import_with_nothing_written(
    db, tmp_path, prepare_first
):
    insert_firms(synthetic_firms(10, seed=3))
    before = state()

    def fail(self, *, reading_done):
        raise RuntimeError("数据库连接中断")

    prepare_first(fail)
    rows = [HEADER, [make_uscc(region="220104", org_body8="20000002"), "新设", "220104", "B"]]
    job = run(tmp_path, rows)
    assert job.status == Status.FAILED
    assert "未导入任何数据" in job.message and "数据库连接中断" in job.message
    assert state() == before
    assert reader_threads() == []


def test_a_file_refused_while_the_directory_is_read_ahead_is_refused_as_usual(
    db, tmp_path, monkeypatch
):
    insert_firms(synthetic_firms(10, seed=3))
    job = run(tmp_path, [["名称", "备注"], ["某公司", "x"]])
    assert job.status == Status.REJECTED
    assert "统一社会信用代码" in job.message
    assert reader_threads() == []


def test_when_both_threads_fail_the_file_s_own_error_is_reported(db, tmp_path, monkeypatch):
    def fail(self, *, reading_done):
        reading_done.wait()  # the reading has failed by now
        raise RuntimeError("数据库连接中断")

    monkeypatch.setattr(FirmImporter, "prepare", fail)
    job = run(tmp_path, [["名称", "备注"], ["某公司", "x"]])
    assert job.status == Status.REJECTED
    assert "统一社会信用代码" in job.message and "数据库连接中断" not in job.message
    assert reader_threads() == []


def test_the_reading_thread_raises_its_own_errors_in_the_importing_thread(monkeypatch):
    from backend.imports.runner import _read_while_preparing

    class Preparing:
        prepares = True
        prepared = False

        def prepare(self, *, reading_done):
            self.prepared = True

    def read(on_checked):
        raise TableError("文件是空的，没有任何内容。", code="empty_file")

    importer = Preparing()
    with pytest.raises(TableError, match="文件是空的"):
        _read_while_preparing(importer, read)
    assert importer.prepared is False  # the reading was over before the check passed

    def read_checked(on_checked):
        on_checked()
        return "the table"

    assert _read_while_preparing(Preparing(), read_checked) == "the table"
    assert reader_threads() == []


def test_an_import_with_the_read_ahead_on_postgresql_or_sqlite_counts_a_re_import_unchanged(
    db, tmp_path
):
    insert_firms(synthetic_firms(30, seed=9))
    rows = [HEADER, *directory_rows()]
    job = run(tmp_path, rows)
    assert (job.status, job.inserted, job.updated, job.unchanged) == (Status.DONE, 0, 0, 30)
    assert "未变化 30" in job.message
    assert connection.vendor in ("sqlite", "postgresql")


def _known(**changes):
    """A firm as the read-ahead holds it: (id, values, the same _blanked)."""
    values = dict(
        uscc="91220104MA17XKQ648", name="某公司", target_type="enterprise", region_code="220104",
        industry_code="", address="", legal_representative="", registered_on=None,
        status="active", risk_class="B", abnormal_operation=False, serious_violation=False,
        complaints=False,
    )  # fmt: skip
    old = tuple({**values, **changes}[column] for column in firm_writes.COLUMNS)
    return (7, old, firm_writes._blanked(old))


def _row(**values):
    """A row of a file that names the code and the name and says `values` of the rest."""
    given = {"uscc": "91220104MA17XKQ648", "name": "某公司", "region_code": "220104", **values}
    return FirmRecord(values=tuple(given.get(column) for column in firm_writes.COLUMNS), tags={})


@pytest.mark.parametrize(
    ("firm", "row", "changed"),
    [
        # Empty cells over the empty defaults: the comparison with the blanked values says so.
        ({}, {}, None),
        ({}, {"target_type": "enterprise", "status": "active", "risk_class": "B"}, None),
        # Empty cells over values: the firm keeps them (the longer way, _merged).
        ({"industry_code": "C13", "abnormal_operation": True, "address": "长春"}, {}, None),
        # The same values written out, false flags included.
        ({"abnormal_operation": True}, {"abnormal_operation": True, "complaints": False}, None),
        # Values that differ from the empty defaults, and from values.
        ({}, {"industry_code": "C13"}, {"industry_code": "C13"}),
        ({}, {"complaints": True}, {"complaints": True}),
        (
            {"abnormal_operation": True},
            {"abnormal_operation": False},
            {"abnormal_operation": False},
        ),
        ({"address": "长春"}, {"address": "吉林"}, {"address": "吉林"}),
        ({}, {"name": "新名称"}, {"name": "新名称"}),
    ],
)
def test_the_read_ahead_comparison_changes_exactly_what_the_row_changes(firm, row, changed):
    """A row equal to the firm once its empty defaults read as empty cells changes nothing; any
    other row is merged as before (a firm whose value is not the default keeps it under an empty
    cell; a false flag over a true one changes it)."""
    known = _known(**firm)
    matched, found = {}, []
    firm_writes._compare_known([_row(**row)], {known[1][0]: known}, matched, found)
    assert matched == {known[1][0]: 7}
    if changed is None:
        assert found == []
    else:
        expected = dict(zip(firm_writes.COLUMNS, known[1], strict=True)) | changed
        assert found == [(7, *(expected[c] for c in firm_writes.COLUMNS[1:]))]
