"""Audit action names are defined once, in each app's enumeration, and read as Chinese text."""

import ast
import lzma
import re
import sqlite3
from io import BytesIO
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from backend.audit import actions
from backend.audit.services import record_event
from backend.imports.actions import ImportAction
from fieldwork.actions import FieldworkAction
from inspections.planning.actions import PlanningAction
from personnel.actions import PersonnelAction
from tests.conftest import log_in

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = [
    "backend",
    "personnel",
    "inspections",
    "fieldwork",
    "legalreview",
    "ratings",
    "disclosure",
    "demo",
]
UPGRADE_FIXTURE = ROOT / "tests" / "fixtures" / "upgrade" / "f2996fa.sqlite3.xz"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _action_arguments():
    for app in PRODUCT:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("record_event"):
                    for keyword in node.keywords:
                        if keyword.arg == "action":
                            where = f"{path.relative_to(ROOT)}:{node.lineno}"
                            yield where, keyword.value


def _is_a_member(node: ast.expr) -> bool:
    """`App.MEMBER`, `App.of_x(...)`, an importer's or a job kind's `audit_action`, or
    a choice of two."""
    if isinstance(node, ast.IfExp):
        return _is_a_member(node.body) and _is_a_member(node.orelse)
    if isinstance(node, ast.Attribute) and node.attr == "audit_action":
        return True
    if isinstance(node, ast.Call):
        node = node.func
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id.endswith("Action")
    )


def test_no_action_name_is_typed_at_a_call_site():
    found = list(_action_arguments())
    assert len(found) > 90  # the scan reads the product's calls, not nothing
    typed = [f"{where}: {ast.unparse(value)}" for where, value in found if not _is_a_member(value)]
    assert typed == []


def test_every_enumeration_is_registered_and_every_name_has_a_chinese_label():
    registered = dict(actions.choices())
    assert len(registered) > 100
    for value, label in registered.items():
        assert CHINESE.search(label), value
    for enumeration in (PlanningAction, FieldworkAction, PersonnelAction, ImportAction):
        assert {member.value for member in enumeration} <= registered.keys()


def test_a_name_defined_by_two_apps_is_refused():
    from django.core.exceptions import ImproperlyConfigured
    from django.db import models

    class Again(models.TextChoices):
        SUBMIT = PlanningAction.PLAN_SUBMIT.value, "再次提交"

    with pytest.raises(ImproperlyConfigured, match="plans.submit"):
        actions.register(Again)
    assert actions.label("plans.submit") == "提交计划审批"


def test_names_built_at_run_time_must_exist():
    assert FieldworkAction.of_record("result", correction=True) == "fieldwork.result.correct"
    assert PersonnelAction.of_certificate("revoke") == PersonnelAction.CERTIFICATE_REVOKE
    with pytest.raises(ValueError):
        FieldworkAction.of_record("made_up", correction=False)


def test_each_importer_names_its_action_and_one_that_does_not_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    from backend.imports.base import Importer
    from backend.imports.registry import all_importers, register

    for kind, importer in all_importers().items():
        assert actions.is_registered(importer.audit_action), kind
    assert actions.label("import.officers") == "导入执法人员和执法证"

    class Unnamed(Importer):
        kind = "unnamed"
        audit_action = "import.unnamed"

    with pytest.raises(ImproperlyConfigured, match="unnamed"):
        register(Unnamed)
    assert "unnamed" not in all_importers()


def test_every_action_in_a_database_of_the_older_release_has_its_label(tmp_path):
    path = tmp_path / "old.sqlite3"
    path.write_bytes(lzma.decompress(UPGRADE_FIXTURE.read_bytes()))
    with sqlite3.connect(path) as db:
        stored = [row[0] for row in db.execute("SELECT DISTINCT action FROM audit_auditevent")]
    assert len(stored) > 40
    assert [name for name in stored if not actions.is_registered(name)] == []


def test_the_audit_page_and_its_export_show_the_chinese_name(client, audit_admin, planner):
    record_event(action=PlanningAction.PLAN_SUBMIT, actor=planner)
    record_event(action=FieldworkAction.of_record("notice", correction=False), actor=planner)
    log_in(client, audit_admin)

    def table(query):
        body = client.get(reverse("audit:events"), query).content.decode()
        return body[body.index('data-testid="audit-events"') :]

    page = table({"actor": planner.username})
    assert "提交计划审批" in page and "记录：送达随机抽查通知书" in page
    assert "计划人员" in page  # the role too, not its code

    only = table({"action": "plans.submit"})
    assert "提交计划审批" in only and "记录：送达随机抽查通知书" not in only
    family = table({"action_code": "fieldwork."})
    assert "记录：送达随机抽查通知书" in family and "提交计划审批" not in family

    response = client.get(reverse("audit:export"), {"actor": planner.username})
    rows = list(load_workbook(BytesIO(response.content), read_only=True).active.values)
    header = rows[0]
    named = {(row[header.index("操作")], row[header.index("操作代码")]) for row in rows[1:]}
    assert named == {
        ("提交计划审批", "plans.submit"),
        ("记录：送达随机抽查通知书", "fieldwork.notice"),
    }
    assert {row[header.index("角色")] for row in rows[1:]} == {"计划人员"}


def test_the_audit_api_carries_the_names_too(client, audit_admin, planner):
    record_event(action=PlanningAction.PLAN_SUBMIT, actor=planner)
    log_in(client, audit_admin)
    data = client.get("/api/v1/audit-events/", {"action": "plans.submit"}).json()
    results = data["results"] if isinstance(data, dict) else data
    event = next(e for e in results if e["action"] == "plans.submit")
    assert (event["action_label"], event["role_label"]) == ("提交计划审批", "计划人员")
