"""The pool file numpy writes from fixed-width records (inspections.draws.pool_records) is byte for
byte the file dr1 writes from the same rows, with dr1's counts; and whatever it does not take it
refuses (None), for the general way to build."""

from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from inspections.draws import dr1, pool_records

STRATA = {"A": "S3", "B": "S1", "C": "S4", "D": "S2"}
REASONS = ["", "deregistered", "revoked", "cancelled", "moved-out", "recent-inspection"]
CODE = pool_records.digits(REASONS)

# Keys that share long prefixes (as codes of one region do) and differ near the end, so that
# the sort's ties on its first integer are common.
keys = st.builds(
    lambda prefix, tail: (prefix + tail)[:18].ljust(18, "0"),
    st.sampled_from(["91220102", "91220102MA", "9122010200000000", "12", "Y9"]),
    st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=0, max_size=18),
)
rows = st.lists(
    st.tuples(keys, st.sampled_from("ABCD"), st.sampled_from(REASONS)),
    max_size=80,
    unique_by=lambda row: row[0],
)


def _records(rows) -> bytes:
    return b"".join(f"{key}{risk}{CODE[reason]}".encode() for key, risk, reason in rows)


def _expected(rows):
    pool = [dr1.PoolRow(key, STRATA[risk], reason) for key, risk, reason in rows]
    data = dr1.format_pool(pool)
    return data, dr1.PoolSummary(len(pool), dr1.eligible_counts(pool))


@settings(max_examples=200, deadline=None)
@given(rows=rows, slice_rows=st.sampled_from([1, 3, 1 << 18]), threads=st.integers(1, 3))
def test_the_file_is_the_one_dr1_writes_from_the_same_rows(rows, slice_rows, threads):
    with mock.patch.object(pool_records, "SLICE_ROWS", slice_rows):
        built = pool_records.pool_file(_records(rows), len(rows), STRATA, REASONS, threads=threads)
    assert built == _expected(rows)
    data, summary = built
    assert dr1.pool_summary(data) == summary


def test_without_labels_the_classes_are_the_strata():
    rows = [("91220102000000001X", "C", ""), ("91220102000000000X", "A", "revoked")]
    data, summary = pool_records.pool_file(_records(rows), 2, {c: c for c in "ABCD"}, REASONS)
    assert data == b"key,stratum,excluded\n91220102000000000X,A,revoked\n91220102000000001X,C,\n"
    assert summary == dr1.PoolSummary(2, {"C": 1})


def test_an_empty_scope_is_the_header_alone():
    assert pool_records.pool_file(b"", 0, STRATA, REASONS) == (
        b"key,stratum,excluded\n",
        dr1.PoolSummary(0, {}),
    )


GOOD = ("91220102000000001X", "A", "")


def _refused(records: bytes, count: int, strata=STRATA, reasons=REASONS) -> bool:
    return pool_records.pool_file(records, count, strata, reasons) is None


def test_what_it_does_not_take_it_refuses():
    good = _records([GOOD])
    assert not _refused(good, 1)
    # Keys: a lower-case letter, a separator, a quote, a byte outside ASCII, a key twice.
    for key in ("91220102000000001x", "9122010200000,001X", '9122010200000"001X'):
        assert _refused(_records([(key, "A", "")]), 1)
    assert _refused("91220102000000001é".encode()[:18] + b"A0", 1)
    assert _refused(good + good, 2)
    # A class or a reason it was not told of, a record of the wrong width, a wrong count.
    assert _refused(b"91220102000000001XE0", 1)
    assert _refused(b"91220102000000001XA7", 1)
    assert _refused(b"91220102000000001XA#", 1)
    assert _refused(good[:-1], 1)
    assert _refused(good, 2)
    # Classes that are not one character, reasons without "" (eligible), a zero byte.
    assert _refused(good, 1, strata={"AA": "S1"})
    assert _refused(good, 1, reasons=["deregistered"])
    assert _refused(good, 1, strata={"A": "S\0"})
