"""Officers of an entrusted organisation (受委托组织, issue 15 item 1): the rule (period and
fields of the 委托) alone and through eligibility, the audited writes that set an officer's
organisation and a 委托's fields, their refusals, and the pages that do both."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from backend.audit.models import AuditEvent
from backend.codes import make_uscc
from backend.organisation.models import EntrustedOrganisation
from personnel import services
from personnel.eligibility import (
    EligibilityChecker,
    EntrustmentFacts,
    Window,
    eligibility,
    judge_entrustment,
)
from personnel.models import Officer
from tests.entrustment_builders import entrust, join
from tests.personnel.conftest import FIRM, WINDOW, citizen_id


def _ask(officer, item, window=WINDOW):
    return eligibility(officer=officer, firm=FIRM, item=item, window=window)


@pytest.fixture
def centre(department_admin, kj, foreign_work):
    """KJ's 委托 of 2021 to a service centre, for the field of the item."""
    return entrust(department_admin, kj, fields=[foreign_work], name="市科技服务中心")


@pytest.fixture
def centre_officer(make_officer, make_certificate, kj, centre, department_admin):
    officer = make_officer(kj, name="甘受托")
    make_certificate(officer)
    return join(officer, centre, actor=department_admin)


# --- the rule ------------------------------------------------------------------------------------


def test_an_officer_of_a_valid_entrustment_in_its_field_is_eligible(centre_officer, item):
    result = _ask(centre_officer, item)
    assert result.eligible and result.certificate is not None


def test_an_expired_entrustment_excludes_its_officers(
    centre_officer, centre, department_admin, foreign_work, item
):
    services.record_entrusted_organisation(
        actor=department_admin,
        organisation=centre,
        enforcement_fields=[foreign_work],
        name=centre.name,
        uscc=centre.uscc,
        entrustment_number=centre.entrustment_number,
        scope=centre.scope,
        valid_from=centre.valid_from,
        valid_until=date(2021, 6, 10),  # ended early, during the window
        published=True,
    )
    result = _ask(centre_officer, item)
    assert result.codes == ["entrusted-expired"]
    assert "市科技服务中心" in result.reasons[0].message
    assert "2021年6月7日至2021年6月18日" in result.reasons[0].message
    # Before the 委托 ended, the same officer could inspect.
    assert _ask(centre_officer, item, Window(date(2021, 6, 1), date(2021, 6, 10))).eligible


def test_a_field_outside_the_entrustment_excludes_its_officers(
    make_officer, make_certificate, kj, department_admin, foreign_work, exit_entry, item
):
    officer = make_officer(kj, name="范受托")
    make_certificate(officer, fields=[foreign_work, exit_entry])
    outside = entrust(department_admin, kj, fields=[exit_entry], name="出入境服务中心")
    join(officer, outside, actor=department_admin)
    result = _ask(officer, item)
    assert result.codes == ["entrusted-scope"]
    assert "FOREIGN_WORK" in result.reasons[0].message
    assert not result.eligible and result.certificate is None


def test_an_officer_without_an_organisation_is_judged_as_before(certified_officer, item):
    assert _ask(certified_officer, item).eligible


@given(
    start=st.integers(min_value=-40, max_value=40),
    length=st.integers(min_value=0, max_value=30),
    field=st.sampled_from(["A", "B", "C"]),
    covered=st.sets(st.sampled_from(["A", "B", "C"])),
)
def test_the_entrustment_rule_never_passes_outside_its_period_or_fields(
    start, length, field, covered
):
    base = date(2021, 6, 1)
    facts = EntrustmentFacts(
        name="中心",
        number="委1",
        valid_from=base,
        valid_until=base + timedelta(days=20),
        field_codes=frozenset(covered),
    )
    window = Window(base + timedelta(days=start), base + timedelta(days=start + length))
    codes = {r.code for r in judge_entrustment(facts, field_code=field, window=window)}
    inside = facts.valid_from <= window.start and window.end <= facts.valid_until
    assert ("entrusted-expired" in codes) == (not inside)
    assert ("entrusted-scope" in codes) == (field not in covered)


