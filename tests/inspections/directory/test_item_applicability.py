"""Which firms an item applies to: by rule, by explicit list, and only firms in existence."""

import pytest
from django.core.exceptions import ValidationError

from backend.audit.models import AuditEvent
from inspections.directory.models import FOREIGN_EMPLOYER_TAG, FirmStatus
from inspections.directory.selectors import firms_for_item
from inspections.directory.services import publish_item_version, revise_item, set_item_firm_list

EMPLOYS_FOREIGNERS = {FOREIGN_EMPLOYER_TAG: {"foreign_staff": 3}}


def names(queryset):
    return sorted(queryset.values_list("name", flat=True))


def test_without_rules_or_list_an_item_applies_to_every_firm_of_its_type(make_item, make_firm):
    make_firm(name="企业")
    make_firm(name="个体户", org_type="2", target_type="individual")
    assert names(firms_for_item(make_item())) == ["企业"]


def test_a_rule_selects_by_tag_and_region_including_districts(make_item, make_firm):
    make_firm(name="南关外企", region="220102", tags=EMPLOYS_FOREIGNERS)
    make_firm(name="南关内企", region="220102")
    make_firm(name="吉林市外企", region="220202", tags=EMPLOYS_FOREIGNERS)
    version = make_item(scope_rules=[{"tag": FOREIGN_EMPLOYER_TAG, "region_code": "220100"}])
    assert names(firms_for_item(version)) == ["南关外企"]


def test_rules_add_up_and_industry_is_a_prefix(make_item, make_firm):
    make_firm(name="汽车零部件", industry_code="C3670")
    make_firm(name="整车", industry_code="C3611")
    make_firm(name="软件", industry_code="I6513")
    make_firm(name="软件个体户", industry_code="I6513", org_type="2", target_type="individual")
    version = make_item(
        scope_rules=[
            {"industry_prefix": "C367"},
            {"industry_prefix": "65"},  # normalised to I65; the version's type (企业) applies
        ]
    )
    assert names(firms_for_item(version)) == ["汽车零部件", "软件"]


def test_a_rule_with_an_unknown_region_is_refused(make_item):
    with pytest.raises(ValidationError, match="不存在"):
        make_item(scope_rules=[{"region_code": "110101"}])
    with pytest.raises(ValidationError, match="没有任何条件"):
        make_item(scope_rules=[{}])


def test_the_explicit_list_adds_firms_whatever_the_rules(make_item, make_firm, planner):
    listed = make_firm(name="名单内", region="220202")
    make_firm(name="名单外", region="220202")
    make_firm(name="规则内", tags=EMPLOYS_FOREIGNERS)
    version = make_item(scope_rules=[{"tag": FOREIGN_EMPLOYER_TAG}])
    set_item_firm_list(actor=planner, item=version.item, usccs=[listed.uscc.lower(), listed.uscc])
    assert names(firms_for_item(version)) == ["名单内", "规则内"]
    assert AuditEvent.objects.get(action="items.firm_list").detail["duplicates"] == 1


def test_a_list_alone_limits_the_item_to_the_list(make_item, make_firm, planner):
    listed = make_firm(name="名单内")
    make_firm(name="名单外")
    version = make_item()
    assert set_item_firm_list(actor=planner, item=version.item, usccs=[listed.uscc]) == 1
    assert names(firms_for_item(version)) == ["名单内"]


def test_a_list_with_a_bad_code_is_refused_whole(make_item, make_firm, planner):
    version = make_item()
    good = make_firm().uscc
    with pytest.raises(ValidationError) as error:
        set_item_firm_list(actor=planner, item=version.item, usccs=[good, "123"])
    assert "第2个" in error.value.message_dict["usccs"][0]
    assert version.item.firm_list.count() == 0


def test_closed_firms_are_left_out_unless_asked(make_item, make_firm):
    make_firm(name="存续")
    make_firm(name="注销", status=FirmStatus.DEREGISTERED)
    version = make_item()
    assert names(firms_for_item(version)) == ["存续"]
    assert names(firms_for_item(version, include_inactive=True)) == ["存续", "注销"]


def test_rules_belong_to_the_version_and_are_copied_by_a_revision(make_item, make_firm, planner):
    make_firm(name="外企", tags=EMPLOYS_FOREIGNERS)
    make_firm(name="内企")
    first = publish_item_version(
        actor=planner, version=make_item(scope_rules=[{"tag": FOREIGN_EMPLOYER_TAG}])
    )
    second = revise_item(actor=planner, item=first.item, change_reason="改名", name="新名称")
    assert names(firms_for_item(second)) == ["外企"]
    widened = revise_item
    publish_item_version(actor=planner, version=second)
    third = widened(actor=planner, item=first.item, change_reason="扩大范围", scope_rules=[])
    assert names(firms_for_item(third)) == ["内企", "外企"]
    assert names(firms_for_item(first)) == ["外企"]  # the old version keeps its scope
