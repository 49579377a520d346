"""The directory and item pages: search, filters, counts, keyset pages, and who may open them."""

import re

import pytest
from django.urls import reverse

from inspections.directory.models import FOREIGN_EMPLOYER_TAG, FirmStatus
from inspections.directory.selectors import firm_page, firms_visible_to
from inspections.directory.services import publish_item_version, update_firm

FIRMS = reverse("directory:firms")


def listed(response) -> list[str]:
    return [firm.name for firm in response.context["page"].firms]


@pytest.fixture
def directory(make_firm):
    make_firm(name="长春一东汽车零部件有限公司", region="220102", risk_class="A")
    make_firm(name="长春富奥汽车零部件有限公司", region="220106", risk_class="B",
              tags={FOREIGN_EMPLOYER_TAG: {"foreign_staff": 7}})  # fmt: skip
    make_firm(name="吉林市化纤有限公司", region="220202", risk_class="C", industry_code="C28",
              abnormal_operation=True)  # fmt: skip
    make_firm(name="延吉软件有限公司", region="222401", risk_class="D", industry_code="I6513",
              serious_violation=True, status=FirmStatus.DEREGISTERED)  # fmt: skip


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    for url in (FIRMS, reverse("directory:items"), reverse("directory:firm-export")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "persona", ["system_admin", "security_admin", "audit_admin"], indirect=True
)
def test_the_separated_administrators_do_not_read_the_directory(login, persona):
    assert login(persona).get(FIRMS).status_code == 403
    assert firms_visible_to(persona).count() == 0


@pytest.mark.parametrize(
    "persona", ["planner", "inspector", "ga_inspector", "legal_reviewer", "department_admin"],
    indirect=True,
)  # fmt: skip
def test_every_departments_staff_reads_the_shared_directory(login, persona, directory):
    response = login(persona).get(FIRMS)
    assert response.status_code == 200
    assert len(listed(response)) == 4


@pytest.mark.parametrize(
    "query,expected",
    [
        ("q=富奥", ["长春富奥汽车零部件有限公司"]),
        ("q=汽车零部件", ["长春一东汽车零部件有限公司", "长春富奥汽车零部件有限公司"]),
        ("region=220100", ["长春一东汽车零部件有限公司", "长春富奥汽车零部件有限公司"]),
        ("region=220102", ["长春一东汽车零部件有限公司"]),
        ("region=220000", None),  # the whole province
        ("industry=I65", ["延吉软件有限公司"]),
        ("industry=6513", ["延吉软件有限公司"]),
        ("risk_class=C&risk_class=D", ["吉林市化纤有限公司", "延吉软件有限公司"]),
        ("status=deregistered", ["延吉软件有限公司"]),
        ("flag=abnormal_operation", ["吉林市化纤有限公司"]),
        ("flag=abnormal_operation&flag=serious_violation", []),
        (f"tag={FOREIGN_EMPLOYER_TAG}", ["长春富奥汽车零部件有限公司"]),
    ],
)
def test_search_and_filters(login, planner, directory, query, expected):
    response = login(planner).get(f"{FIRMS}?{query}&counts=1")
    assert response.status_code == 200
    if expected is None:
        assert len(listed(response)) == 4
    else:
        assert listed(response) == expected
        assert response.context["total"] == len(expected)


def test_search_by_code_exact_or_prefix(login, planner, directory, make_firm):
    firm = make_firm(name="按代码找", region="220581")
    client = login(planner)
    assert listed(client.get(f"{FIRMS}?q={firm.uscc.lower()}")) == ["按代码找"]
    assert listed(client.get(f"{FIRMS}?q={firm.uscc[:8]}")) == ["按代码找"]


def test_a_bad_industry_code_is_explained_not_ignored(login, planner, directory):
    response = login(planner).get(f"{FIRMS}?industry=ZZ")
    assert response.status_code == 200
    assert listed(response) == []
    assert "行业代码格式错误" in response.content.decode()


def test_counts_per_risk_class_follow_the_filter(login, planner, directory):
    response = login(planner).get(f"{FIRMS}?region=220100&counts=1")
    body = response.content.decode()
    assert re.search(r'data-testid="count-A">1<', body)
    assert re.search(r'data-testid="count-B">1<', body)
    assert re.search(r'data-testid="count-C">0<', body)
    assert re.search(r'data-testid="total">2<', body)


def test_the_page_does_not_wait_for_counts_it_has_not_cached(login, planner, directory):
    client = login(planner)
    first = client.get(f"{FIRMS}?region=220100")
    assert first.context["counts"] is None
    assert "正在统计" in first.content.decode()
    counts = client.get(f"{reverse('directory:firm-counts')}?region=220100").json()
    assert counts["total"] == 2
    assert {c["risk_class"]: c["count"] for c in counts["counts"]} == {
        "A": 1,
        "B": 1,
        "C": 0,
        "D": 0,
    }
    # Now cached: the next page view shows them at once.
    again = client.get(f"{FIRMS}?region=220100")
    assert again.context["total"] == 2


