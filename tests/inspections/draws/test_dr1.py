"""DR-1, the public draw contract: vectors, refusals, quotas, standalone verifier, properties."""

import copy
import json
import shutil
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspections.draws import dr1
from inspections.planning import rules

VECTORS = Path(__file__).parent / "vectors"
VERIFIER = Path(__file__).resolve().parents[3] / "inspections" / "draws" / "verify_draw.py"


def vector(name: str) -> bytes:
    return (VECTORS / name).read_bytes()


def announcement(purpose: str) -> dict:
    return dr1.parse_json(vector(f"{purpose}.announcement.json"))


def reveal(purpose: str) -> dict:
    return dr1.parse_json(vector(f"{purpose}.reveal.json"))


def published_seeds() -> dict[str, str]:
    lines = vector("seeds.txt").decode().splitlines()
    return dict(line.split() for line in lines if line.strip())


def teams_extra_files() -> dict[str, bytes]:
    return {
        "conflicts_bytes": vector("teams.conflicts.csv"),
        "firms_result_bytes": vector("firms.result.csv"),
    }


# --- The published vectors ------------------------------------------------------------------


@pytest.mark.parametrize("purpose", ["firms", "teams"])
def test_published_seeds_are_reproduced(purpose):
    assert dr1.compute_seed(announcement(purpose), reveal(purpose)) == published_seeds()[purpose]


def test_firms_vector_is_reproduced_byte_for_byte():
    result = dr1.compute_result(announcement("firms"), reveal("firms"), vector("firms.pool.csv"))
    assert result == vector("firms.result.csv")


def test_teams_vector_is_reproduced_byte_for_byte():
    result = dr1.compute_result(
        announcement("teams"), reveal("teams"), vector("teams.pool.csv"), **teams_extra_files()
    )
    assert result == vector("teams.result.csv")


def test_teams_vector_respects_its_conflict_and_its_cap():
    ann = announcement("teams")
    seats = dr1.parse_teams_result(vector("teams.result.csv"))
    conflicts = dr1.parse_conflicts(vector("teams.conflicts.csv"))
    assert not {(s.officer, s.firm) for s in seats} & conflicts
    assert max(Counter(s.officer for s in seats).values()) == ann["cap"]


@pytest.mark.parametrize("purpose", ["firms", "teams"])
def test_pool_files_match_their_announced_digest_and_size(purpose):
    pool = vector(f"{purpose}.pool.csv")
    assert dr1.sha256_hex(pool) == announcement(purpose)["pool_sha256"]
    assert len(dr1.parse_pool(pool)) == announcement(purpose)["pool_size"]


def test_teams_announcement_binds_the_conflicts_file_and_the_firms_result():
    ann = announcement("teams")
    assert dr1.sha256_hex(vector("teams.conflicts.csv")) == ann["conflicts_sha256"]
    assert dr1.sha256_hex(vector("firms.result.csv")) == ann["firms_result_sha256"]


