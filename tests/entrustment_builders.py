"""Entrusted organisations (受委托组织) for the tests: registered through the services as a
department administrator would, with the fields of their 委托."""

import itertools
from datetime import date

from backend.codes import make_uscc
from personnel.services import record_entrusted_organisation, update_officer

_bodies = itertools.count(1)


def entrust(
    actor,
    department,
    *,
    fields,
    number=None,
    name="长春市科技服务中心",
    valid_from=date(2021, 1, 1),
    valid_until=date(2021, 12, 31),
    published=True,
    scope="外国人来华工作许可事项的日常检查",
):
    serial = next(_bodies)
    return record_entrusted_organisation(
        actor=actor,
        department=department,
        enforcement_fields=fields,
        name=name,
        uscc=make_uscc(org_body8=f"MA{serial:05d}W"),
        entrustment_number=number or f"吉科委〔2021〕{serial}号",
        scope=scope,
        valid_from=valid_from,
        valid_until=valid_until,
        published=published,
    )


def join(officer, organisation, actor=None):
    """Make `officer` one of `organisation`'s people (audited like the edit page)."""
    return update_officer(actor=actor, officer=officer, entrusted_organisation=organisation)
