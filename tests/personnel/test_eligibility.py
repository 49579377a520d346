"""Eligibility: may this officer inspect this firm, for this item, on these dates; if not, why.

Each reason alone, several at once, the bulk checker the draw uses, and the certificate rule
as a property: never eligible without a usable certificate covering the field and the window.
"""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from personnel import services
from personnel.eligibility import (
    CertificateFacts,
    EligibilityChecker,
    FirmRef,
    Window,
    eligibility,
    eligibility_matrix,
    eligible_officers,
    judge_certificates,
)
from personnel.models import Officer
from tests.personnel.conftest import FIRM, WINDOW, hours, uscc


def _ask(officer, item, **kwargs):
    kwargs.setdefault("firm", FIRM)
    kwargs.setdefault("window", WINDOW)
    return eligibility(officer=officer, item=item, **kwargs)


def test_a_certified_officer_on_duty_is_eligible(certified_officer, item):
    result = _ask(certified_officer, item)
    assert result.eligible
    assert result.reasons == []
    assert result.certificate == certified_officer.certificates.get()


def test_an_officer_without_a_certificate_is_not(officer, item):
    result = _ask(officer, item)
    assert not result.eligible
    assert result.codes == ["cert-missing"]
    assert result.reasons[0].message == "没有有效的执法证"
    assert result.certificate is None


@pytest.mark.parametrize("step", ["suspend", "revoke"])
def test_a_suspended_or_revoked_certificate_does_not_count(certified_officer, item, step):
    certificate = certified_officer.certificates.get()
    getattr(services, f"{step}_certificate")(actor=None, certificate=certificate, reason="处分")
    result = _ask(certified_officer, item)
    assert result.codes == ["cert-missing"]
    assert certificate.number in result.reasons[0].message


@pytest.mark.parametrize(
    "valid_from,valid_to",
    [
        pytest.param(date(2016, 1, 1), date(2020, 12, 31), id="expired before the window"),
        pytest.param(date(2020, 1, 1), date(2021, 6, 10), id="expires during the window"),
        pytest.param(date(2021, 6, 10), date(2026, 6, 9), id="starts during the window"),
    ],
)
def test_a_certificate_must_be_valid_for_the_whole_window(
    officer, make_certificate, item, valid_from, valid_to
):
    make_certificate(officer, valid_from=valid_from, valid_to=valid_to)
    result = _ask(officer, item)
    assert result.codes == ["cert-expired"]
    assert "2021年6月7日至2021年6月18日" in result.reasons[0].message


def test_the_window_boundaries_are_included(officer, make_certificate, item):
    make_certificate(officer, valid_from=WINDOW.start, valid_to=WINDOW.end)
    assert _ask(officer, item).eligible


def test_a_certificate_must_cover_the_items_field(officer, make_certificate, exit_entry, item):
    make_certificate(officer, fields=[exit_entry])
    result = _ask(officer, item)
    assert result.codes == ["cert-field"]
    assert "FOREIGN_WORK" in result.reasons[0].message


def test_an_expired_certificate_of_the_field_is_not_saved_by_a_valid_one_of_another(
    officer, make_certificate, exit_entry, foreign_work, item
):
    make_certificate(officer, fields=[exit_entry])
    make_certificate(officer, fields=[foreign_work], valid_to=date(2020, 12, 31))
    assert _ask(officer, item).codes == ["cert-expired"]


def test_the_certificate_valid_longest_qualifies(officer, make_certificate, item):
    make_certificate(officer, valid_to=date(2022, 12, 31))
    longest = make_certificate(officer, valid_to=date(2026, 12, 31))
    assert _ask(officer, item).certificate == longest


@pytest.mark.parametrize("status", ["off_duty", "transferred", "retired"])
def test_an_officer_not_on_duty_is_not_eligible(certified_officer, item, status):
    services.update_officer(actor=None, officer=certified_officer, status=status)
    result = _ask(certified_officer, item)
    assert result.codes == ["off-duty"]
    assert "不在岗" in result.reasons[0].message