def test_a_write_through_the_services_refreshes_cached_counts(
    login, planner, directory, django_capture_on_commit_callbacks
):
    client = login(planner)
    assert client.get(f"{FIRMS}?counts=1").context["total"] == 4
    firm = firms_visible_to(planner).get(name="延吉软件有限公司")
    with django_capture_on_commit_callbacks(execute=True):
        update_firm(actor=planner, firm=firm, risk_class="A")
    response = client.get(f"{FIRMS}?counts=1")
    counts = {risk: n for _label, risk, n in response.context["counts"]}
    assert counts["A"] == 2 and counts["D"] == 0


def test_pages_are_read_by_keyset_without_counting(login, planner, make_firm, settings):
    for number in range(120):
        make_firm(name=f"企业{number:03d}")
    client = login(planner)
    first = client.get(FIRMS)
    page = first.context["page"]
    assert len(page.firms) == 50 and page.has_next and not page.has_previous
    second = client.get(f"{FIRMS}?after={page.last_id}")
    assert listed(second)[0] == "企业050"
    third = client.get(f"{FIRMS}?after={second.context['page'].last_id}")
    assert len(listed(third)) == 20 and not third.context["page"].has_next
    back = client.get(f"{FIRMS}?before={third.context['page'].first_id}")
    assert listed(back) == listed(second)


def test_a_page_is_one_query_of_size_plus_one(planner, make_firm, django_assert_max_num_queries):
    for number in range(60):
        make_firm(name=f"企业{number}")
    with django_assert_max_num_queries(2):  # the firms, and their tags
        page = firm_page(firms_visible_to(planner), size=50)
    assert len(page.firms) == 50 and page.has_next


def test_the_firm_detail_shows_codes_names_flags_and_tags(login, planner, directory):
    firm = firms_visible_to(planner).get(name="长春富奥汽车零部件有限公司")
    body = login(planner).get(reverse("directory:firm", args=[firm.pk])).content.decode()
    assert firm.uscc in body
    assert "吉林省长春市绿园区" in body
    assert "汽车零部件及配件制造" in body
    assert "外籍员工用人单位（外籍员工人数 7）" in body


def test_the_planner_sees_the_directory_and_items_in_the_menu(login, planner):
    body = login(planner).get(reverse("accounts:home-planner")).content.decode()
    assert reverse("directory:firms") in body and reverse("directory:items") in body


def test_the_item_list_shows_versions_and_the_current_one(login, planner, make_item):
    version = publish_item_version(actor=planner, version=make_item(code="KJ-WGR-001"))
    client = login(planner)
    body = client.get(reverse("directory:items")).content.decode()
    assert "KJ-WGR-001" in body and "v1 已发布" in body
    detail = client.get(reverse("directory:item", args=[version.item_id])).content.decode()
    assert "许可证件有效且与用人单位、岗位、期限一致" in detail


def test_a_planner_creates_revises_publishes_and_retires_an_item_through_the_pages(
    login, planner, foreign_work
):
    client = login(planner)
    form = {
        "code": "KJ-2021-009",
        "enforcement_field": foreign_work.pk,
        "name": "外国人来华工作许可事项检查",
        "category": "general",
        "legal_basis": "出境入境管理法第四十三条",
        "target_type": "enterprise",
        "checkpoints": "许可证件有效\n\n按时变更、延期、注销\n",
        "methods": ["onsite", "documents"],
        "ratio_cap_percent": "5",
        "frequency": "每年不少于1次",
    }
    response = client.post(reverse("directory:item-create"), form)
    assert response.status_code == 302, response.context["form"].errors
    from inspections.directory.models import InspectionItem

    item = InspectionItem.objects.get(code="KJ-2021-009")
    draft = item.versions.get()
    assert str(draft.ratio_cap) == "0.0500"
    assert list(draft.checkpoints.values_list("text", flat=True)) == [
        "许可证件有效",
        "按时变更、延期、注销",
    ]
    client.post(reverse("directory:version-publish", args=[item.pk, 1]))
    draft.refresh_from_db()
    assert draft.status == "published"
    # A published version has no edit form: it can only be revised.
    assert client.get(reverse("directory:version-edit", args=[item.pk, 1])).status_code == 403
    revise = {**form, "change_reason": "增加住宿登记", "checkpoints": "许可证件有效\n住宿登记"}
    assert client.post(reverse("directory:item-revise", args=[item.pk]), revise).status_code == 302
    client.post(reverse("directory:version-publish", args=[item.pk, 2]))
    client.post(reverse("directory:item-retire", args=[item.pk]), {"reason": "上级取消"})
    assert list(item.versions.order_by("number").values_list("status", flat=True)) == [
        "superseded",
        "retired",
    ]


def test_a_key_item_with_a_cap_is_refused_with_the_reason_on_the_form(login, planner, foreign_work):
    response = login(planner).post(
        reverse("directory:item-create"),
        {
            "code": "KJ-2021-010", "enforcement_field": foreign_work.pk, "name": "重点事项",
            "category": "key", "legal_basis": "依据", "target_type": "enterprise",
            "checkpoints": "一项", "methods": ["onsite"], "ratio_cap_percent": "5",
            "frequency": "每年",
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert "重点检查事项不设抽查比例上限" in response.content.decode()


def test_only_planners_open_the_item_forms(login, inspector):
    assert login(inspector).get(reverse("directory:item-create")).status_code == 403