@pytest.mark.parametrize(
    ("name", "parse", "format_"),
    [
        ("firms.pool.csv", dr1.parse_pool, dr1.format_pool),
        ("teams.pool.csv", dr1.parse_pool, dr1.format_pool),
        ("teams.conflicts.csv", dr1.parse_conflicts, dr1.format_conflicts),
        ("firms.result.csv", dr1.parse_firms_result, dr1.format_firms_result),
        ("teams.result.csv", dr1.parse_teams_result, dr1.format_teams_result),
    ],
)
def test_vector_files_survive_parse_and_format_unchanged(name, parse, format_):
    assert format_(parse(vector(name))) == vector(name)


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs coreutils sha256sum")
def test_a_firm_ticket_equals_what_sha256sum_prints_in_a_shell():
    seed = published_seeds()["firms"]
    pick = dr1.parse_firms_result(vector("firms.result.csv"))[0]
    shell = subprocess.run(
        ["sh", "-c", "printf '%s' \"$1\" | sha256sum", "sh", f"{seed}:firms:{pick.key}"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert shell.stdout.split()[0] == pick.ticket == dr1.ticket(seed, "firms", pick.key)


@pytest.mark.parametrize("purpose", ["firms", "teams"])
def test_verify_accepts_both_published_vectors(purpose):
    extra = teams_extra_files() if purpose == "teams" else {}
    report = dr1.verify(
        announcement(purpose),
        reveal(purpose),
        vector(f"{purpose}.pool.csv"),
        vector(f"{purpose}.result.csv"),
        extra.get("conflicts_bytes"),
        extra.get("firms_result_bytes"),
    )
    assert report.ok, report.problems
    assert report.seed == published_seeds()[purpose]
    assert "result recomputed byte for byte" in report.checks


# --- Files as a database returns them ---------------------------------------------------------


@pytest.mark.parametrize("purpose", ["firms", "teams"])
def test_a_draw_reads_its_files_from_any_bytes_like_value(purpose):
    """A binary column may come back as a memoryview (psycopg2 returns bytea so): the same
    draw, the same checks."""
    extra = {
        k: memoryview(v) for k, v in (teams_extra_files() if purpose == "teams" else {}).items()
    }
    pool = vector(f"{purpose}.pool.csv")
    result = dr1.compute_result(announcement(purpose), reveal(purpose), memoryview(pool), **extra)
    assert result == vector(f"{purpose}.result.csv")
    report = dr1.verify(
        announcement(purpose), reveal(purpose), memoryview(pool), memoryview(result), **extra
    )
    assert report.ok, report.problems
    assert dr1.parse_pool(memoryview(pool)) == dr1.parse_pool(pool)
    assert dr1.pool_summary(memoryview(pool)) == dr1.pool_summary(pool)


@pytest.mark.parametrize(
    "name, parse",
    [
        ("teams.conflicts.csv", dr1.parse_conflicts),
        ("firms.result.csv", dr1.parse_firms_result),
        ("teams.result.csv", dr1.parse_teams_result),
    ],
)
def test_every_file_parses_from_a_memoryview(name, parse):
    assert parse(memoryview(vector(name))) == parse(vector(name))


@pytest.mark.parametrize(
    "read, what",
    [
        (dr1.parse_pool, "pool"),
        (dr1.pool_summary, "pool"),
        (lambda data: dr1.compute_result(announcement("firms"), reveal("firms"), data), "pool"),
        (dr1.parse_conflicts, "conflicts"),
        (dr1.parse_firms_result, "firms result"),
        (dr1.parse_teams_result, "teams result"),
    ],
)
def test_a_missing_file_is_named_rather_than_misread(read, what):
    with pytest.raises(
        TypeError, match=f"^{what} file is missing \\(None instead of its bytes\\)$"
    ):
        read(None)


def test_a_file_given_as_text_is_refused_by_its_name():
    with pytest.raises(TypeError, match="^pool file must be bytes-like, got str$"):
        dr1.parse_pool("key,stratum,excluded\n")


# --- Refusals -------------------------------------------------------------------------------


def test_a_nonce_that_does_not_match_the_commitment_is_rejected():
    wrong = dict(reveal("firms"), nonce="00" * 31 + "02")
    with pytest.raises(dr1.NonceMismatch) as caught:
        dr1.compute_seed(announcement("firms"), wrong)
    assert caught.value.code == "nonce-mismatch"


def test_a_nonce_in_another_spelling_is_rejected():
    # Upper-case hex names the same bytes but would change the reveal's digest, hence the seed.
    nonce = bytes.fromhex("ab" * 32)
    ann = dict(announcement("firms"), nonce_sha256=dr1.sha256_hex(nonce))
    shouting = dict(dr1.make_reveal(nonce, ["1", "2"]), nonce=nonce.hex().upper())
    with pytest.raises(dr1.RevealError) as caught:
        dr1.compute_seed(ann, shouting)
    assert caught.value.code == "nonce-format"


@pytest.mark.parametrize("values", [[], ["314159"], ["314159", "x", "extra"]])
def test_a_reveal_with_the_wrong_number_of_witness_values_is_rejected(values):
    wrong = dict(reveal("firms"), witness_values=values)
    with pytest.raises(dr1.WitnessCountMismatch) as caught:
        dr1.compute_seed(announcement("firms"), wrong)
    assert caught.value.code == "witness-count"
    assert "2" in str(caught.value)


def test_an_announcement_with_an_unknown_field_is_rejected():
    ann = dict(announcement("firms"), note="added later")
    with pytest.raises(dr1.AnnouncementError):
        dr1.compute_seed(ann, reveal("firms"))


def test_a_quota_over_the_eligible_count_is_rejected():
    pool = dr1.parse_pool(vector("firms.pool.csv"))
    seed = published_seeds()["firms"]
    # Stratum A has four rows, but one is excluded (recent-inspection).
    with pytest.raises(dr1.QuotaError) as caught:
        dr1.draw_firms(seed=seed, pool_rows=pool, quota={"A": 4, "B": 1, "C": 1})
    assert caught.value.code == "quota-exceeds-eligible"
    dr1.draw_firms(seed=seed, pool_rows=pool, quota={"A": 3, "B": 1, "C": 1})


def test_a_stratum_without_a_quota_is_rejected_rather_than_skipped():
    pool = dr1.parse_pool(vector("firms.pool.csv"))
    with pytest.raises(dr1.QuotaError) as caught:
        dr1.draw_firms(seed=published_seeds()["firms"], pool_rows=pool, quota={"A": 1, "B": 1})
    assert caught.value.code == "quota-missing"


def test_a_team_shortfall_names_the_firm_the_department_and_the_missing_seats():
    pool = dr1.parse_pool(vector("teams.pool.csv"))
    with pytest.raises(dr1.TeamShortfall) as caught:
        dr1.draw_teams(
            seed=published_seeds()["teams"],
            firms=["F1", "F2"],
            pool_rows=pool,
            team={"GA": 1, "KJ": 3},  # KJ has only two eligible officers (KJ-0003 expired)
            cap=5,
            conflicts=set(),
        )
    shortfall = caught.value
    assert (shortfall.firm, shortfall.department, shortfall.missing) == ("F1", "KJ", 1)
    assert "企业 F1 的 KJ 部门缺少 1 个执法人员席位" in str(shortfall)


def test_the_cap_can_cause_a_shortfall_on_a_later_firm():
    pool = [dr1.PoolRow("GA-1", "GA"), dr1.PoolRow("GA-2", "GA")]
    with pytest.raises(dr1.TeamShortfall) as caught:
        dr1.draw_teams(
            seed="0" * 64,
            firms=["F1", "F2", "F3"],
            pool_rows=pool,
            team={"GA": 1},
            cap=1,
            conflicts=set(),
        )
    assert (caught.value.firm, caught.value.missing) == ("F3", 1)


def test_verify_reports_a_tampered_result():
    tampered = vector("firms.result.csv").replace(b"A,2,", b"A,3,")
    report = dr1.verify(announcement("firms"), reveal("firms"), vector("firms.pool.csv"), tampered)
    assert not report.ok
    assert "line 3" in report.problems[0]


def test_verify_reports_a_pool_that_is_not_the_announced_one():
    pool = vector("firms.pool.csv").replace(b"recent-inspection", b"")
    report = dr1.verify(announcement("firms"), reveal("firms"), pool, vector("firms.result.csv"))
    assert not report.ok
    assert any("pool_sha256" in problem for problem in report.problems)


def test_verify_of_a_teams_draw_needs_the_conflicts_and_firms_result_files():
    report = dr1.verify(
        announcement("teams"), reveal("teams"), vector("teams.pool.csv"), vector("teams.result.csv")
    )
    assert not report.ok


# --- Files ----------------------------------------------------------------------------------


def test_format_pool_sorts_rows_by_utf8_bytes_of_the_key():
    rows = [dr1.PoolRow("b", "S"), dr1.PoolRow("é", "S"), dr1.PoolRow("a", "S", "off-duty")]
    assert dr1.format_pool(rows) == "key,stratum,excluded\na,S,off-duty\nb,S,\né,S,\n".encode()


def test_format_pool_rejects_duplicate_keys():
    with pytest.raises(ValueError, match="duplicate"):
        dr1.format_pool([dr1.PoolRow("a", "S"), dr1.PoolRow("a", "T")])


@pytest.mark.parametrize("bad", ["a,b", 'a"b', "a\rb", "a\nb"])
def test_format_pool_rejects_separators_quotes_and_line_breaks_in_fields(bad):
    with pytest.raises(ValueError, match="forbidden"):
        dr1.format_pool([dr1.PoolRow(bad, "S")])
    with pytest.raises(ValueError, match="forbidden"):
        dr1.format_pool([dr1.PoolRow("k", bad)])
    with pytest.raises(ValueError, match="forbidden"):
        dr1.format_conflicts([("officer", bad)])


@pytest.mark.parametrize(
    "data",
    [
        b"key,stratum,excluded\nb,S,\na,S,\n",  # not sorted
        b"key,stratum,excluded\na,S,\na,S,\n",  # duplicate
        b"key,stratum,excluded\r\na,S,\r\n",  # CRLF
        b"key,stratum,excluded\na,S,",  # no final newline
        b"key,stratum\na,S\n",  # wrong header
        b"key,stratum,excluded\na,S\n",  # missing field
    ],
)
def test_parse_pool_insists_on_the_canonical_form(data):
    with pytest.raises(dr1.FileFormatError):
        dr1.parse_pool(data)


def test_canonical_json_sorts_keys_and_keeps_chinese_as_itself():
    assert (
        dr1.canonical_json({"b": 1, "a": ["纪检监督员"]}) == '{"a":["纪检监督员"],"b":1}'.encode()
    )


def test_canonical_json_refuses_floats():
    with pytest.raises(TypeError):
        dr1.canonical_json({"quota": {"A": 0.05}})


def test_parse_json_refuses_duplicate_keys():
    with pytest.raises(ValueError, match="duplicate"):
        dr1.parse_json(b'{"nonce": "a", "nonce": "b"}')


def test_a_fresh_nonce_and_its_reveal_give_a_seed():
    nonce = dr1.new_nonce()
    ann = dict(announcement("firms"), nonce_sha256=dr1.sha256_hex(nonce))
    seed = dr1.compute_seed(ann, dr1.make_reveal(nonce, ["1", "2"]))
    assert len(seed) == 64 and seed != published_seeds()["firms"]


# --- Quotas ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "ratio", "quota"),
    [
        (100, "0.05", 5),
        (3, "0.333", 1),
        (10, "0.21", 3),  # ceil(2.1)
        (100, "0.07", 7),  # as floats, 100 * 0.07 == 7.000000000000001, whose ceiling is 8
        (100, "0.55", 55),  # as floats, 55.00000000000001
        (7, Decimal("0.1"), 1),
        (0, "0.5", 0),
        (5, "0", 0),
        (5, "1.5", 5),  # capped at n
        (5, 2, 5),
        (10**30, "0.1000000000000000000000000000001", 10**29 + 1),  # beyond 28 digits
    ],
)
def test_quota_from_ratio_is_an_exact_ceiling_capped_at_n(n, ratio, quota):
    assert rules.quota_from_ratio(n, ratio) == quota


def test_quota_from_ratio_refuses_floats():
    with pytest.raises(TypeError, match="float"):
        rules.quota_from_ratio(10, 0.3)


@pytest.mark.parametrize("ratio", ["-0.1", "NaN", "Infinity", "abc"])
def test_quota_from_ratio_refuses_negative_and_non_numbers(ratio):
    with pytest.raises(ValueError):
        rules.quota_from_ratio(10, ratio)


# --- The standalone verifier that the public downloads --------------------------------------


FIRMS_FILES = ("firms.announcement.json", "firms.reveal.json", "firms.pool.csv", "firms.result.csv")
TEAMS_FILES = ("teams.announcement.json", "teams.reveal.json", "teams.pool.csv", "teams.result.csv")
TEAMS_OPTIONS = ("--conflicts", "teams.conflicts.csv", "--firms-result", "firms.result.csv")


def download(folder: Path) -> Path:
    """What a member of the public has: the script and the published files, nothing else."""
    shutil.copy(VERIFIER, folder / "verify_draw.py")
    for path in VECTORS.iterdir():
        shutil.copy(path, folder / path.name)
    return folder


def run_verifier(folder: Path, *arguments: str) -> subprocess.CompletedProcess:
    # -I: isolated mode, so neither this project nor its environment is importable.
    return subprocess.run(
        [sys.executable, "-I", "verify_draw.py", *arguments],
        cwd=folder,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )


def test_the_standalone_verifier_does_not_import_the_application():
    source = VERIFIER.read_text(encoding="utf-8")
    assert "inspections" not in source and "dr1" not in source


@pytest.mark.slow
def test_the_standalone_verifier_accepts_the_firms_vector(tmp_path):
    run = run_verifier(download(tmp_path), *FIRMS_FILES)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "验证通过 / VERIFIED" in run.stdout
    assert published_seeds()["firms"] in run.stdout


@pytest.mark.slow
def test_the_standalone_verifier_accepts_the_teams_vector(tmp_path):
    run = run_verifier(download(tmp_path), *TEAMS_FILES, *TEAMS_OPTIONS)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "验证通过 / VERIFIED" in run.stdout


@pytest.mark.slow
def test_the_standalone_verifier_rejects_a_tampered_firms_result(tmp_path):
    folder = download(tmp_path)
    tampered = vector("firms.result.csv").replace(b"91330100799655058B", b"91320000134767006X")
    (folder / "firms.result.csv").write_bytes(tampered)
    run = run_verifier(folder, *FIRMS_FILES)
    assert run.returncode == 1
    assert "NOT VERIFIED" in run.stdout and "line 3" in run.stdout


@pytest.mark.slow
def test_the_standalone_verifier_rejects_a_tampered_teams_result(tmp_path):
    folder = download(tmp_path)
    tampered = vector("teams.result.csv").replace(b"KJ,1,KJ-0002", b"KJ,1,KJ-0001", 1)
    (folder / "teams.result.csv").write_bytes(tampered)
    run = run_verifier(folder, *TEAMS_FILES, *TEAMS_OPTIONS)
    assert run.returncode == 1 and "NOT VERIFIED" in run.stdout


@pytest.mark.slow
def test_the_standalone_verifier_rejects_a_wrong_nonce(tmp_path):
    folder = download(tmp_path)
    wrong = dict(reveal("firms"), nonce="ff" * 32)
    (folder / "firms.reveal.json").write_text(json.dumps(wrong), encoding="utf-8")
    run = run_verifier(folder, *FIRMS_FILES)
    assert run.returncode == 1 and "nonce" in run.stdout


# --- Properties -----------------------------------------------------------------------------

SEEDS = st.binary(min_size=32, max_size=32).map(bytes.hex)
KEYS = st.text(alphabet="09AZaz-é国", min_size=1, max_size=5)


@st.composite
def pools(draw, strata=("A", "B", "C"), max_size=40):
    keys = draw(st.lists(KEYS, unique=True, max_size=max_size))
    return [
        dr1.PoolRow(
            key,
            draw(st.sampled_from(strata)),
            draw(st.sampled_from(["", "", "recent-inspection"])),
        )
        for key in keys
    ]


def naive_firms(seed, pool_rows, quota):
    """The spec's sentence, transcribed with a full sort."""
    picks = []
    for stratum in sorted(quota):
        eligible = [r.key for r in pool_rows if r.stratum == stratum and r.excluded == ""]
        ranked = sorted((dr1.ticket(seed, "firms", key), key) for key in eligible)
        for rank, (ticket, key) in enumerate(ranked[: quota[stratum]], start=1):
            picks.append(dr1.FirmPick(stratum, rank, key, ticket))
    return picks


@settings(deadline=None)
@given(seed=SEEDS, pool_rows=pools(), data=st.data())
def test_draw_firms_meets_quotas_skips_exclusions_and_matches_the_plain_definition(
    seed, pool_rows, data
):
    counts = dr1.eligible_counts(pool_rows)
    quota = {s: data.draw(st.integers(0, n), label=f"quota {s}") for s, n in counts.items()}
    picks = dr1.draw_firms(seed=seed, pool_rows=pool_rows, quota=quota)

    excluded = {r.key for r in pool_rows if r.excluded}
    assert not excluded & {p.key for p in picks}
    assert Counter(p.stratum for p in picks) == Counter({s: q for s, q in quota.items() if q})
    assert picks == dr1.draw_firms(seed=seed, pool_rows=list(reversed(pool_rows)), quota=quota)
    assert picks == naive_firms(seed, pool_rows, quota)


@settings(deadline=None, max_examples=50)
@given(seed=SEEDS, size=st.integers(65, 600), data=st.data())
def test_draw_firms_matches_the_plain_definition_on_larger_strata(seed, size, data):
    # Large enough to take the cut-off shortcut in the fast selection.
    pool_rows = [dr1.PoolRow(f"K{i:04d}", "AB"[i % 2]) for i in range(size)]
    quota = {s: data.draw(st.integers(0, n)) for s, n in dr1.eligible_counts(pool_rows).items()}
    assert dr1.draw_firms(seed=seed, pool_rows=pool_rows, quota=quota) == naive_firms(
        seed, pool_rows, quota
    )


@given(
    digests=st.lists(st.binary(min_size=1, max_size=3), min_size=1, max_size=300),
    data=st.data(),
)
def test_fast_selection_equals_a_full_sort_even_for_skewed_digests(digests, data):
    # Short, clustered digests are the worst case for the cut-off estimate (retries, ties).
    keys = [f"k{i}" for i in range(len(digests))]
    count = data.draw(st.integers(0, len(digests)))
    assert dr1._smallest(digests, keys, count) == sorted(zip(digests, keys, strict=True))[:count]


def naive_teams(seed, firms, pool_rows, team, cap, conflicts):
    """The spec's sentence, transcribed with a full sort; returns seats or a shortfall tuple."""
    load = Counter()
    seats = []
    for firm in firms:
        for department in sorted(team):
            officers = [r.key for r in pool_rows if r.stratum == department and not r.excluded]
            ranked = sorted((dr1.ticket(seed, f"teams:{firm}", o), o) for o in officers)
            taken = 0
            for ticket, officer in ranked:
                if taken == team[department]:
                    break
                if (officer, firm) not in conflicts and load[officer] < cap:
                    load[officer] += 1
                    taken += 1
                    seats.append(dr1.TeamSeat(firm, department, taken, officer, ticket))
            if taken < team[department]:
                return (firm, department, team[department] - taken)
    return seats


@settings(deadline=None)
@given(
    seed=SEEDS,
    pool_rows=pools(strata=("GA", "KJ", "RS"), max_size=15),
    firms=st.lists(st.text(alphabet="91QX", min_size=2, max_size=4), unique=True, max_size=6),
    team=st.dictionaries(st.sampled_from(["GA", "KJ", "RS"]), st.integers(0, 2)),
    cap=st.integers(1, 3),
    data=st.data(),
)
def test_draw_teams_fills_seats_exactly_without_conflicts_or_overload(
    seed, pool_rows, firms, team, cap, data
):
    pairs = [(r.key, f) for r in pool_rows for f in firms]
    conflicts = set(data.draw(st.lists(st.sampled_from(pairs), max_size=8))) if pairs else set()
    arguments = dict(
        seed=seed, firms=firms, pool_rows=pool_rows, team=team, cap=cap, conflicts=conflicts
    )
    expected = naive_teams(seed, firms, pool_rows, team, cap, conflicts)
    try:
        seats = dr1.draw_teams(**arguments)
    except dr1.TeamShortfall as shortfall:
        assert (shortfall.firm, shortfall.department, shortfall.missing) == expected
        return

    assert seats == expected
    assert seats == dr1.draw_teams(**copy.deepcopy(arguments))
    assert not {(s.officer, s.firm) for s in seats} & conflicts
    assert all(n <= cap for n in Counter(s.officer for s in seats).values())
    eligible = {(r.key, r.stratum) for r in pool_rows if not r.excluded}
    assert all((s.officer, s.department) in eligible for s in seats)
    filled = Counter((s.firm, s.department) for s in seats)
    assert filled == Counter({(f, d): n for f in firms for d, n in team.items() if n})
