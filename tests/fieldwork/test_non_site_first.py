"""Non-site first (issue 15, item 5; 国办发〔2024〕54号): an inspection whose items all allow a
non-site method is carried out without a visit, or visited only with a reason; a non-site
inspection is recorded in the same chain, without the arrival stage."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from backend.audit.models import AuditEvent
from fieldwork.models import InspectionState, RecordKind
from fieldwork.selectors.records import checkpoints_of, missing_for_submission, non_site_methods_for
from fieldwork.services import records
from fieldwork.verification import broken_chains
from inspections.directory.models import InspectionItemVersion, InspectionMethod
from tests.conftest import log_in

# The fixtures' task ran in June 2021: a submission today is after its window, and says why.
LATE = "2021年的检查时间已过，补交审核（测试）"


def _allow(inspection, *methods):
    """Let every item of the inspection's task allow `methods` beside 实地检查."""
    versions = inspection.task.items.values_list("pk", flat=True)
    InspectionItemVersion.objects.filter(pk__in=list(versions)).update(
        methods=[InspectionMethod.ONSITE, *methods]
    )


def _served(inspection, team):
    records.issue_notice(
        actor=team[0], inspection=inspection, served_on=date.today(), delivery="当面送达"
    )
    return [m.certificate_number for m in inspection.members.all()]


def _visit(inspection, team, numbers, **extra):
    return records.record_arrival(
        actor=team[0],
        inspection=inspection,
        method="onsite",
        officers_present=numbers,
        certificates_shown=True,
        code_unverified_reason="检查对象无法扫码",
        **extra,
    )


def test_a_visit_needs_no_reason_where_every_item_needs_one(inspection, team):
    numbers = _served(inspection, team)
    assert non_site_methods_for(inspection) == []
    record = _visit(inspection, team, numbers)
    assert "onsite_reason" not in record.content


def test_a_visit_where_a_non_site_method_is_allowed_needs_its_reason(inspection, team):
    _allow(inspection, InspectionMethod.DOCUMENTS, InspectionMethod.REMOTE_VIDEO)
    numbers = _served(inspection, team)
    with pytest.raises(ValidationError) as refused:
        _visit(inspection, team, numbers)
    assert refused.value.error_dict["onsite_reason"][0].code == "onsite_reason_required"
    assert "书面检查、远程视频" in refused.value.message_dict["onsite_reason"][0]
    assert not inspection.records.filter(kind=RecordKind.ON_SITE).exists()

    record = _visit(inspection, team, numbers, onsite_reason="需现场核对外籍员工在岗情况")
    assert record.content["onsite_reason"] == "需现场核对外籍员工在岗情况"


def test_a_non_site_method_is_not_an_arrival(inspection, team):
    _allow(inspection, InspectionMethod.DOCUMENTS)
    numbers = _served(inspection, team)
    with pytest.raises(ValidationError) as refused:
        records.record_arrival(
            actor=team[0],
            inspection=inspection,
            method="documents",
            officers_present=numbers,
            certificates_shown=True,
        )
    assert refused.value.error_dict["method"][0].code == "non_site_method"


def test_a_non_site_check_takes_the_arrivals_place_in_the_chain(inspection, team, department_admin):
    _allow(inspection, InspectionMethod.DOCUMENTS, InspectionMethod.DATA_SHARING)
    numbers = _served(inspection, team)
    assert non_site_methods_for(inspection) == ["documents", "data_sharing"]
    assert "尚未记录到达现场或实施非现场检查" in missing_for_submission(inspection)
    record = records.record_non_site(
        actor=team[0],
        inspection=inspection,
        method="documents",
        officers_present=numbers,
        note="核查了外籍员工的工作许可证和劳动合同复印件",
    )
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.ON_SITE
    assert record.content["site_visit"] is False and record.content["method_label"] == "书面检查"
    assert AuditEvent.objects.filter(action="fieldwork.non_site").exists()
    # The visit is no longer possible; the rest of the record goes on as after an arrival.
    with pytest.raises(ValidationError) as refused:
        _visit(inspection, team, numbers, onsite_reason="补充")
    assert refused.value.error_dict["non_field_errors"][0].code == "wrong_state"
    for point in checkpoints_of(inspection):
        records.record_findings(
            actor=team[0], inspection=inspection, check_point=point, checked=True
        )
    records.record_result(actor=team[0], inspection=inspection, codes=["no-problem"])
    records.record_firm_opinion(
        actor=team[0], inspection=inspection, opinion="无异议", signatory="王经理", signed=True
    )
    records.record_officer_signatures(actor=team[0], inspection=inspection, signed_by=numbers)
    assert missing_for_submission(inspection) == []
    records.submit_for_review(actor=team[0], inspection=inspection, late_reason=LATE)
    records.review_result(actor=department_admin, inspection=inspection, agree=True)
    assert not inspection.records.filter(kind=RecordKind.ON_SITE).exists()
    ((_, problem, count),) = broken_chains([inspection])
    assert problem == "" and count >= 9


@pytest.mark.parametrize(
    "method,numbers,code",
    [
        ("remote_video", "all", "method_not_allowed"),  # not allowed by the items
        ("onsite", "all", "method_not_allowed"),  # a visit is the arrival
        ("documents", "one", "too_few_officers"),
    ],
)
def test_a_bad_non_site_check_is_refused_and_nothing_recorded(
    inspection, team, method, numbers, code
):
    _allow(inspection, InspectionMethod.DOCUMENTS)
    served = _served(inspection, team)
    with pytest.raises(ValidationError) as refused:
        records.record_non_site(
            actor=team[0],
            inspection=inspection,
            method=method,
            officers_present=served if numbers == "all" else served[:1],
        )
    codes = [e.code for errors in refused.value.error_dict.values() for e in errors]
    assert code in codes
    assert not inspection.records.filter(kind=RecordKind.NON_SITE).exists()


def test_the_page_offers_the_non_site_stage_only_where_the_items_allow_it(client, inspection, team):
    _served(inspection, team)
    log_in(client, team[0])
    page = reverse("fieldwork:inspection", args=[inspection.pk])
    stage = reverse("fieldwork:stage", args=[inspection.pk, "non-site"])
    assert stage not in client.get(page).content.decode()

    _allow(inspection, InspectionMethod.DOCUMENTS)
    body = client.get(page).content.decode()
    assert stage in body and "入企现场检查的理由" in body
    numbers = [m.certificate_number for m in inspection.members.all()]
    response = client.post(
        stage,
        {
            "idempotency_key": "0b6d1c1e-5f4a-4a51-9d7e-3c1c8f0d2a11",
            "method": "documents",
            "officers_present": numbers,
            "note": "书面材料齐全",
        },
    )
    assert response.status_code == 302
    body = client.get(page).content.decode()
    assert "非现场检查方式：书面检查" in body and "核查情况：书面材料齐全" in body
    arrival = reverse("fieldwork:stage", args=[inspection.pk, "arrival"])
    assert f'action="{arrival}"' not in body