def test_the_bulk_checker_needs_one_more_query_for_any_number_of_entrusted_officers(
    make_officer,
    make_certificate,
    kj,
    centre,
    department_admin,
    item,
    django_assert_max_num_queries,
):
    for n in range(6):
        officer = make_officer(kj, name=f"受托{n}")
        make_certificate(officer)
        join(officer, centre, actor=department_admin)
    with django_assert_max_num_queries(6):
        checker = EligibilityChecker(Officer.objects.filter(department=kj), WINDOW)
        assert all(checker.check(o, firm=FIRM, item=item).eligible for o in checker.officers)


# --- the writes ----------------------------------------------------------------------------------


def test_setting_an_officers_organisation_is_audited_with_its_before(
    centre_officer, centre, department_admin
):
    event = AuditEvent.objects.filter(action="personnel.officer.update").latest("pk")
    assert event.detail["fields"] == ["entrusted_organisation"]
    assert event.detail["entrusted_organisation"] == ["", str(centre)]
    join(centre_officer, None, actor=department_admin)
    event = AuditEvent.objects.filter(action="personnel.officer.update").latest("pk")
    assert event.detail["entrusted_organisation"] == [str(centre), ""]


def test_an_organisation_of_another_department_is_refused(
    make_officer, kj, ga, foreign_work, ga_department_admin, department_admin
):
    other = entrust(ga_department_admin, ga, fields=[foreign_work], name="公安服务中心")
    officer = make_officer(kj, name="錯配")
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        join(officer, other, actor=department_admin)
    assert refused.value.message_dict["entrusted_organisation"] == [
        "只能选择本部门委托的受委托组织"
    ]
    officer.refresh_from_db()
    assert officer.entrusted_organisation is None and AuditEvent.objects.count() == before


def test_a_new_entrustment_needs_its_fields_and_nothing_is_recorded_without(department_admin, kj):
    with pytest.raises(ValidationError) as refused:
        entrust(department_admin, kj, fields=[])
    assert refused.value.message_dict["enforcement_fields"] == ["请选择委托范围涵盖的执法领域"]
    assert not EntrustedOrganisation.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="organisation.").exists()


def test_a_change_of_fields_is_audited_with_before_and_after(
    centre, department_admin, foreign_work, exit_entry
):
    event = AuditEvent.objects.get(action="personnel.entrustment.fields")
    assert event.detail["before"] == [] and event.detail["after"] == ["FOREIGN_WORK"]
    assert event.action_label == "设定受委托组织的委托执法领域"
    services.record_entrusted_organisation(
        actor=department_admin,
        organisation=centre,
        enforcement_fields=[foreign_work, exit_entry],
        name=centre.name,
        uscc=centre.uscc,
        entrustment_number=centre.entrustment_number,
        scope=centre.scope,
        valid_from=centre.valid_from,
        valid_until=centre.valid_until,
        published=True,
    )
    event = AuditEvent.objects.filter(action="personnel.entrustment.fields").latest("pk")
    assert event.detail["before"] == ["FOREIGN_WORK"]
    assert event.detail["after"] == ["EXIT_ENTRY", "FOREIGN_WORK"]
    assert sorted(centre.enforcement_fields.values_list("code", flat=True)) == [
        "EXIT_ENTRY",
        "FOREIGN_WORK",
    ]


# --- the pages -----------------------------------------------------------------------------------


