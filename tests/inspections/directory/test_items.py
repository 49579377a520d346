"""The item list: versions, publishing, retiring, and what the database refuses."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from backend.audit.models import AuditEvent
from backend.audit.verification import verify_chain
from inspections.directory.models import InspectionItemVersion, ItemCategory, VersionStatus
from inspections.directory.selectors import published_items
from inspections.directory.services import (
    publish_item_version,
    retire_item,
    revise_item,
    update_draft,
)


def test_a_new_item_is_a_draft_with_its_checklist_in_order(make_item):
    version = make_item()
    assert version.number == 1
    assert version.status == VersionStatus.DRAFT
    assert [p.text for p in version.checkpoints.order_by("position")] == [
        "许可证件有效且与用人单位、岗位、期限一致",
        "变更、延期、注销按时办理",
    ]
    assert AuditEvent.objects.filter(action="items.create", object_id=str(version.item_id)).exists()


def test_only_published_versions_can_be_used(make_item, planner):
    draft = make_item()
    assert list(published_items()) == []
    publish_item_version(actor=planner, version=draft)
    assert [v.pk for v in published_items()] == [draft.pk]


def test_publishing_a_revision_supersedes_the_old_version_which_stays(make_item, planner):
    first = make_item()
    publish_item_version(actor=planner, version=first)
    second = revise_item(
        actor=planner, item=first.item, change_reason="增加住宿登记检查", name="外国人工作许可检查"
    )
    assert second.number == 2 and second.status == VersionStatus.DRAFT
    # The revision copies the checklist it does not change.
    assert second.checkpoints.count() == 2
    publish_item_version(actor=planner, version=second)
    first.refresh_from_db()
    assert first.status == VersionStatus.SUPERSEDED
    assert first.name == "外国人来华工作许可事项检查"  # the old text is kept for inspections
    assert [v.number for v in published_items()] == [2]
    assert verify_chain().ok


def test_a_published_version_cannot_be_edited(make_item, planner):
    version = publish_item_version(actor=planner, version=make_item())
    with pytest.raises(ValidationError) as error:
        update_draft(actor=planner, version=version, name="改名")
    assert "不能修改" in str(error.value)
    version.refresh_from_db()
    assert version.name == "外国人来华工作许可事项检查"


def test_a_draft_can_be_edited_and_its_checklist_replaced(make_item, planner):
    draft = make_item()
    update_draft(actor=planner, version=draft, name="新名称", checkpoints=["一", "二", "三"])
    draft.refresh_from_db()
    assert draft.name == "新名称"
    assert list(draft.checkpoints.values_list("text", flat=True)) == ["一", "二", "三"]


def test_a_second_draft_is_refused_while_one_is_open(make_item, planner):
    version = publish_item_version(actor=planner, version=make_item())
    revise_item(actor=planner, item=version.item, change_reason="修订")
    with pytest.raises(ValidationError, match="草稿"):
        revise_item(actor=planner, item=version.item, change_reason="再次修订")


def test_a_revision_needs_a_reason(make_item, planner):
    version = publish_item_version(actor=planner, version=make_item())
    with pytest.raises(ValidationError) as error:
        revise_item(actor=planner, item=version.item, change_reason=" ")
    assert "change_reason" in error.value.message_dict


def test_retiring_withdraws_the_item_from_use_but_keeps_it(make_item, planner):
    version = publish_item_version(actor=planner, version=make_item())
    retired = retire_item(actor=planner, item=version.item, reason="上级取消该事项")
    assert retired.status == VersionStatus.RETIRED and retired.retired_at is not None
    assert list(published_items()) == []
    assert InspectionItemVersion.objects.filter(pk=version.pk).exists()
    with pytest.raises(ValidationError):
        retire_item(actor=planner, item=version.item, reason="再次停用")


def test_a_retired_item_comes_back_only_as_a_new_published_version(make_item, planner):
    version = publish_item_version(actor=planner, version=make_item())
    retire_item(actor=planner, item=version.item, reason="暂停")
    revived = revise_item(actor=planner, item=version.item, change_reason="恢复")
    publish_item_version(actor=planner, version=revived)
    assert [v.number for v in published_items()] == [2]


def test_key_items_have_no_ratio_cap_and_general_items_need_one(make_item):
    with pytest.raises(ValidationError) as error:
        make_item(category=ItemCategory.KEY, ratio_cap=Decimal("0.1"))
    assert "ratio_cap" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        make_item(category=ItemCategory.GENERAL, ratio_cap=None)
    assert "ratio_cap" in error.value.message_dict
    with pytest.raises(ValidationError):
        make_item(ratio_cap=Decimal("1.5"))
    assert make_item(category=ItemCategory.KEY, ratio_cap=None).ratio_cap is None


def test_methods_must_be_known_and_at_least_one(make_item):
    with pytest.raises(ValidationError) as error:
        make_item(methods=[])
    assert "methods" in error.value.message_dict
    with pytest.raises(ValidationError):
        make_item(methods=["onsite", "telepathy"])
    with pytest.raises(ValidationError):
        make_item(methods=["onsite", "onsite"])


def test_an_item_needs_a_checklist(make_item):
    with pytest.raises(ValidationError) as error:
        make_item(checkpoints=["", "  "])
    assert "checkpoints" in error.value.message_dict


def test_the_database_refuses_a_cap_on_a_key_item(make_item):
    version = make_item()
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionItemVersion.objects.filter(pk=version.pk).update(category=ItemCategory.KEY)


def test_the_database_refuses_a_second_published_version(make_item, planner):
    version = publish_item_version(actor=planner, version=make_item())
    draft = revise_item(actor=planner, item=version.item, change_reason="修订")
    with pytest.raises(IntegrityError), transaction.atomic():
        InspectionItemVersion.objects.filter(pk=draft.pk).update(
            status=VersionStatus.PUBLISHED, published_at=version.published_at
        )


def test_only_the_departments_planner_keeps_its_items(make_item, inspector, make_user, ga):
    from backend.accounts.roles import Role

    with pytest.raises(PermissionDenied):
        make_item(actor=inspector)
    ga_planner = make_user("ga_planner", Role.PLANNER, ga)
    version = make_item()
    with pytest.raises(PermissionDenied):
        publish_item_version(actor=ga_planner, version=version)


def test_every_step_is_audited_in_order(make_item, planner):
    version = make_item()
    publish_item_version(actor=planner, version=version)
    draft = revise_item(actor=planner, item=version.item, change_reason="修订")
    publish_item_version(actor=planner, version=draft)
    retire_item(actor=planner, item=version.item, reason="停用")
    actions = list(
        AuditEvent.objects.filter(object_type="inspections.inspectionitem")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "items.create", "items.publish", "items.revise", "items.publish", "items.retire",
    ]  # fmt: skip
