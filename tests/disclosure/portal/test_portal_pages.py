"""The public portal's pages: no login, Chinese, server-rendered, usable without JavaScript."""

import re

import pytest
from django.urls import reverse

from backend.text import chinese_date
from inspections.directory.models import FirmStatus, TargetType
from inspections.directory.services import publish_item_version, retire_item, revise_item


def text_of(response) -> str:
    return response.content.decode()


def test_the_portal_home_offers_search_and_every_section_without_login(client, db):
    response = client.get("/public/")
    assert response.status_code == 200
    body = text_of(response)
    assert "双随机、一公开 信息公示" in body
    # A plain GET form: works without JavaScript.
    assert re.search(r'<form method="get" action="/public/firms/"', body)
    for name in ("public:items", "public:officers", "public:procedures"):
        assert reverse(name) in body


def test_the_anonymous_root_page_links_to_the_portal(client, db):
    body = text_of(client.get("/"))
    assert 'href="/public/"' in body
    assert 'action="/public/firms/"' in body


def test_a_complete_code_opens_that_firm(client, make_firm):
    firm = make_firm(name="长春一汽富维汽车零部件股份有限公司")
    response = client.get("/public/firms/", {"q": firm.uscc.lower()})
    assert response.status_code == 302
    assert response["Location"] == f"/public/firms/{firm.uscc}/"


def test_a_complete_code_nobody_has_says_so(client, make_firm):
    from backend.codes import make_uscc

    unknown = make_uscc(region="220102", org_body8="MA999999")
    response = client.get("/public/firms/", {"q": unknown})
    assert response.status_code == 200
    assert f"未找到统一社会信用代码为 {unknown} 的检查对象" in text_of(response)


def test_a_code_with_a_wrong_check_character_is_explained(client, make_firm):
    firm = make_firm()
    wrong = firm.uscc[:-1] + ("0" if firm.uscc[-1] != "0" else "1")
    body = text_of(client.get("/public/firms/", {"q": wrong}))
    assert "校验" in body


def test_a_name_lists_the_matching_firms_in_pages(client, make_firm, monkeypatch):
    monkeypatch.setattr("disclosure.portal_views.FIRMS_PER_PAGE", 2)
    matching = [make_firm(name=f"长春星辰科技{n}有限公司") for n in range(5)]
    make_firm(name="吉林市别的公司")
    response = client.get("/public/firms/", {"q": "星辰科技"})
    body = text_of(response)
    assert [f.name for f in matching[:2]] == re.findall(r">(长春星辰科技\d有限公司)<", body)
    seen = re.findall(r">(长春星辰科技\d有限公司)<", body)
    while 'rel="next"' in body:
        next_url = re.search(r'<a href="([^"]+)" rel="next"', body).group(1).replace("&amp;", "&")
        body = text_of(client.get(f"/public/firms/{next_url}"))
        seen += re.findall(r">(长春星辰科技\d有限公司)<", body)
    assert seen == [f.name for f in matching]
    assert "吉林市别的公司" not in seen
    previous = re.search(r'<a href="([^"]+)" rel="prev"', body).group(1).replace("&amp;", "&")
    body = text_of(client.get(f"/public/firms/{previous}"))
    assert re.findall(r">(长春星辰科技\d有限公司)<", body) == [f.name for f in matching[2:4]]


def test_the_search_page_without_a_query_lists_nothing(client, make_firm):
    make_firm(name="长春不该列出有限公司")
    body = text_of(client.get("/public/firms/"))
    assert "长春不该列出有限公司" not in body


def test_a_firms_page_shows_its_public_facts_and_no_results_yet(client, make_firm):
    firm = make_firm(
        name="长春测试科技有限公司",
        region="220104",
        industry_code="I6513",
        status=FirmStatus.DEREGISTERED,
    )
    response = client.get(f"/public/firms/{firm.uscc}/")
    assert response.status_code == 200
    body = text_of(response)
    for shown in (firm.name, firm.uscc, "吉林省长春市朝阳区", "应用软件开发", "注销"):
        assert shown in body
    assert "本平台尚未公示该对象的抽查检查结果" in body


def test_an_unknown_firm_is_not_found(client, db):
    assert client.get("/public/firms/91220102MA0000000X/").status_code == 404


