"""The result code table is configurable: a department adds its own children and retires them,
the system administrator keeps the shared codes; nothing is ever deleted. And the back office
only reads the fieldwork tables."""

from datetime import date

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.urls import reverse

from backend.audit.models import AuditEvent
from fieldwork.models import (
    EvidenceFile,
    FollowUp,
    Inspection,
    InspectionRecord,
    ResultCode,
)
from fieldwork.selectors import result_codes_for
from fieldwork.services import records
from fieldwork.services.results_table import (
    add_result_code,
    restore_result_code,
    retire_result_code,
    update_result_code,
)

OTHER_RULES = "违反《外国人在中国就业管理规定》"


def code(value: str) -> ResultCode:
    return ResultCode.objects.get(code=value)


def test_a_department_administrator_adds_the_department_s_own_child(department_admin, kj):
    added = add_result_code(actor=department_admin, parent=code("follow-up"), name=OTHER_RULES)
    assert added.code == "follow-up-kj-1"
    assert added.department == kj
    assert added.needs_follow_up is True  # as its parent
    assert added.label == f"发现问题待后续处理（{OTHER_RULES}）"
    siblings = ResultCode.objects.filter(parent=code("follow-up")).exclude(pk=added.pk)
    assert added.position > max(s.position for s in siblings)
    event = AuditEvent.objects.get(action="fieldwork.result_code.add")
    assert event.detail["department"] == "KJ"


@pytest.mark.parametrize(
    ("parent", "code_"),
    [(None, "parent_required"), ("no-problem", "bad_parent"), ("follow-up-other", "bad_parent")],
)
def test_a_department_adds_children_only_under_a_category_with_sub_codes(
    department_admin, parent, code_
):
    with pytest.raises(ValidationError) as refused:
        add_result_code(
            actor=department_admin, parent=code(parent) if parent else None, name=OTHER_RULES
        )
    assert next(iter(refused.value.error_dict.values()))[0].code == code_
    assert not ResultCode.objects.filter(name=OTHER_RULES).exists()


def test_a_duplicate_name_under_one_parent_is_refused(department_admin):
    with pytest.raises(ValidationError) as refused:
        add_result_code(actor=department_admin, parent=code("follow-up"), name="违反其他相关规定")
    assert refused.value.error_dict["name"][0].code == "duplicate_name"


def test_shared_codes_are_the_system_administrator_s_and_department_codes_the_department_s(
    department_admin, ga_department_admin, system_admin, planner
):
    kj_code = add_result_code(actor=department_admin, parent=code("follow-up"), name=OTHER_RULES)
    for actor, target in [
        (department_admin, code("closed")),
        (ga_department_admin, kj_code),
        (system_admin, kj_code),
    ]:
        with pytest.raises(PermissionDenied):
            retire_result_code(actor=actor, result_code=target)
    with pytest.raises(PermissionDenied):
        add_result_code(actor=planner, parent=code("follow-up"), name="其他")

    renamed = update_result_code(
        actor=system_admin, result_code=code("closed"), name="已关闭停业或正在组织清算（含歇业）"
    )
    assert renamed.name.endswith("（含歇业）")
    shared = add_result_code(actor=system_admin, name="其他情形", code="other")
    assert shared.department is None and shared.parent is None
    assert AuditEvent.objects.filter(action="fieldwork.result_code.update").count() == 1


def test_codes_are_retired_and_restored_never_deleted(department_admin, system_admin):
    kj_code = add_result_code(actor=department_admin, parent=code("follow-up"), name=OTHER_RULES)
    retire_result_code(actor=department_admin, result_code=kj_code)
    assert ResultCode.objects.get(pk=kj_code.pk).active is False
    with pytest.raises(ValidationError):
        retire_result_code(actor=department_admin, result_code=kj_code)
    with pytest.raises(ValidationError) as refused:
        retire_result_code(actor=system_admin, result_code=code("follow-up"))
    assert refused.value.error_dict["non_field_errors"][0].code == "has_active_children"
    restore_result_code(actor=department_admin, result_code=kj_code)
    assert ResultCode.objects.get(pk=kj_code.pk).active is True


def test_a_child_of_a_retired_parent_cannot_be_restored(system_admin):
    parent = add_result_code(actor=system_admin, name="临时类别", code="temp")
    child = add_result_code(actor=system_admin, parent=parent, name="临时情形", code="temp-a")
    retire_result_code(actor=system_admin, result_code=child)
    retire_result_code(actor=system_admin, result_code=parent)
    with pytest.raises(ValidationError) as refused:
        restore_result_code(actor=system_admin, result_code=child)
    assert refused.value.error_dict["non_field_errors"][0].code == "parent_retired"


