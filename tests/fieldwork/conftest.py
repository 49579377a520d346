"""Builders for the fieldwork tests: a task whose firms and teams are drawn and whose
inspections are open, and logins for the officers the draw seated."""

import pytest
from builders import *  # noqa: F403  (fixtures: make_item, make_firm, staff, published_plan, ...)

from backend.accounts.roles import Role
from fieldwork.services.inspections import start_fieldwork
from inspections.draws.services.draws import announce_firms_draw, announce_teams_draw, perform_draw


@pytest.fixture
def teams_drawn(planner, open_draft_task):
    """KJ's 2021 task with its firms (6 of 95) and teams (2 KJ officers each) drawn."""
    task = open_draft_task(witnesses=["纪检监督员"])
    perform_draw(
        actor=planner, draw=announce_firms_draw(actor=planner, task=task), witness_values=["7"]
    )
    task.refresh_from_db()
    perform_draw(
        actor=planner, draw=announce_teams_draw(actor=planner, task=task), witness_values=["8"]
    )
    task.refresh_from_db()
    return task


@pytest.fixture
def started_unapproved(planner, teams_drawn):
    """The task in progress, with one inspection per drawn firm, none approved yet."""
    start_fieldwork(actor=planner, task=teams_drawn)
    teams_drawn.refresh_from_db()
    return teams_drawn


@pytest.fixture
def started(started_unapproved, department_admin):
    """The task in progress, every inspection approved by KJ's head (行政检查审批)."""
    from fieldwork.services.approvals import approve_inspection

    for inspection in started_unapproved.inspections.all():
        approve_inspection(actor=department_admin, inspection=inspection)
    return started_unapproved


@pytest.fixture
def inspection(started):
    return started.inspections.order_by("code").first()


@pytest.fixture
def login_for(make_user):
    """The login of an officer (created on first use), with the inspector role."""

    def make(officer):
        if officer.user_id:
            return officer.user
        user = make_user(
            f"officer{officer.pk}", Role.INSPECTOR, officer.department, display_name=officer.name
        )
        officer.user = user
        officer.save(update_fields=["user"])
        return user

    return make


@pytest.fixture
def team(inspection, login_for):
    """The logins of the inspection's two seated officers, in seat order."""
    return [login_for(m.officer) for m in inspection.members.order_by("department__code", "seat")]


@pytest.fixture
def outsider(started, staff, kj, foreign_work, login_for):
    """A KJ inspector who sits on no team of the task."""
    seated = {m.officer_id for i in started.inspections.all() for m in i.members.all()}
    from personnel.models import Officer

    free = Officer.objects.exclude(pk__in=seated).filter(department=kj).first()
    if free is None:
        free = staff(kj, foreign_work, 1)[0]
    return login_for(free)


@pytest.fixture
def fill_record():
    """Record every stage up to (not including) submission, as the team would on site."""
    from datetime import date

    from fieldwork.selectors.records import checkpoints_of
    from fieldwork.services import records

    def fill(inspection, team, *, codes=("no-problem",)):
        first = team[0]
        records.issue_notice(
            actor=first, inspection=inspection, served_on=date.today(), delivery="当面送达"
        )
        numbers = [m.certificate_number for m in inspection.members.all()]
        records.record_arrival(
            actor=first,
            inspection=inspection,
            method="onsite",
            officers_present=numbers,
            certificates_shown=True,
            code_unverified_reason="检查对象未扫码核验（测试）",
            place="长春市朝阳区某大厦12层",
            latitude="43.880000",
            longitude="125.320000",
        )
        for point in checkpoints_of(inspection):
            records.record_findings(
                actor=first, inspection=inspection, check_point=point, checked=True
            )
        records.record_result(actor=first, inspection=inspection, codes=list(codes))
        records.record_firm_opinion(
            actor=first, inspection=inspection, opinion="无异议", signatory="王经理", signed=True
        )
        records.record_officer_signatures(actor=first, inspection=inspection, signed_by=numbers)
        inspection.refresh_from_db()
        return inspection

    return fill
