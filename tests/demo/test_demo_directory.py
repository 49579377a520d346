"""The demo tells the 2021 story: the published foreign-work-permit items and the employers."""

from django.core.management import call_command

from demo.directory import seed_directory
from inspections.directory.models import FOREIGN_EMPLOYER_TAG, Firm, InspectionItem
from inspections.directory.selectors import firms_for_item, published_items


def test_the_demo_directory_is_idempotent(db):
    first = seed_directory()
    assert first["抽查事项"] == 3 and 40 <= first["检查对象"] <= 80
    assert set(seed_directory().values()) == {0}


def test_the_demo_items_are_published_and_apply_to_changchun_employers_of_foreigners(db):
    call_command("seed_demo", quiet_accounts=True)
    codes = {v.item.code: v for v in published_items()}
    assert set(codes) == {"KJ-WGR-001", "GA-CRJ-001", "RS-LD-001"}
    kj = codes["KJ-WGR-001"]
    assert kj.item.department.code == "KJ" and kj.item.enforcement_field.code == "FOREIGN_WORK"
    assert "无未经许可在本单位工作的外国人" in [p.text for p in kj.checkpoints.all()]
    employers = firms_for_item(kj)
    assert 40 <= employers.count() <= 60
    assert all(firm.region_code.startswith("2201") for firm in employers)
    assert not employers.exclude(tags__name=FOREIGN_EMPLOYER_TAG).exists()
    assert Firm.objects.exclude(tags__name=FOREIGN_EMPLOYER_TAG).exists()  # ordinary firms too
    # The HR bureau's item shows a revision history.
    assert InspectionItem.objects.get(code="RS-LD-001").versions.count() == 2