def test_a_department_code_is_chosen_in_results_until_retired_and_keeps_its_name_once_used(
    inspection, team, department_admin
):
    kj_code = add_result_code(actor=department_admin, parent=code("follow-up"), name=OTHER_RULES)
    records.issue_notice(
        actor=team[0], inspection=inspection, served_on=date(2021, 6, 8), delivery="当面送达"
    )
    records.record_arrival(
        actor=team[0],
        inspection=inspection,
        method="onsite",
        officers_present=[m.certificate_number for m in inspection.members.all()],
        certificates_shown=True,
        code_unverified_reason="检查对象未扫码核验（测试）",
    )
    result = records.record_result(actor=team[0], inspection=inspection, codes=[kj_code.code])
    assert result.content["labels"] == [kj_code.label]
    assert result.content["needs_follow_up"] is True
    assert Inspection.objects.get(pk=inspection.pk).result_codes == [kj_code.code]
    with pytest.raises(ValidationError) as refused:
        update_result_code(actor=department_admin, result_code=kj_code, name="另一个名称")
    assert refused.value.error_dict["name"][0].code == "code_in_use"

    retire_result_code(actor=department_admin, result_code=kj_code)
    with pytest.raises(ValidationError) as refused:
        records.record_result(
            actor=team[0],
            inspection=inspection,
            codes=[kj_code.code],
            corrects=result,
            reason="重新选择",
        )
    assert refused.value.error_dict["codes"][0].code == "unknown_result"


def test_each_administrator_sees_the_shared_codes_and_their_department_s(
    department_admin, ga_department_admin, system_admin, planner
):
    kj_code = add_result_code(actor=department_admin, parent=code("follow-up"), name=OTHER_RULES)
    assert kj_code in result_codes_for(department_admin)
    assert kj_code not in result_codes_for(ga_department_admin)
    assert code("no-problem") in result_codes_for(ga_department_admin)
    assert kj_code in result_codes_for(system_admin)
    assert not result_codes_for(planner).exists()


# --- the page -----------------------------------------------------------------------------------


def test_the_department_administrator_adds_and_retires_a_code_on_the_page(login, department_admin):
    client = login(department_admin)
    page = client.get(reverse("fieldwork:result-codes"))
    assert page.status_code == 200
    assert "未发现问题" in page.content.decode()
    response = client.post(
        reverse("fieldwork:result-code-add"),
        {"parent": code("follow-up").pk, "name": OTHER_RULES, "code": ""},
    )
    assert response.status_code == 302
    added = ResultCode.objects.get(name=OTHER_RULES)
    assert OTHER_RULES in client.get(reverse("fieldwork:result-codes")).content.decode()
    client.post(reverse("fieldwork:result-code-retire", args=[added.pk]))
    assert ResultCode.objects.get(pk=added.pk).active is False

    count = ResultCode.objects.count()
    refused = client.post(reverse("fieldwork:result-code-add"), {"parent": "", "name": "x"})
    assert refused.status_code == 200
    assert 'class="error"' in refused.content.decode()
    assert ResultCode.objects.count() == count
    assert (
        client.get(reverse("fieldwork:result-code-edit", args=[code("closed").pk])).status_code
        == 403
    )


def test_the_system_administrator_edits_a_shared_code_on_the_page(login, system_admin):
    client = login(system_admin)
    target = code("closed")
    response = client.post(
        reverse("fieldwork:result-code-edit", args=[target.pk]),
        {"name": "已关闭停业或正在组织清算", "position": 5, "needs_follow_up": "on"},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.position == 5 and target.needs_follow_up is True


@pytest.mark.parametrize("persona", ["planner", "inspector", "legal_reviewer"], indirect=True)
def test_other_roles_cannot_open_the_code_table(login, persona):
    assert login(persona).get(reverse("fieldwork:result-codes")).status_code == 403


# --- the back office ----------------------------------------------------------------------------


@pytest.mark.parametrize("model", [InspectionRecord, EvidenceFile, FollowUp, ResultCode])
def test_the_admin_reads_fieldwork_tables_but_never_writes_them(system_admin, model):
    request = RequestFactory().get("/admin/")
    request.user = system_admin
    model_admin = admin.site._registry[model]
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_the_admin_lists_records(login, system_admin):
    response = login(system_admin).get(reverse("admin:fieldwork_inspectionrecord_changelist"))
    assert response.status_code == 200


def test_the_code_table_filters_by_text_and_status_and_counts(
    login, department_admin, ga_department_admin
):
    from list_tools import check_list, total_of

    added = add_result_code(actor=department_admin, parent=code("follow-up"), name=OTHER_RULES)
    retire_result_code(actor=department_admin, result_code=added)
    client = login(department_admin)
    check_list(
        client,
        "/field/result-codes/",
        params={"q": "外国人", "active": "no"},
        shown=[f'data-testid="result-code-{added.code}"'],
        hidden=['data-testid="result-code-no-problem"'],
        total=1,
    )
    assert (
        total_of(
            client.get("/field/result-codes/", {"q": "外国人", "active": "yes"}).content.decode()
        )
        == 0
    )
    shared = ResultCode.objects.filter(department__isnull=True).count()
    assert total_of(client.get("/field/result-codes/").content.decode()) == shared + 1
    # Another department's administrator does not see KJ's own code.
    client = login(ga_department_admin)
    assert total_of(client.get("/field/result-codes/", {"q": "外国人"}).content.decode()) == 0
