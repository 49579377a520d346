"""dr1's fast readers (a pool file a block of lines at a time, for pools of millions of rows)
give exactly what the row-by-row readers give: the same rows, counts and picks, and for a
malformed file the same error, wherever the blocks happen to end."""

from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspections.draws import dr1

SEED = "5" * 64
# Small blocks put boundaries everywhere: inside the header, between rows, inside a key.
BLOCK_SIZES = st.sampled_from([1, 7, 23, 64, 1 << 20])

keys = st.text(alphabet=st.sampled_from("0123456789ABCDXY京沪é-_ "), min_size=1, max_size=12)
rows = st.lists(
    st.builds(
        dr1.PoolRow,
        key=keys,
        stratum=st.sampled_from(["A", "B", "C", "D", "丙"]),
        excluded=st.sampled_from(["", "", "", "deregistered", "recent-inspection"]),
    ),
    max_size=60,
    unique_by=lambda row: row.key,
)


def _reference_draw(pool_bytes, quota):
    return dr1.draw_firms(seed=SEED, pool_rows=dr1.parse_pool(pool_bytes), quota=quota)


def _error(function, *args, **kwargs):
    try:
        return ("ok", function(*args, **kwargs))
    except (dr1.DrawError, TypeError, ValueError, UnicodeError) as exc:
        return (type(exc).__name__, str(exc))


@settings(max_examples=150, deadline=None)
@given(pool=rows, block=BLOCK_SIZES, data=st.data())
def test_the_fast_firms_draw_picks_what_the_plain_definition_picks(pool, block, data):
    data_bytes = dr1.format_pool(pool)
    eligible = dr1.eligible_counts(pool)
    quota = {s: data.draw(st.integers(0, n), label=s) for s, n in sorted(eligible.items())}
    with mock.patch.object(dr1, "_BLOCK_BYTES", block):
        fast = dr1._draw_firms_from_file(seed=SEED, pool_bytes=data_bytes, quota=quota)
        summary = dr1.pool_summary(data_bytes)
        parsed = dr1.parse_pool(data_bytes)
    assert fast == _reference_draw(data_bytes, quota)
    performed = dr1._perform({"purpose": "firms", "quota": quota}, SEED, data_bytes, None, None)
    assert performed == dr1.format_firms_result(fast)
    assert summary == dr1.PoolSummary(len(pool), eligible)
    assert parsed == sorted(pool, key=lambda row: row.key)
    assert data_bytes == dr1._format_pool_row_by_row(sorted(pool, key=lambda row: row.key))


@settings(max_examples=300, deadline=None)
@given(pool=rows, block=BLOCK_SIZES, data=st.data())
def test_a_damaged_pool_file_is_refused_with_the_row_by_row_readers_error(pool, block, data):
    good = dr1.format_pool(pool)
    position = data.draw(st.integers(0, len(good)), label="position")
    damage = data.draw(
        st.sampled_from([b",", b"\n", b"", b'"', b"\r", b"\xff", b"\xe4", b"x", b",,", b"\n\n"]),
        label="damage",
    )
    cut = data.draw(st.integers(0, 2), label="cut")
    damaged = good[:position] + damage + good[position + cut :]
    with mock.patch.object(dr1, "_BLOCK_BYTES", block):
        fast = _error(dr1.parse_pool, damaged)
        summary = _error(dr1.pool_summary, damaged)
    reference = _error(dr1._parse_pool_row_by_row, damaged)
    assert fast == reference
    if reference[0] == "ok":
        assert summary == (
            "ok",
            dr1.PoolSummary(len(reference[1]), dr1.eligible_counts(reference[1])),
        )
    else:
        assert summary == reference


@pytest.mark.parametrize(
    "bad",
    [
        [dr1.PoolRow("K1", "A"), dr1.PoolRow("K1", "B")],
        [dr1.PoolRow("K,1", "A")],
        [dr1.PoolRow("", "A")],
        [dr1.PoolRow("K1", "")],
        [dr1.PoolRow("K1", "A", "近期检查")],
        [dr1.PoolRow(5, "A")],
        [dr1.PoolRow("K\n1", "A")],
    ],
)
def test_format_pool_refuses_what_it_always_refused(bad):
    assert _error(dr1.format_pool, bad) == _error(dr1._format_pool_row_by_row, bad)
    assert _error(dr1.format_pool, bad)[0] != "ok"


def test_a_quota_the_pool_cannot_meet_is_refused_as_before():
    pool = dr1.format_pool([dr1.PoolRow(f"K{i}", "A") for i in range(3)])
    for quota in ({"A": 4}, {"A": 1, "B": 1}, {}, {"A": -1}):
        fast = _error(dr1._draw_firms_from_file, seed=SEED, pool_bytes=pool, quota=quota)
        assert fast == _error(_reference_draw, pool, quota)
        assert fast[0] == "QuotaError"


