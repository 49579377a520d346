"""The officer directory: who may be registered, with which data, by whom; and nothing personal
ever reaches the audit trail."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from backend.audit.models import AuditEvent
from backend.codes import make_citizen_id
from personnel import services
from personnel.models import Officer
from tests.personnel.conftest import citizen_id


def _create(department, actor=None, **extra):
    fields = dict(name="林执法", citizen_id=citizen_id(), category="civil_servant")
    fields.update(extra)
    return services.create_officer(actor=actor, department=department, **fields)


def test_a_department_administrator_registers_an_officer(department_admin, kj):
    number = make_citizen_id(birth=date(1988, 8, 8), seq="012")
    officer = _create(
        kj,
        actor=department_admin,
        citizen_id=number.lower(),
        phone="13912345678",
        position="科长",
        expertise="外国人工作许可, 出入境，科技项目",
        jurisdiction_area="220102",
    )
    assert officer.citizen_id == number  # normalised: upper-case X, if any
    assert officer.gender == "F"  # the 17th digit (2) is even
    assert officer.expertise_tags == ["外国人工作许可", "出入境", "科技项目"]
    assert officer.status == "on_duty"
    audit = AuditEvent.objects.get(action="personnel.officer.create")
    assert audit.detail["name"] == "林执法" and audit.detail["officer"] == officer.pk


def test_the_audit_trail_never_holds_an_id_number_or_a_phone(department_admin, kj):
    officer = _create(kj, actor=department_admin, phone="13912345678")
    services.update_officer(actor=department_admin, officer=officer, phone="13800001111")
    services.update_officer(
        actor=department_admin, officer=officer, citizen_id=citizen_id(birth=date(1990, 1, 1))
    )
    officer.refresh_from_db()
    trail = json.dumps(list(AuditEvent.objects.values("object_id", "detail")), ensure_ascii=False)
    for secret in (officer.citizen_id, "13912345678", "13800001111"):
        assert secret not in trail
    update = AuditEvent.objects.filter(action="personnel.officer.update").first()
    assert "citizen_id" in update.detail["fields"]  # which field changed, not its value


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("citizen_id", "22010219850314001", "应为18位"),
        ("citizen_id", "220102198503140010", "校验位错误"),
        ("citizen_id", "220102209901010017", "晚于今天"),
        ("phone", "12345", "电话应为11位手机号码"),
        ("jurisdiction_area", "2201", "行政区划代码应为6位数字"),
        ("gender", "F", "性别与公民身份号码第17位不符"),
        ("category", "auxiliary", "不是有效选项"),
    ],
)
def test_invalid_officer_data_is_refused_in_chinese(kj, field, value, message):
    number = make_citizen_id(birth=date(1985, 3, 14), seq="011")  # a man
    data = {"citizen_id": number, field: value}
    with pytest.raises(ValidationError) as error:
        _create(kj, **data)
    assert message in str(error.value.message_dict)
    assert not Officer.objects.exists()


def test_an_id_number_is_registered_once(kj, ga):
    number = citizen_id()
    _create(kj, citizen_id=number)
    with pytest.raises(ValidationError, match="已登记为执法人员"):
        _create(ga, citizen_id=number)
    with pytest.raises(IntegrityError), transaction.atomic():
        Officer.objects.create(
            name="x", citizen_id=number, gender="M", department=ga, category="routine"
        )


def test_a_linked_account_belongs_to_the_same_department(kj, ga_inspector, inspector):
    with pytest.raises(ValidationError, match="同一部门"):
        _create(kj, user=ga_inspector)
    assert _create(kj, user=inspector).user == inspector


@pytest.mark.parametrize("outsider", ["ga_department_admin", "planner", "system_admin"])
def test_only_the_own_department_administrator_registers_officers(request, kj, outsider):
    with pytest.raises(PermissionDenied):
        _create(kj, actor=request.getfixturevalue(outsider))


def test_an_update_records_the_status_change(department_admin, kj):
    officer = _create(kj, actor=department_admin)
    services.update_officer(actor=department_admin, officer=officer, status="off_duty")
    audit = AuditEvent.objects.get(action="personnel.officer.update")
    assert audit.detail["status"] == ["on_duty", "off_duty"]
    # Nothing changed, nothing recorded.
    services.update_officer(actor=department_admin, officer=officer, status="off_duty")
    assert AuditEvent.objects.filter(action="personnel.officer.update").count() == 1


def test_an_empty_gender_on_update_means_as_the_id_number_says(department_admin, kj):
    officer = _create(kj, actor=department_admin, citizen_id=make_citizen_id(
        birth=date(1985, 3, 14), seq="021"
    ))  # fmt: skip
    assert officer.gender == "M"
    officer = services.update_officer(
        actor=department_admin, officer=officer, gender="", position="科员"
    )
    assert officer.gender == "M" and officer.position == "科员"
    woman = make_citizen_id(birth=date(1985, 3, 14), seq="022")
    officer = services.update_officer(actor=department_admin, officer=officer, citizen_id=woman)
    assert officer.gender == "F"


def test_the_department_is_not_editable_by_the_update_service(department_admin, kj, ga):
    officer = _create(kj, actor=department_admin)
    with pytest.raises(ValueError):
        services.update_officer(actor=department_admin, officer=officer, department=ga)


def test_a_department_sets_its_training_minimum(department_admin, kj, ga_department_admin):
    assert kj.training_min_hours == Decimal("40") and not kj.training_required
    services.update_training_policy(
        actor=department_admin, department=kj, min_hours=Decimal("32"), required=True
    )
    kj.refresh_from_db()
    assert kj.training_min_hours == Decimal("32") and kj.training_required
    with pytest.raises(PermissionDenied):
        services.update_training_policy(
            actor=ga_department_admin, department=kj, min_hours=Decimal("1"), required=False
        )
