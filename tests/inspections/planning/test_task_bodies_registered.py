"""Only registered inspection bodies (执法主体) open or announce a task, when the setting
`REQUIRE_REGISTERED_BODIES` requires it; off (the default) an upgraded installation goes on."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from backend.organisation.models import InspectionBody, LegalStatus
from inspections.planning.models import SamplingTask, TaskStatus
from inspections.planning.services import confirm_participation, transition_task


def _register(department, confirmed_on=date(2020, 1, 2)):
    InspectionBody.objects.create(
        department=department,
        legal_status=LegalStatus.ADMINISTRATIVE_ORGAN,
        legal_basis="《某法》第十条",
        confirmed_on=confirmed_on,
        announcement_number=f"公告〔2020〕{department.code}号",
    )


def test_without_the_setting_an_unregistered_department_still_opens_and_announces(
    planner, open_draft_task, settings
):
    settings.REQUIRE_REGISTERED_BODIES = False
    task = open_draft_task()
    assert transition_task(actor=planner, task=task, to=TaskStatus.FIRMS_ANNOUNCED).status == (
        TaskStatus.FIRMS_ANNOUNCED
    )


def test_an_unregistered_lead_department_opens_no_task(open_draft_task, kj, settings):
    settings.REQUIRE_REGISTERED_BODIES = True
    with pytest.raises(ValidationError, match="市科学技术局尚未登记为执法主体"):
        open_draft_task()
    assert not SamplingTask.objects.exists()


def test_a_body_filled_in_but_not_announced_is_not_registered(open_draft_task, kj, settings):
    settings.REQUIRE_REGISTERED_BODIES = True
    InspectionBody.objects.create(
        department=kj, legal_status=LegalStatus.ADMINISTRATIVE_ORGAN, legal_basis="《某法》"
    )
    with pytest.raises(ValidationError, match="尚未登记为执法主体"):
        open_draft_task()
    assert not SamplingTask.objects.exists()


def test_an_unregistered_joint_department_keeps_the_draw_from_being_announced(
    planner, kj, ga, staff, foreign_work, open_draft_task, settings
):
    settings.REQUIRE_REGISTERED_BODIES = True
    staff(ga, foreign_work, 2)
    _register(kj)
    with pytest.raises(ValidationError, match="市公安局尚未登记为执法主体"):
        open_draft_task(seats={kj: 1, ga: 1})
    # Registration required only later (the setting turned on after the task was opened):
    settings.REQUIRE_REGISTERED_BODIES = False
    task = open_draft_task(seats={kj: 1, ga: 1})
    confirm_participation(actor=None, task=task, department=ga)
    settings.REQUIRE_REGISTERED_BODIES = True
    with pytest.raises(ValidationError, match="市公安局尚未登记为执法主体"):
        transition_task(actor=planner, task=task, to=TaskStatus.FIRMS_ANNOUNCED)
    assert SamplingTask.objects.get(pk=task.pk).status == TaskStatus.DRAFT

    _register(ga)
    assert transition_task(actor=planner, task=task, to=TaskStatus.FIRMS_ANNOUNCED).status == (
        TaskStatus.FIRMS_ANNOUNCED
    )
