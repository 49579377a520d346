"""A large draw read in pieces by child processes (inspections.draws.draw_parallel) gives exactly
the draw and the counts read in one process, and a child that fails changes nothing."""

from unittest import mock

import pytest

from inspections.draws import dr1, draw_parallel

SEED = "7" * 64


def _pool(n=3000):
    rows = [
        dr1.PoolRow(f"9122{i:014d}", "ABCD"[i % 4], "deregistered" if i % 9 == 0 else "")
        for i in range(n)
    ]
    return dr1.format_pool(rows)


def test_pieces_read_in_child_processes_give_the_same_draw():
    pool = _pool()
    quota = {s: n // 20 for s, n in dr1.pool_summary(pool).eligible.items()}
    alone = dr1._draw_firms_from_file(seed=SEED, pool_bytes=pool, quota=quota)
    with mock.patch.object(dr1, "_PIECE_BYTES", 0):
        spread = dr1._draw_firms_from_file(
            seed=SEED,
            pool_bytes=pool,
            quota=quota,
            parts=3,
            map_parts=draw_parallel.in_processes,
        )
        summary = dr1.pool_summary(pool, parts=3, map_parts=draw_parallel.in_processes)
    assert spread == alone
    assert summary == dr1.pool_summary(pool)


def test_a_child_that_fails_has_its_piece_read_here(caplog):
    pool = _pool()
    with (
        mock.patch.object(dr1, "_PIECE_BYTES", 0),
        mock.patch.object(draw_parallel, "CHILD", "raise SystemExit(3)"),
    ):
        summary = dr1.pool_summary(pool, parts=2, map_parts=draw_parallel.in_processes)
    assert summary == dr1.pool_summary(pool)
    assert "its piece is read here" in caplog.text


def test_in_processes_keeps_the_order_of_the_jobs():
    assert draw_parallel.in_processes(_tenfold, [(i,) for i in range(4)]) == [0, 10, 20, 30]


def _tenfold(job):
    return job[0] * 10


def test_workers_started_ahead_give_the_same_draw():
    pool = _pool()
    quota = {s: n // 20 for s, n in dr1.pool_summary(pool).eligible.items()}
    alone = dr1._draw_firms_from_file(seed=SEED, pool_bytes=pool, quota=quota)
    with mock.patch.object(dr1, "_PIECE_BYTES", 0), draw_parallel.Workers(2) as workers:
        spread = dr1._draw_firms_from_file(
            seed=SEED, pool_bytes=pool, quota=quota, parts=3, map_parts=workers
        )
    assert spread == alone


def test_workers_do_what_they_are_not_given_here_and_end_those_not_needed():
    with draw_parallel.Workers(3) as workers:
        processes = [child.process for child in workers.children]
        assert workers(_tenfold, [(1,), (2,)]) == [10, 20]
    assert all(process.poll() is not None for process in processes)
    with draw_parallel.Workers(1) as workers:
        assert workers(_tenfold, [(i,) for i in range(4)]) == [0, 10, 20, 30]
    assert draw_parallel.Workers(0)(_tenfold, [(5,)]) == [50]


def test_a_worker_that_died_before_its_job_has_it_done_here(caplog):
    with mock.patch.object(draw_parallel, "CHILD", "raise SystemExit(3)"):
        workers = draw_parallel.Workers(1)
    workers.children[0].process.wait()
    with workers:
        assert workers(_tenfold, [(1,), (2,)]) == [10, 20]
    assert "its piece is read here" in caplog.text


def test_workers_unused_because_of_an_error_are_ended():
    with pytest.raises(ZeroDivisionError), draw_parallel.Workers(2) as workers:
        processes = [child.process for child in workers.children]
        workers(_divide, [(0,), (1,), (2,)])
    assert all(process.poll() is not None for process in processes)


def _divide(job):
    return 1 / job[0]