def test_the_officer_form_offers_only_the_departments_organisations_and_saves_one(
    client, login, department_admin, kj, ga, ga_department_admin, centre, foreign_work, make_officer
):
    entrust(ga_department_admin, ga, fields=[foreign_work], name="公安服务中心")
    officer = make_officer(kj, name="页面人")
    login(department_admin)
    url = reverse("personnel:officer-edit", args=[officer.pk])
    page = client.get(url).content.decode()
    assert "所属受委托组织" in page and "市科技服务中心" in page and "公安服务中心" not in page
    form = {
        "name": "页面人",
        "citizen_id": officer.citizen_id,
        "gender": "",
        "category": "civil_servant",
        "status": "on_duty",
        "entrusted_organisation": str(centre.pk),
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()
    officer.refresh_from_db()
    assert officer.entrusted_organisation == centre
    detail = client.get(reverse("personnel:officer", args=[officer.pk])).content.decode()
    assert 'data-testid="entrusted-organisation"' in detail and "市科技服务中心" in detail
    event = AuditEvent.objects.filter(action="personnel.officer.update").latest("pk")
    assert "entrusted_organisation" in event.detail["fields"]
    assert event.detail["entrusted_organisation"] == ["", str(centre)]


def test_the_create_form_sets_the_organisation(client, login, department_admin, kj, centre):
    login(department_admin)
    response = client.post(
        reverse("personnel:officer-create"),
        {
            "name": "新受托",
            "citizen_id": citizen_id(),
            "gender": "",
            "category": "certified_staff",
            "status": "on_duty",
            "entrusted_organisation": str(centre.pk),
        },
    )
    assert response.status_code == 302, response.content.decode()
    officer = Officer.objects.get(name="新受托")
    assert officer.entrusted_organisation == centre
    event = AuditEvent.objects.filter(action="personnel.officer.create").latest("pk")
    assert event.detail["entrusted_organisation"] == str(centre)


def test_the_entrustment_form_sets_its_fields_and_the_list_shows_them(
    client, login, department_admin, kj, foreign_work, exit_entry
):
    login(department_admin)
    url = reverse("personnel:entrusted-create", args=[kj.pk])
    form = {
        "name": "市科技服务中心",
        "uscc": make_uscc(org_body8="MA0Y1234"),
        "entrustment_number": "KJWT-2021-01",
        "scope": "外国人来华工作许可事项检查",
        "valid_from": "2021-01-01",
        "valid_until": "2021-12-31",
        "published": "on",
    }
    refused = client.post(url, form)  # no field ticked
    assert refused.status_code == 200
    assert not EntrustedOrganisation.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="organisation.").exists()

    response = client.post(url, {**form, "enforcement_fields": [foreign_work.pk]})
    assert response.status_code == 302, response.content.decode()
    organisation = EntrustedOrganisation.objects.get()
    assert list(organisation.enforcement_fields.all()) == [foreign_work]
    page = client.get(reverse("personnel:bodies")).content.decode()
    assert "执法领域：外国人来华工作许可" in page

    edit = reverse("personnel:entrusted-edit", args=[organisation.pk])
    ticked = re.findall(
        r'<input[^>]*name="enforcement_fields"[^>]*>', client.get(edit).content.decode()
    )
    assert [t for t in ticked if "checked" in t] == [
        t for t in ticked if f'value="{foreign_work.pk}"' in t
    ]
    client.post(edit, {**form, "enforcement_fields": [exit_entry.pk]})
    assert list(organisation.enforcement_fields.all()) == [exit_entry]


def test_the_public_bodies_page_lists_the_organisation_and_no_officer(
    client, centre_officer, centre, kj, department_admin
):
    from backend.organisation.services import register_inspection_body

    register_inspection_body(
        actor=department_admin,
        department=kj,
        legal_status="administrative_organ",
        legal_basis="《科学技术进步法》第一百零五条",
        confirmed_on=date(2021, 1, 1),
        announcement_number="长府法公告〔2021〕3号",
    )
    # The portal lists the 委托s in force today: make this one so.
    today = timezone.localdate()
    EntrustedOrganisation.objects.filter(pk=centre.pk).update(
        valid_from=today - timedelta(days=1), valid_until=today + timedelta(days=1)
    )
    body = client.get("/public/bodies/").content.decode()
    assert "市科技服务中心" in body and centre.entrustment_number in body
    assert centre_officer.name not in body