def test_a_declared_conflict_with_the_firm_excludes_the_officer(certified_officer, item):
    services.declare_conflict(
        actor=None,
        officer=certified_officer,
        firm_uscc=FIRM.uscc.lower(),
        relation="relative",
        source="self_declared",
        valid_from=date(2020, 1, 1),
    )
    result = _ask(certified_officer, item)
    assert result.codes == ["conflict"]
    assert "近亲属" in result.reasons[0].message
    other_firm = FirmRef(uscc=uscc("MA22222X"), region_code=FIRM.region_code)
    assert _ask(certified_officer, item, firm=other_firm).eligible


@pytest.mark.parametrize(
    "valid_from,valid_to,applies",
    [
        (date(2021, 6, 18), None, True),  # starts on the window's last day
        (date(2019, 1, 1), date(2021, 6, 7), True),  # ends on its first day
        (date(2019, 1, 1), date(2021, 6, 6), False),  # ended the day before
        (date(2021, 6, 19), None, False),  # starts the day after
    ],
)
def test_a_conflict_counts_only_when_valid_during_the_window(
    certified_officer, item, valid_from, valid_to, applies
):
    services.declare_conflict(
        actor=None,
        officer=certified_officer,
        firm_uscc=FIRM.uscc,
        relation="former_employment",
        source="review",
        valid_from=valid_from,
        valid_to=valid_to,
    )
    assert (_ask(certified_officer, item).codes == ["conflict"]) is applies


def test_a_granted_recusal_request_excludes_the_officer_and_a_refused_one_does_not(
    certified_officer, item, department_admin
):
    request = services.file_recusal_request(
        actor=department_admin,
        officer=certified_officer,
        firm_uscc=FIRM.uscc,
        firm_name="长春某科技有限公司",
        requested_on=date(2021, 6, 1),
        grounds="检查人员曾在本公司任职",
    )
    assert _ask(certified_officer, item).eligible  # pending: not yet a conflict
    services.decide_recusal_request(
        actor=department_admin,
        recusal=request,
        granted=True,
        decided_by="刘局长",
        decided_on=date(2021, 6, 2),
        reason="理由成立",
        relation="former_employment",
    )
    result = _ask(certified_officer, item)
    assert result.codes == ["conflict"]
    assert "当事人申请" in result.reasons[0].message


def test_cross_assignment_keeps_officers_out_of_their_own_area(certified_officer, item):
    own_area = FirmRef(uscc=FIRM.uscc, region_code="220102")
    assert _ask(certified_officer, item, firm=own_area).eligible
    result = _ask(certified_officer, item, firm=own_area, cross_assignment=True)
    assert result.codes == ["same-area"]
    assert "220102" in result.reasons[0].message
    assert _ask(certified_officer, item, cross_assignment=True).eligible  # FIRM is in 220104


def test_an_officer_without_an_area_is_never_excluded_by_cross_assignment(
    kj, make_officer, make_certificate, item
):
    officer = make_officer(kj, jurisdiction_area="")
    make_certificate(officer)
    firm = FirmRef(uscc=FIRM.uscc, region_code="")
    assert _ask(officer, item, firm=firm, cross_assignment=True).eligible


def test_training_hours_count_when_the_department_requires_them(certified_officer, kj, item):
    services.record_training(
        actor=None,
        officer=certified_officer,
        training_date=date(2020, 9, 1),
        hours=hours(24),
        topic="行政处罚法",
    )
    services.record_training(
        actor=None,
        officer=certified_officer,
        training_date=date(2021, 3, 1),  # this year's hours are not last year's
        hours=hours(30),
        topic="外国人来华工作管理",
    )
    assert _ask(certified_officer, item).eligible  # the department does not require it
    result = _ask(certified_officer, item, require_training=True)
    assert result.codes == ["training-short"]
    assert result.reasons[0].message == "2020年度培训24学时，不足40学时"

    services.update_training_policy(actor=None, department=kj, min_hours=hours(20), required=True)
    certified_officer.refresh_from_db()
    assert _ask(certified_officer, item).eligible
    assert _ask(certified_officer, item, require_training=False).eligible


def test_every_failing_condition_is_reported_at_once(officer, make_certificate, exit_entry, item):
    make_certificate(officer, fields=[exit_entry], valid_to=date(2020, 12, 31))
    services.update_officer(actor=None, officer=officer, status="off_duty")
    services.declare_conflict(
        actor=None,
        officer=officer,
        firm_uscc=FIRM.uscc,
        relation="investment",
        source="self_declared",
        valid_from=date(2020, 1, 1),
    )
    firm = FirmRef(uscc=FIRM.uscc, region_code="220102")
    result = _ask(officer, item, firm=firm, cross_assignment=True, require_training=True)
    assert result.codes == [
        "cert-field",
        "cert-expired",
        "off-duty",
        "conflict",
        "same-area",
        "training-short",
    ]
    assert all(reason.message for reason in result.reasons)


