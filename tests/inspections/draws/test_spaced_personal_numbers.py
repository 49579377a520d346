"""What a draw publishes as hashed never carries an ID or phone number, however it is written:
with spaces, hyphens, dots or full-width digits (issue 20, item 6: the spaced witness value)."""

import pytest
from django.core.exceptions import ValidationError

from backend.personal_numbers import has_personal_numbers, scrub
from inspections.draws.models import Draw, DrawStatus
from inspections.draws.services.draws import abandon_draw, announce_firms_draw, perform_draw

SPACED = [
    "1101 0119 9003 0745 14",  # the value that went public in reveal.json
    "1101-0119-9003-0745-14",
    "1101.0119.9003.0745.14",
    "110101 19900307 4514",
    "１１０１０１１９９００３０７４５１４",
    "１１０１ ０１１９ ９００３ ０７４５ １４",
    "110101 1990 0307 451X",
    "138-0013-8000",
    "138 0013 8000",
    "138.0013.8000",
    "１３８００１３８０００",
    "１３８－００１３－８０００",
    "+86 138 0013 8000",
    "0431 8888 6666",
    "０４３１－８８８８６６６６",
]

ORDINARY = [
    "2026-12-05",
    "2026.12.05 10:30",
    "检查时间 2026-12-05 至 2026-12-31",
    "罚款 1 234 567.89 元",
    "金额 12,345,678.00 元",
    "证书编号 ZJ-2026-000123",
    "执法证号 13-0100-2026-0001",
    "统一社会信用代码 91330100MA2XXXXX1X",
    "批次 20261205-0001",
    "文号 浙市监〔2026〕15 号",
    "83721",
    "长春晴",
    "0.5 吨",
]


@pytest.mark.parametrize("value", SPACED)
def test_numbers_written_with_separators_or_full_width_digits_are_found(value):
    assert has_personal_numbers(value)
    assert has_personal_numbers(f"见证人王某（{value}）未到场")
    # The public side masks them too: the middle digits never reach a page.
    assert scrub(value) != value and "*" in scrub(value)
    assert "0119" not in scrub(value).translate({0xFF10 + d: 0x30 + d for d in range(10)})


@pytest.mark.parametrize("text", ORDINARY)
def test_dates_amounts_and_certificate_numbers_are_not_personal_numbers(text):
    assert not has_personal_numbers(text)
    assert scrub(text) == text


@pytest.fixture
def announced(planner, open_draft_task):
    return announce_firms_draw(actor=planner, task=open_draft_task(witnesses=["纪检监督员"]))


@pytest.mark.parametrize("value", SPACED)
def test_a_spaced_witness_value_is_refused_and_nothing_is_drawn(planner, announced, value):
    with pytest.raises(ValidationError) as refused:
        perform_draw(actor=planner, draw=announced, witness_values=[value])
    assert refused.value.messages == [
        "纪检监督员的见证值随抽取揭示永久公开，不能是身份证号码或电话号码，请另选一个"
    ]
    announced.refresh_from_db()
    assert announced.status == DrawStatus.ANNOUNCED and announced.reveal is None


def test_the_ceremony_page_refuses_the_spaced_value(login, planner, announced):
    client = login(planner)
    refused = client.post(
        f"/tasks/{announced.task_id}/draws/{announced.public_id}/perform/",
        {"witness_value": ["1101 0119 9003 0745 14"]},
        follow=True,
    )
    assert "纪检监督员的见证值随抽取揭示永久公开" in refused.content.decode()
    assert Draw.objects.get().status == DrawStatus.ANNOUNCED


@pytest.mark.parametrize("value", ["2026-12-05", "1 234.5"])
def test_an_ordinary_witness_value_is_still_accepted(planner, announced, value):
    draw = perform_draw(actor=planner, draw=announced, witness_values=[value])
    assert draw.reveal["witness_values"] == [value]


@pytest.mark.parametrize("name", ["企业代表 139-0431-1234", "监督员１３９０４３１１２３４"])
def test_a_witness_name_with_a_spaced_phone_is_refused(open_draft_task, name):
    with pytest.raises(ValidationError) as refused:
        open_draft_task(witnesses=["纪检监督员", name])
    assert any("见证人名称随抽取公告公开" in m for m in refused.value.messages)


def test_a_replacement_reason_with_a_spaced_id_is_refused(planner, department_admin, announced):
    abandoned = abandon_draw(actor=planner, draw=announced, reason="见证人未到场")
    with pytest.raises(ValidationError) as refused:
        announce_firms_draw(
            actor=planner,
            task=abandoned.task,
            replaces=abandoned,
            reason="见证人王某（2201 0219 9003 0712 34）未到场",
            approved_by=department_admin,
        )
    assert refused.value.messages == ["递补原因随抽取公告永久公开，不能含身份证号码或电话号码"]
    assert Draw.objects.count() == 1
