"""`generate_firms N --seed S`: N valid, realistic firms, the same for the same seed."""

from collections import Counter

import pytest
from django.core.management import call_command

from backend.audit.models import AuditEvent
from backend.codes import check_uscc
from inspections.directory.classifications import normalise_industry_code, region_names
from inspections.directory.models import FOREIGN_EMPLOYER_TAG, Firm, FirmTag
from inspections.directory.synthetic import synthetic_firms


def test_it_writes_n_firms_with_valid_codes(db, capsys):
    call_command("generate_firms", 300, seed=7)
    assert Firm.objects.count() == 300
    known = region_names()
    for firm in Firm.objects.all():
        assert check_uscc(firm.uscc) == firm.uscc
        assert firm.region_code in known and firm.region_code.startswith("22")
        assert firm.uscc[2:8] == firm.region_code
        assert normalise_industry_code(firm.industry_code) == firm.industry_code
        firm.full_clean()
    out = capsys.readouterr()
    assert "已生成检查对象 300 家" in out.out
    assert "已写入" in out.err  # progress on stderr
    assert AuditEvent.objects.get(action="firms.generate").detail["created"] == 300


def test_the_same_seed_gives_the_same_firms():
    first = list(synthetic_firms(200, seed=42))
    assert first == list(synthetic_firms(200, seed=42))
    assert first != list(synthetic_firms(200, seed=43))
    assert len({row.uscc for row in synthetic_firms(20_000, seed=1)}) == 20_000


def test_running_twice_with_one_seed_skips_what_exists(db, capsys):
    call_command("generate_firms", 50, seed=3)
    call_command("generate_firms", 50, seed=3)
    assert Firm.objects.count() == 50
    assert "跳过已存在 50 家" in capsys.readouterr().out
    call_command("generate_firms", 50, seed=4)
    assert Firm.objects.count() == 100


def test_the_mix_of_risk_classes_flags_and_tags_is_realistic():
    rows = list(synthetic_firms(20_000, seed=5))
    risks = Counter(row.risk_class for row in rows)
    assert 0.36 < risks["A"] / len(rows) < 0.44
    assert 0.36 < risks["B"] / len(rows) < 0.44
    assert 0.12 < risks["C"] / len(rows) < 0.18
    assert 0.03 < risks["D"] / len(rows) < 0.07
    assert 0 < sum(row.abnormal_operation for row in rows) < len(rows) * 0.1
    assert 0 < sum(row.serious_violation for row in rows) < len(rows) * 0.02
    assert 0 < sum(FOREIGN_EMPLOYER_TAG in row.tags for row in rows) < len(rows) * 0.05
    assert len({row.region_code for row in rows}) > 40


def test_tags_arrive_with_their_firms(db):
    call_command("generate_firms", 3000, seed=9)
    tagged = FirmTag.objects.filter(name=FOREIGN_EMPLOYER_TAG)
    assert tagged.exists()
    assert all(1 <= tag.detail["foreign_staff"] <= 30 for tag in tagged)


@pytest.mark.postgres
def test_a_load_into_an_empty_directory_rebuilds_the_name_index(db):
    from django.db import connection

    call_command("generate_firms", 100, seed=11)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'firm_name_trgm'")
        (definition,) = cursor.fetchone()
    assert "gin_trgm_ops" in definition
    name = Firm.objects.order_by("id").first().name
    assert Firm.objects.filter(name__contains=name[2:6]).exists()