def test_a_window_must_not_end_before_it_starts():
    with pytest.raises(ValueError):
        Window(date(2021, 6, 2), date(2021, 6, 1))


# --------------------------------------------------------------------------- the draw's bulk use


def test_eligible_officers_lists_the_whole_department_with_reasons(
    kj, certified_officer, make_officer, item, ga_officer
):
    uncertified = make_officer(kj, name="甲")
    pairs = eligible_officers(department=kj, firm=FIRM, item=item, window=WINDOW)
    assert [officer for officer, _ in pairs] == [certified_officer, uncertified]
    assert [result.codes for _, result in pairs] == [[], ["cert-missing"]]


def test_the_bulk_checker_needs_the_same_few_queries_for_any_number_of_officers(
    kj, make_officer, make_certificate, item, django_assert_max_num_queries
):
    def load_and_check():
        checker = EligibilityChecker(Officer.objects.filter(department=kj), WINDOW)
        firms = [FirmRef(uscc=uscc(f"MA{n:05d}X"), region_code="220104") for n in range(10)]
        for officer in checker.officers:
            for firm in firms:
                checker.check(officer, firm=firm, item=item, cross_assignment=True)
        return checker

    for n in range(3):
        make_certificate(make_officer(kj, name=f"一{n}"))
    with django_assert_max_num_queries(5):
        assert len(load_and_check().officers) == 3
    for n in range(12):
        make_certificate(make_officer(kj, name=f"二{n}"))
    with django_assert_max_num_queries(5):
        assert len(load_and_check().officers) == 15


def test_the_matrix_answers_for_each_officer_and_firm(kj, certified_officer, item):
    services.declare_conflict(
        actor=None,
        officer=certified_officer,
        firm_uscc=FIRM.uscc,
        relation="relative",
        source="self_declared",
        valid_from=date(2020, 1, 1),
    )
    other = FirmRef(uscc=uscc("MA33333X"), region_code="220104")
    matrix = eligibility_matrix(
        officers=Officer.objects.filter(department=kj),
        firms=[FIRM, other],
        item=item,
        window=WINDOW,
    )
    assert matrix[(certified_officer.pk, FIRM.uscc)].codes == ["conflict"]
    assert matrix[(certified_officer.pk, other.uscc)].eligible


# --------------------------------------------------------------------------- the rule as a property

_DAY0 = date(2021, 1, 1)
_days = st.integers(min_value=0, max_value=60).map(lambda n: _DAY0 + timedelta(days=n))
_fields = st.frozensets(st.sampled_from(["A", "B", "C"]), max_size=3)


@st.composite
def _certificates(draw):
    result = []
    for n in range(draw(st.integers(min_value=0, max_value=4))):
        start, end = sorted([draw(_days), draw(_days)])
        result.append(
            CertificateFacts(
                number=f"C{n}",
                status=draw(st.sampled_from(["valid", "suspended", "revoked"])),
                valid_from=start,
                valid_to=end,
                field_codes=draw(_fields),
            )
        )
    return result


@st.composite
def _windows(draw):
    start, end = sorted([draw(_days), draw(_days)])
    return Window(start, end)


@given(certificates=_certificates(), window=_windows(), field=st.sampled_from(["A", "B", "C"]))
def test_the_certificate_rule_never_passes_a_failing_officer_nor_fails_a_good_one(
    certificates, window, field
):
    reasons, qualifying = judge_certificates(certificates, field_code=field, window=window)
    good = [
        c
        for c in certificates
        if c.status == "valid"
        and field in c.field_codes
        and c.valid_from <= window.start
        and window.end <= c.valid_to
    ]
    if good:
        assert reasons == [] and qualifying in good
    else:
        assert reasons and qualifying is None
        codes = {reason.code for reason in reasons}
        assert codes <= {"cert-missing", "cert-expired", "cert-field"}
        if not any(c.status == "valid" for c in certificates):
            assert codes == {"cert-missing"}
