"""Bidi controls, zero-width and control characters are stripped from names and free text at
import and at entry (issue 20, item 10): a firm named with U+202E comes out of pages and exports
without it."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from backend.codes import make_uscc
from backend.imports.models import ImportJob, Mode, Status
from backend.text import strip_invisible
from inspections.directory.models import Firm, InspectionItem
from inspections.draws.services.draws import announce_firms_draw, perform_draw
from personnel.models import Officer
from tests.conftest import log_in
from tests.personnel.conftest import citizen_id

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "长春华信" shows reversed after it
INVISIBLE = [
    "\u202a", "\u202b", "\u202c", "\u202d", RLO, "\u2066", "\u2067", "\u2068", "\u2069",
    "\u200e", "\u200f", "\u061c", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",
    "\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b",
]  # fmt: skip
NAME = "长春华信汽车零部件有限公司"
BIDI_NAME = f"{RLO}长春华信\u200b汽车\u2066零部件\u2069有限公司\ufeff"


@pytest.mark.parametrize("char", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_each_invisible_character_is_stripped(char):
    assert strip_invisible(f"长春{char}华信") == "长春华信"
    assert strip_invisible(f"长春{char}华信", multiline=True) == "长春华信"


def test_multi_line_text_keeps_its_lines_and_tabs_and_a_name_is_one_line():
    assert strip_invisible("第一行\r\n\t第二行\u2028第三行", multiline=True) == (
        "第一行\n\t第二行\n第三行"
    )
    assert strip_invisible("长春\n华信\t公司") == "长春 华信 公司"


@pytest.mark.parametrize(
    "text", [NAME, "长春　华信（吉林）有限公司", "A&B <公司> 1,234.5", "é ñ ü"]
)
def test_ordinary_text_is_unchanged(text):
    assert strip_invisible(text) == text == strip_invisible(text, multiline=True)


@pytest.fixture(autouse=True)
def _inline_imports(settings):
    settings.IMPORTS_IN_BACKGROUND = False


def _workbook(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_firm_imported_with_a_bidi_name_comes_out_clean_in_pages_and_exports(
    client, planner, django_capture_on_commit_callbacks
):
    uscc = make_uscc(region="220104", org_body8="10000001")
    content = _workbook(
        [
            ["统一社会信用代码", "名称", "行政区划代码", "住所"],
            [uscc, BIDI_NAME, "220104", f"{RLO}人民大街1号"],
        ]
    )
    log_in(client, planner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("imports:upload", args=["firms"]),
            {"file": SimpleUploadedFile("名录.xlsx", content), "mode": Mode.ALL_OR_NOTHING},
        )
    assert ImportJob.objects.get().status == Status.DONE
    firm = Firm.objects.get(uscc=uscc)
    assert firm.name == NAME and firm.address == "人民大街1号"

    for page in (reverse("directory:firms"), reverse("directory:firm", args=[firm.pk])):
        html = client.get(page).content.decode()
        assert NAME in html and RLO not in html and "\u200b" not in html
    export = reverse("directory:firm-export")
    sheet = load_workbook(io.BytesIO(client.get(export, {"format": "xlsx"}).getvalue())).active
    names = [row[1] for row in sheet.iter_rows(values_only=True)]
    assert names[1:] == [NAME]
    csv_text = b"".join(client.get(export, {"format": "csv"}).streaming_content).decode()
    assert NAME in csv_text and RLO not in csv_text
    api = client.get(f"/api/v1/firms/{firm.pk}/").json()
    assert api["name"] == NAME


def test_an_item_entered_through_the_api_and_the_page_is_stored_clean(
    client, planner, foreign_work
):
    log_in(client, planner)
    created = client.post(
        "/api/v1/items/",
        {
            "code": "KJ-API-001",
            "enforcement_field": "FOREIGN_WORK",
            "name": f"{RLO}外国人来华工作许可事项检查",
            "category": "general",
            "ratio_cap": "0.1",
            "legal_basis": "出境入境管理法\u200b",
            "methods": ["onsite"],
            "frequency": "每年1次",
            "checkpoints": ["许可证件\u202d有效"],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    version = InspectionItem.objects.get(code="KJ-API-001").versions.get()
    assert version.name == "外国人来华工作许可事项检查"
    assert version.legal_basis == "出境入境管理法"
    assert list(version.checkpoints.values_list("text", flat=True)) == ["许可证件有效"]

    response = client.post(
        reverse("directory:item-create"),
        {
            "code": "KJ-2021-010", "enforcement_field": foreign_work.pk,
            "name": f"{RLO}重点事项\u200d", "category": "general", "legal_basis": "依据",
            "target_type": "enterprise", "checkpoints": "一项", "methods": ["onsite"],
            "ratio_cap_percent": "5", "frequency": "每年",
        },
    )  # fmt: skip
    assert response.status_code == 302
    assert InspectionItem.objects.get(code="KJ-2021-010").versions.get().name == "重点事项"


def test_an_officer_entered_on_the_page_is_stored_clean(client, department_admin):
    log_in(client, department_admin)
    client.post(
        reverse("personnel:officer-create"),
        {
            "name": f"{RLO}韩执法", "citizen_id": citizen_id(), "gender": "",
            "phone": "13987654321", "position": "科员\u200b", "category": "certified_staff",
            "expertise": "科技项目", "jurisdiction_area": "220104", "status": "on_duty",
            "user": "",
        },
    )  # fmt: skip
    officer = Officer.objects.get()
    assert officer.name == "韩执法" and officer.position == "科员"


def test_witness_names_and_values_are_stored_and_published_clean(planner, open_draft_task):
    task = open_draft_task(witnesses=[f"{RLO}纪检监督员", "企业代表\u200b"])
    assert task.witnesses == ["纪检监督员", "企业代表"]
    draw = announce_firms_draw(actor=planner, task=task)
    draw = perform_draw(actor=planner, draw=draw, witness_values=[f"{RLO}83721", "长春\u2066晴"])
    assert draw.reveal["witness_values"] == ["83721", "长春晴"]
