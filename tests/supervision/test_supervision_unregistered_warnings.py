"""The supervisor's warning of inspections by unregistered bodies (未登记主体检查): found once the
installation requires registered bodies, for an inspection that started before its body was
confirmed and announced, and not on or after that day."""

from datetime import date

import pytest

from backend.organisation.models import InspectionBody, LegalStatus
from supervision.alerts import Filters, find_warnings, warnings_for_task

YEAR = Filters(since=date(2021, 1, 1), until=date(2021, 12, 31), kind="unregistered")
TODAY = date(2021, 12, 31)


def _register(department, confirmed_on):
    InspectionBody.objects.create(
        department=department,
        legal_status=LegalStatus.ADMINISTRATIVE_ORGAN,
        legal_basis="《某法》第十条",
        confirmed_on=confirmed_on,
        announcement_number="公告〔2021〕1号",
    )


@pytest.mark.parametrize(
    ("confirmed_on", "warned"), [(date(2021, 6, 8), True), (date(2021, 6, 7), False)]
)
def test_an_inspection_before_its_body_was_confirmed_is_warned_of(
    settings, body_task, inspect, firm, kj, confirmed_on, warned
):
    inspection = inspect(body_task(start=date(2021, 6, 7)), firm)
    # Required once the work was done: the inspection started before the confirmation.
    settings.REQUIRE_REGISTERED_BODIES = True
    _register(kj, confirmed_on)
    found = find_warnings(YEAR, today=TODAY).found["unregistered"]
    assert bool(found) is warned
    if warned:
        (warning,) = found
        assert warning.inspections[0].code == inspection.code
        assert "市科学技术局尚未登记为执法主体" in warning.text
        assert warning.departments == (kj.pk,)


def test_a_body_never_registered_is_warned_of_and_the_filters_narrow_it(
    settings, body_task, inspect, firm, make_firm, kj, ga
):
    _register(kj, date(2020, 1, 1))
    inspect(body_task(department=ga), firm)
    inspect(body_task(), make_firm(name="吉林另一家公司"))
    settings.REQUIRE_REGISTERED_BODIES = True
    (warning,) = find_warnings(YEAR, today=TODAY).found["unregistered"]
    assert "市公安局" in warning.text
    narrowed = Filters(**{**YEAR.__dict__, "department": kj.pk})
    assert find_warnings(narrowed, today=TODAY).found["unregistered"] == []
    later = Filters(**{**YEAR.__dict__, "since": date(2021, 6, 8)})
    assert find_warnings(later, today=TODAY).found["unregistered"] == []


def test_without_the_setting_no_inspection_is_warned_of(settings, body_task, inspect, firm):
    settings.REQUIRE_REGISTERED_BODIES = False
    task = body_task()
    inspect(task, firm)
    assert find_warnings(YEAR, today=TODAY).found["unregistered"] == []
    assert warnings_for_task(task, today=TODAY).totals["unregistered"] == 0


def test_the_task_shows_its_own_inspections_by_an_unregistered_body(
    settings, body_task, inspect, firm
):
    task = body_task()
    inspect(task, firm)
    settings.REQUIRE_REGISTERED_BODIES = True
    assert warnings_for_task(task, today=TODAY).totals["unregistered"] == 1
