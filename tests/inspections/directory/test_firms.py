"""A firm's codes are checked, its region must exist, and the services audit every write."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from backend.audit.models import AuditEvent
from backend.codes import make_uscc
from inspections.directory.classifications import (
    check_known_region,
    normalise_industry_code,
    region_full_name,
    region_prefix,
)
from inspections.directory.models import FOREIGN_EMPLOYER_TAG, Firm, Region, TargetType
from inspections.directory.services import create_firm, update_firm

GOOD = make_uscc(region="220102", org_body8="MA0Y1234")


def firm_fields(**overrides):
    fields = {"uscc": GOOD, "name": "长春一东汽车零部件有限公司", "region_code": "220102"}
    fields.update(overrides)
    return fields


def test_a_planner_adds_a_firm_with_normalised_codes(planner):
    firm = create_firm(
        actor=planner,
        tags={FOREIGN_EMPLOYER_TAG: {"foreign_staff": 12}},
        **firm_fields(uscc=" " + GOOD.lower() + " ", industry_code="3670"),
    )
    assert firm.uscc == GOOD
    assert firm.industry_code == "C3670"
    assert firm.target_type == TargetType.ENTERPRISE  # 91: an enterprise
    assert [t.label for t in firm.tags.all()] == ["外籍员工用人单位（外籍员工人数 12）"]
    assert AuditEvent.objects.filter(action="firms.create", object_id=str(firm.pk)).exists()


def test_the_target_type_follows_the_code(planner):
    code = make_uscc(org_type="2", region="220102", org_body8="MA0Y1235")
    assert create_firm(actor=planner, **firm_fields(uscc=code)).target_type == "individual"


@pytest.mark.parametrize(
    "uscc,expected",
    [
        ("91220102MA0Y12345", "18位"),
        (GOOD[:-1] + ("0" if GOOD[-1] != "0" else "1"), "校验位"),
        (GOOD[:16] + ("1" if GOOD[16] != "1" else "2") + GOOD[17], "组织机构代码"),
        (GOOD[:5] + "I" + GOOD[6:], "有效字符"),
    ],
)
def test_a_bad_code_is_refused_with_its_reason(planner, uscc, expected):
    with pytest.raises(ValidationError) as error:
        create_firm(actor=planner, **firm_fields(uscc=uscc))
    assert expected in " ".join(error.value.message_dict["uscc"])


def test_a_region_that_does_not_exist_is_refused(planner):
    with pytest.raises(ValidationError) as error:
        create_firm(actor=planner, **firm_fields(region_code="220199"))
    assert "不存在" in error.value.message_dict["region_code"][0]
    with pytest.raises(ValidationError):
        create_firm(actor=planner, **firm_fields(region_code="2201"))


def test_an_unknown_industry_division_is_refused(planner):
    with pytest.raises(ValidationError) as error:
        create_firm(actor=planner, **firm_fields(industry_code="9999"))
    assert "industry_code" in error.value.message_dict
    with pytest.raises(ValidationError):
        create_firm(actor=planner, **firm_fields(industry_code="A3670"))  # 36 belongs to C


def test_the_code_is_unique_in_the_database(make_firm):
    firm = make_firm()
    with pytest.raises(IntegrityError), transaction.atomic():
        Firm.objects.create(uscc=firm.uscc, name="重复", region_code="220102")


def test_the_database_refuses_an_unknown_risk_class(make_firm):
    firm = make_firm()
    with pytest.raises(IntegrityError), transaction.atomic():
        Firm.objects.filter(pk=firm.pk).update(risk_class="E")


def test_only_planners_write_the_directory(inspector):
    with pytest.raises(PermissionDenied):
        create_firm(actor=inspector, **firm_fields())


def test_an_update_records_what_changed(planner, make_firm):
    firm = make_firm(risk_class="B")
    update_firm(actor=planner, firm=firm, risk_class="D", serious_violation=True)
    event = AuditEvent.objects.get(action="firms.update")
    assert event.detail["changes"] == {"risk_class": ["B", "D"], "serious_violation": [False, True]}


def test_the_jilin_region_table_is_loaded(db):
    assert Region.objects.get(code="220000").name == "吉林省"
    assert Region.objects.get(code="220102").parent_id == "220100"
    assert Region.objects.get(code="222401").name == "延吉市"
    cities = set(Region.objects.filter(parent_id="220000").values_list("code", flat=True))
    assert cities == {
        "220100", "220200", "220300", "220400", "220500", "220600", "220700", "220800", "222400",
    }  # fmt: skip


def test_region_helpers():
    assert region_prefix("220000") == "22"
    assert region_prefix("220100") == "2201"
    assert region_prefix("220102") == "220102"
    assert region_full_name("220102") == "吉林省长春市南关区"
    assert check_known_region("２２０１０４") == "220104"  # full-width digits fold
    with pytest.raises(ValueError):
        check_known_region("110101")  # Beijing is not in the shipped table


def test_industry_codes_carry_their_section_letter():
    assert normalise_industry_code("6513") == "I6513"
    assert normalise_industry_code("c36") == "C36"
    assert normalise_industry_code("M") == "M"