def test_the_item_list_shows_current_versions_and_links_past_ones_never_drafts(client, make_item):
    item = make_item(code="KJ-WGR-001", name="外国人来华工作许可事项检查")
    revised = revise_item(
        actor=None, item=item, change_reason="依据修订", name="外国人来华工作许可事项检查（2022）"
    )
    publish_item_version(actor=None, version=revised)
    revise_item(actor=None, item=item, change_reason="起草中", name="尚未发布的第三版")
    make_item(code="KJ-DRAFT-ONLY", name="从未发布的事项", publish=False)
    retired = make_item(code="KJ-OLD-001", name="已停用的事项")
    retire_item(actor=None, item=retired, reason="上位法废止")

    body = text_of(client.get("/public/items/"))
    assert "外国人来华工作许可事项检查（2022）" in body
    assert "现行 · 第2版" in body
    assert "历史版本 1 个" in body
    assert "已停用的事项" in body and "已停用" in body
    assert "尚未发布的第三版" not in body
    assert "从未发布的事项" not in body
    assert "《外国人在中国就业管理规定》第二十四条" in body
    assert "工作许可证件在有效期内" in body
    assert "实地检查、书面检查" in body

    detail = text_of(client.get("/public/items/KJ-WGR-001/"))
    assert "第2版 · 已发布" in detail
    assert "第1版 · 已被新版本替代" in detail
    assert "尚未发布的第三版" not in detail
    assert client.get("/public/items/KJ-DRAFT-ONLY/").status_code == 404


def test_the_item_list_filters_by_department_and_state(client, make_item, ga):
    make_item(code="KJ-A", name="科技局的事项")
    make_item(code="GA-A", name="公安局的事项", department=ga)
    retire_item(actor=None, item=make_item(code="KJ-B", name="停用的事项"), reason="废止")
    body = text_of(client.get("/public/items/", {"department": "GA"}))
    assert "公安局的事项" in body and "科技局的事项" not in body
    body = text_of(client.get("/public/items/", {"in_force": "false"}))
    assert "停用的事项" in body and "科技局的事项" not in body


def test_the_officer_list_shows_names_and_valid_certificates_only(
    client, kj, make_officer, make_certificate, foreign_work
):
    officer = make_officer(kj, name="林执法", position="科长", phone="13912345678")
    certificate = make_certificate(officer, number="2201KJ0000001")
    body = text_of(client.get("/public/officers/"))
    assert "林执法" in body
    assert certificate.number in body
    assert "外国人来华工作许可" in body
    assert chinese_date(certificate.valid_to) in body
    assert "13912345678" not in body
    assert officer.citizen_id not in body
    assert "科长" not in body


def test_the_officer_list_verifies_a_certificate_number(client, kj, make_officer, make_certificate):
    make_certificate(make_officer(kj, name="林执法"), number="2201KJ0000001")
    make_certificate(make_officer(kj, name="郑执法"), number="2201KJ0000002")
    body = text_of(client.get("/public/officers/", {"certificate": "2201KJ0000002"}))
    assert "郑执法" in body and "林执法" not in body
    assert "共 1 人" in body


def test_the_procedures_page_states_the_remedies_and_their_time_limits(client, kj):
    body = text_of(client.get("/public/procedures/"))
    assert (
        "行政复议" in body and "六十日" in body and "《中华人民共和国行政复议法》第二十条" in body
    )
    assert (
        "行政诉讼" in body and "六个月" in body and "《中华人民共和国行政诉讼法》第四十六条" in body
    )
    assert "有权拒绝接受检查" in body
    assert "申请回避" in body
    assert kj.name in body


@pytest.mark.parametrize(
    "url", ["/public/", "/public/firms/", "/public/items/", "/public/officers/"]
)
def test_pages_only_answer_reads(client, db, url):
    assert client.post(url).status_code == 405


def test_an_individual_business_is_listed_by_its_name_and_code_only(client, make_firm):
    firm = make_firm(
        name="南关区王记小吃店",
        org_type="2",
        target_type=TargetType.INDIVIDUAL,
        address="吉林省长春市南关区幸福街道3号楼2单元501室",
        legal_representative="王小明",
    )
    body = text_of(client.get(f"/public/firms/{firm.uscc}/"))
    assert "南关区王记小吃店" in body
    assert "幸福街道" not in body
    assert "王小明" not in body
