"""On PostgreSQL a large import writes from a second thread while the file is read. The same
promises hold: the counts, nothing written when the file is refused, a dry run or a crash."""

import pytest

from backend.audit.models import AuditEvent
from backend.audit.verification import verify_chain
from backend.imports.models import Mode, Status
from inspections.directory import firm_import
from inspections.directory.models import Firm
from tests.inspections.directory.test_firm_import import BAD, GOOD, HEADER, A, run

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _parallel(settings, monkeypatch):
    settings.IMPORTS_PARALLEL_WRITES = True
    # Small chunks, so that even a short file is written in several.
    monkeypatch.setattr("backend.imports.runner.CHUNK_ROWS", 2)


def test_the_parallel_writer_imports_and_reimports_unchanged(tmp_path):
    job = run(tmp_path, GOOD)
    assert job.status == Status.DONE, job.message
    assert (job.inserted, job.updated, job.unchanged) == (3, 0, 0)
    again = run(tmp_path, GOOD)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    assert Firm.objects.count() == 3
    assert AuditEvent.objects.filter(action="import.firms").count() == 2
    assert verify_chain().ok


def test_a_refused_file_leaves_nothing_behind(tmp_path):
    job = run(tmp_path, BAD)
    assert job.status == Status.REJECTED
    assert not Firm.objects.exists()


def test_valid_only_commits_the_valid_rows(tmp_path):
    job = run(tmp_path, BAD, mode=Mode.VALID_ONLY)
    assert (job.status, job.inserted, job.rejected) == (Status.DONE, 1, 5)
    assert Firm.objects.count() == 1


def test_a_dry_run_writes_nothing(tmp_path):
    job = run(tmp_path, GOOD, dry_run=True)
    assert (job.status, job.inserted) == (Status.DONE, 3)
    assert not Firm.objects.exists()


def test_a_crash_in_the_writer_rolls_everything_back(tmp_path, monkeypatch):
    run(tmp_path, GOOD)
    calls = {"n": 0}
    original = firm_import.FirmImporter.write_chunk

    def crash_on_second(self, records):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("连接中断")
        return original(self, records)

    monkeypatch.setattr(firm_import.FirmImporter, "write_chunk", crash_on_second)
    job = run(tmp_path, [HEADER, [A, "改名公司", "220104", "", "", "D", "", ""], *GOOD[2:]])
    assert job.status == Status.FAILED
    assert "已全部撤销" in job.message
    assert Firm.objects.get(uscc=A).name == "长春华信汽车零部件有限公司"


def test_a_first_load_rebuilds_every_index_it_set_aside(tmp_path, monkeypatch):
    from django.db import connection

    from inspections.directory import firm_writes

    def indexes():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE tablename = 'inspections_firm' ORDER BY 1"
            )
            return cursor.fetchall()

    dropped = []
    original = firm_writes.drop_postgresql_indexes

    def drop(table):
        dropped.append(original(table))
        return dropped[-1]

    monkeypatch.setattr(firm_writes, "drop_postgresql_indexes", drop)
    before = indexes()
    assert any("USING gin" in definition for _name, definition in before)
    assert run(tmp_path, GOOD).status == Status.DONE
    assert indexes() == before
    # Set aside during the load: the name's GIN index and the filters' B-trees; kept: the
    # unique ones (primary key, codes) and the flags' partial ones.
    names = {definition.split()[2] for definition in dropped[0]}
    assert {"firm_name_trgm", "firm_region_idx", "firm_status_idx"} <= names
    assert not any("UNIQUE" in d or " WHERE " in d for d in dropped[0])
    Firm.objects.all().delete()
    assert run(tmp_path, GOOD, dry_run=True).status == Status.DONE
    assert indexes() == before
