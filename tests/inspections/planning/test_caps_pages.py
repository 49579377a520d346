"""The department administrator's frequency caps (频次上限) on the pages and in the API, and the
caps published beside the item list on the portal."""

import pytest
from django.urls import reverse

from backend.audit.models import AuditEvent
from inspections.planning.models import FrequencyCap
from inspections.planning.services.caps import set_frequency_cap
from tests.conftest import log_in


@pytest.fixture
def admin_client(client, department_admin):
    return log_in(client, department_admin)


def test_the_administrator_creates_edits_and_searches_caps_on_the_pages(
    admin_client, foreign_work, exit_entry
):
    page = admin_client.get(reverse("plans:caps"))
    assert "尚未设定检查频次上限" in page.content.decode()

    form = {"enforcement_field": foreign_work.pk, "level": "city", "limit": "2"}
    form |= {"counts_routine": "on", "counts_case": "on", "exempt_higher_campaigns": "on"}
    response = admin_client.post(reverse("plans:cap-new"), form)
    assert response.status_code == 302
    cap = FrequencyCap.objects.get()
    assert cap.limit == 2 and cap.kinds == {"routine", "case"}
    set_frequency_cap(
        actor=None,
        department=cap.department,
        enforcement_field=exit_entry,
        level="combined",
        limit=4,
    )

    listing = admin_client.get(reverse("plans:caps"), {"q": "外国人"}).content.decode()
    assert "外国人来华工作许可" in listing and "出入境管理" not in listing
    assert "日常、个案" in listing

    response = admin_client.post(reverse("plans:cap-edit", args=[cap.pk]), {**form, "limit": "3"})
    assert response.status_code == 302
    cap.refresh_from_db()
    assert cap.limit == 3
    assert AuditEvent.objects.filter(action="caps.update").count() == 1


def test_the_pages_refuse_a_negative_cap_and_a_level_without_a_field_in_chinese(admin_client):
    response = admin_client.post(reverse("plans:cap-new"), {"level": "county", "limit": "-1"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "频次上限不能小于0" in text or "须指定执法领域" in text
    assert not FrequencyCap.objects.exists()


def test_other_roles_and_departments_cannot_reach_the_caps(
    client, planner, ga_department_admin, department_admin, kj, foreign_work
):
    cap = set_frequency_cap(
        actor=department_admin, department=kj, enforcement_field=foreign_work, level="city", limit=2
    )
    assert log_in(client, planner).get(reverse("plans:caps")).status_code == 403
    other = log_in(client, ga_department_admin)
    assert other.get(reverse("plans:cap-edit", args=[cap.pk])).status_code == 404
    assert "外国人来华工作许可" not in other.get(reverse("plans:caps")).content.decode()


def test_the_api_lists_sets_and_edits_caps_with_the_services_refusals(admin_client, foreign_work):
    url = "/api/v1/frequency-caps/"
    created = admin_client.post(
        url, {"enforcement_field": "FOREIGN_WORK", "level": "city", "limit": 2}, "application/json"
    )
    assert created.status_code == 201, created.content
    assert created.json()["counts"] == ["campaign", "case", "routine"]
    pk = created.json()["id"]

    refused = admin_client.post(url, {"level": "county", "limit": 1}, "application/json")
    assert refused.status_code == 400
    assert "须指定执法领域" in refused.content.decode()
    negative = admin_client.post(
        f"{url}{pk}/edit/", {"limit": -1, "level": "city"}, "application/json"
    )
    assert negative.status_code == 400 and "不能小于0" in negative.content.decode()

    edited = admin_client.post(
        f"{url}{pk}/edit/", {"limit": 3, "level": "city", "counts_case": False}, "application/json"
    )
    assert edited.status_code == 200 and edited.json()["limit"] == 3
    assert edited.json()["counts"] == ["campaign", "routine"]
    listing = admin_client.get(url, {"q": "外国人"}).json()
    rows = listing["results"] if isinstance(listing, dict) else listing
    assert [row["id"] for row in rows] == [pk]


def test_the_portal_publishes_the_caps_beside_the_item_list(
    client, department_admin, kj, foreign_work
):
    set_frequency_cap(
        actor=department_admin,
        department=kj,
        enforcement_field=foreign_work,
        level="county",
        limit=2,
        note="吉林省涉企检查频次规定",
    )
    text = client.get(reverse("public:items")).content.decode()
    assert "检查频次上限" in text
    assert "市科学技术局" in text and "区县级" in text and "2 次" in text
    assert "吉林省涉企检查频次规定" in text


def test_the_cap_list_filters_counts_and_exports_what_it_shows(
    admin_client, department_admin, ga_department_admin, foreign_work, exit_entry
):
    from list_tools import check_list, total_of, workbook_rows

    for field, level, limit in ((foreign_work, "city", 2), (exit_entry, "combined", 4)):
        set_frequency_cap(
            actor=None,
            department=department_admin.department,
            enforcement_field=field,
            level=level,
            limit=limit,
        )
    rows = check_list(
        admin_client,
        "/plans/caps/",
        params={"level": "combined"},
        shown=["出入境管理"],
        hidden=["外国人来华工作许可"],
        total=1,
    )
    assert rows[0][:4] == ("执法领域", "执法领域代码", "层级", "每户每年上限（次）")
    assert [(r[0], r[2], r[3]) for r in rows[1:]] == [("出入境管理", "各层级合计", 4)]
    assert total_of(admin_client.get("/plans/caps/", {"q": "外国人"}).content.decode()) == 1
    assert len(workbook_rows(admin_client.get("/plans/caps/export.xlsx"))) == 3
    # Another department's administrator sees and exports none of KJ's caps.
    log_in(admin_client, ga_department_admin)
    assert total_of(admin_client.get("/plans/caps/").content.decode()) == 0
    assert workbook_rows(admin_client.get("/plans/caps/export.xlsx"))[1:] == []