def test_an_unlucky_cut_off_is_raised_until_the_quota_is_met():
    pool_rows = [dr1.PoolRow(f"K{i:04d}", "A") for i in range(2000)]
    pool = dr1.format_pool(pool_rows)
    reference = _reference_draw(pool, {"A": 300})
    # A cut-off guessed far too low keeps too few candidates; the draw must notice and read on.
    with mock.patch.object(dr1, "_first_guess", lambda count: 1):
        assert dr1._draw_firms_from_file(seed=SEED, pool_bytes=pool, quota={"A": 300}) == reference


def test_progress_is_told_how_much_of_the_pool_was_read():
    pool = dr1.format_pool([dr1.PoolRow(f"K{i:04d}", "AB"[i % 2]) for i in range(500)])
    seen = []
    with mock.patch.object(dr1, "_BLOCK_BYTES", 1000):
        dr1._draw_firms_from_file(
            seed=SEED,
            pool_bytes=pool,
            quota={"A": 5, "B": 5},
            progress=lambda done, total: seen.append((done, total)),
        )
    assert len(seen) > 3
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert seen[-1] == (len(pool), len(pool))


@settings(max_examples=60, deadline=None)
@given(pool=rows, block=BLOCK_SIZES, parts=st.integers(1, 5), data=st.data())
def test_a_pool_read_in_pieces_gives_the_same_draw_and_counts(pool, block, parts, data):
    data_bytes = dr1.format_pool(pool)
    eligible = dr1.eligible_counts(pool)
    quota = {s: data.draw(st.integers(0, n), label=s) for s, n in sorted(eligible.items())}
    with mock.patch.object(dr1, "_BLOCK_BYTES", block), mock.patch.object(dr1, "_PIECE_BYTES", 0):
        pieces = dr1._pool_pieces(data_bytes, parts)
        fast = dr1._draw_firms_from_file(seed=SEED, pool_bytes=data_bytes, quota=quota, parts=parts)
        summary = dr1.pool_summary(data_bytes, parts=parts)
    assert len(pieces) <= parts
    assert fast == _reference_draw(data_bytes, quota)
    assert summary == dr1.PoolSummary(len(pool), eligible)


def test_keys_out_of_order_across_pieces_are_refused_as_before():
    rows = [dr1.PoolRow(f"K{i:04d}", "A") for i in range(400)]
    good = dr1.format_pool(rows)
    # Swap two lines far apart: each piece alone is sorted, the seam is not.
    lines = good.split(b"\n")
    lines[2], lines[390] = lines[390], lines[2]
    bad = b"\n".join(lines)
    with mock.patch.object(dr1, "_PIECE_BYTES", 0):
        for parts in (1, 2, 4):
            assert _error(dr1.pool_summary, bad, parts=parts) == _error(
                dr1._parse_pool_row_by_row, bad
            )
            draw = _error(dr1._draw_firms_from_file, seed=SEED, pool_bytes=bad, quota={"A": 3})
            assert draw == _error(dr1._parse_pool_row_by_row, bad)


@settings(max_examples=80, deadline=None)
@given(pool=rows, data=st.data())
def test_eligible_counts_given_by_the_caller_never_change_the_draw(pool, data):
    """They only size the first cut-offs: right, wrong or missing, the picks are the same."""
    data_bytes = dr1.format_pool(pool)
    eligible = dr1.eligible_counts(pool)
    quota = {s: data.draw(st.integers(0, n), label=s) for s, n in sorted(eligible.items())}
    told = data.draw(
        st.one_of(
            st.just(eligible),
            st.just({}),
            st.dictionaries(
                st.sampled_from(["A", "B", "C", "D", "丙", "Z"]), st.integers(0, 10**6)
            ),
        ),
        label="told",
    )
    fast = dr1._draw_firms_from_file(seed=SEED, pool_bytes=data_bytes, quota=quota, eligible=told)
    assert fast == _reference_draw(data_bytes, quota)


@settings(max_examples=60, deadline=None)
@given(pool=rows, parts=st.integers(2, 4), head_start=st.integers(0, 5000))
def test_a_head_start_makes_the_first_piece_longer_and_changes_nothing_else(
    pool, parts, head_start
):
    data_bytes = dr1.format_pool(pool)
    header = len(dr1.POOL_HEADER) + 1

    class Mapped:  # a map_parts that says its other pieces start late
        def __init__(self):
            self.head_start = head_start

        def __call__(self, function, jobs):
            return list(map(function, jobs))

    with mock.patch.object(dr1, "_PIECE_BYTES", 0):
        even = dr1._pool_pieces(data_bytes, parts)
        pieces = dr1._pool_pieces(data_bytes, parts, head_start)
        summary = dr1.pool_summary(data_bytes, parts=parts, map_parts=Mapped())
    # The same file, cut elsewhere: the first piece no shorter than when cut evenly.
    assert pieces[0] + b"".join(piece[header:] for piece in pieces[1:]) == data_bytes
    assert len(pieces[0]) >= len(even[0])
    assert summary == dr1.pool_summary(data_bytes)
