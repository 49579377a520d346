"""The three pools are views of one directory, counted per department for a given date."""

from datetime import date

from django.urls import reverse

from backend.organisation.models import Department
from personnel import services
from personnel.pools import Pool, in_pool, pool_counts
from personnel.selectors import officers_visible_to
from tests.conftest import log_in


def _kj_roster(kj, make_officer, make_certificate):
    """KJ: two civil servants (one certified until 2022), one certified staff member, one
    routine supervisor, one retired certified civil servant."""
    certified_civil = make_officer(kj, name="甲", category="civil_servant")
    make_certificate(certified_civil, valid_from=date(2020, 1, 1), valid_to=date(2022, 12, 31))
    make_officer(kj, name="乙", category="civil_servant")
    staff = make_officer(kj, name="丙", category="certified_staff", status="off_duty")
    make_certificate(staff, valid_from=date(2021, 1, 1), valid_to=date(2025, 12, 31))
    make_officer(kj, name="丁", category="routine")
    retired = make_officer(kj, name="戊", category="civil_servant")
    make_certificate(retired)
    services.update_officer(actor=None, officer=retired, status="retired")


def test_pools_are_views_of_the_same_officers_on_a_date(kj, make_officer, make_certificate):
    _kj_roster(kj, make_officer, make_certificate)
    officers = kj.officers.all()

    def names(pool, on):
        return sorted(o.name for o in in_pool(officers, pool, on=on))

    assert names(Pool.CIVIL_SERVANT, date(2021, 6, 1)) == ["乙", "甲"]
    assert names(Pool.CERTIFIED, date(2021, 6, 1)) == ["丙", "甲"]
    assert names(Pool.CERTIFIED, date(2020, 6, 1)) == ["甲"]
    assert names(Pool.CERTIFIED, date(2023, 6, 1)) == ["丙"]
    assert names(Pool.ROUTINE, date(2021, 6, 1)) == ["丁"]


def test_a_suspended_certificate_takes_its_holder_out_of_the_certified_pool(
    kj, make_officer, make_certificate
):
    officer = make_officer(kj, category="routine")
    certificate = make_certificate(officer)
    services.suspend_certificate(actor=None, certificate=certificate, reason="暂扣")
    assert not in_pool(kj.officers.all(), Pool.CERTIFIED, on=date(2021, 6, 1)).exists()


def test_counts_per_department_include_empty_departments(
    kj, ga, make_officer, make_certificate, django_assert_max_num_queries
):
    _kj_roster(kj, make_officer, make_certificate)
    ga_certified = make_officer(ga, category="certified_staff")
    make_certificate(ga_certified)
    Department.objects.create(code="RS", name="市人力资源和社会保障局", region_code="220100")
    with django_assert_max_num_queries(2):
        counts = pool_counts(Department.objects.all(), on=date(2021, 6, 1))
    table = {
        row.department.code: (row.civil_servant, row.certified, row.routine, row.on_roster)
        for row in counts
    }
    assert table == {"GA": (0, 1, 0, 1), "KJ": (2, 2, 1, 4), "RS": (0, 0, 0, 0)}


def test_the_pools_page_shows_own_department_counts_for_the_chosen_date(
    client, planner, kj, ga, make_officer, make_certificate
):
    _kj_roster(kj, make_officer, make_certificate)
    make_officer(ga, category="routine")
    client.force_login(planner)
    response = client.get(reverse("personnel:pools"), {"on": "2023-06-01"})
    [row] = response.context["counts"]
    assert row.department == kj
    assert (row.civil_servant, row.certified, row.routine) == (2, 1, 1)
    body = response.content.decode()
    assert "行政执法类公务员库" in body and "具备行政执法资格人员库" in body
    assert "pool=certified&amp;on=2023-06-01" in body


def test_the_system_administrator_sees_every_departments_counts_but_no_names(
    client, system_admin, kj, ga, make_officer, make_certificate
):
    _kj_roster(kj, make_officer, make_certificate)
    log_in(client, system_admin)
    response = client.get(reverse("personnel:pools"))
    assert [row.department.code for row in response.context["counts"]] == ["GA", "KJ"]
    body = response.content.decode()
    assert reverse("personnel:pool-export") not in body
    assert client.get(reverse("personnel:officers")).status_code == 403
    assert not officers_visible_to(system_admin).exists()
