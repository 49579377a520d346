"""The open-data API under /api/v1/public/: read-only, no login, filters, stable pages."""

from datetime import timedelta

import pytest

from inspections.directory.models import FirmStatus, ItemCategory
from inspections.directory.services import publish_item_version, retire_item, revise_item
from personnel.services import revoke_certificate, suspend_certificate, update_officer

API = "/api/v1/public"


def results(client, path, **params):
    response = client.get(f"{API}/{path}", params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_every_list_answers_without_login(client, db):
    for path in ("departments/", "firms/", "items/", "officers/"):
        response = client.get(f"{API}/{path}")
        assert response.status_code == 200
        assert response.json()["results"] == []


def test_writes_are_not_allowed(client, make_item):
    make_item(code="KJ-W-001")
    assert client.post(f"{API}/items/", {}).status_code == 405
    assert client.delete(f"{API}/items/KJ-W-001/").status_code == 405


def test_items_carry_every_published_version_newest_first_and_never_a_draft(client, make_item):
    item = make_item(code="KJ-WGR-001", name="第一版名称")
    second = revise_item(actor=None, item=item, change_reason="修订", name="第二版名称")
    publish_item_version(actor=None, version=second)
    revise_item(actor=None, item=item, change_reason="起草", name="草稿名称")

    [row] = results(client, "items/")
    assert row["code"] == "KJ-WGR-001"
    assert row["url"] == "http://testserver/api/v1/public/items/KJ-WGR-001/"
    assert row["department"] == {"code": "KJ", "name": "市科学技术局"}
    assert row["in_force"] is True
    assert row["current"]["number"] == 2
    assert [(v["number"], v["status"]) for v in row["versions"]] == [
        (2, "published"),
        (1, "superseded"),
    ]
    assert row["current"]["methods"] == ["实地检查", "书面检查"]
    assert row["current"]["checkpoints"] == ["工作许可证件在有效期内", "工作岗位与许可一致"]
    assert row["current"]["ratio_cap"] == "5%"
    assert "草稿名称" not in str(row)

    detail = client.get(f"{API}/items/KJ-WGR-001/").json()
    assert detail == row


def test_a_retired_item_stays_listed_as_retired(client, make_item):
    item = make_item(code="KJ-OLD")
    retire_item(actor=None, item=item, reason="废止")
    [row] = results(client, "items/")
    assert row["in_force"] is False
    assert row["current"] is None
    assert row["versions"][0]["status"] == "retired"
    assert row["versions"][0]["retired_at"]


def test_an_item_never_published_is_not_found(client, make_item):
    make_item(code="KJ-DRAFT", publish=False)
    assert results(client, "items/") == []
    response = client.get(f"{API}/items/KJ-DRAFT/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "未找到请求的对象。", "fields": {}}


def test_items_filter_by_department_category_state_and_name(client, make_item, ga):
    make_item(code="KJ-1", name="工作许可检查")
    make_item(code="GA-1", name="住宿登记检查", department=ga, category=ItemCategory.KEY,
              ratio_cap=None)  # fmt: skip
    retire_item(actor=None, item=make_item(code="KJ-2", name="旧事项"), reason="废止")

    def codes(**params):
        return [row["code"] for row in results(client, "items/", **params)]

    assert codes() == ["GA-1", "KJ-1", "KJ-2"]
    assert codes(department="GA") == ["GA-1"]
    assert codes(category="key") == ["GA-1"]
    assert codes(in_force="true") == ["GA-1", "KJ-1"]
    assert codes(in_force="false") == ["KJ-2"]
    assert codes(q="住宿") == ["GA-1"]
    assert codes(q="kj-2") == ["KJ-2"]


def test_an_unknown_filter_value_is_a_400_in_the_error_shape(client, db):
    response = client.get(f"{API}/items/", {"department": "NOPE"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"department"}
    response = client.get(f"{API}/firms/", {"industry": "ZZ9"})
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"industry"}


def test_a_bad_page_is_a_404_in_the_error_shape(client, db):
    response = client.get(f"{API}/items/", {"page": "9"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    response = client.get(f"{API}/firms/", {"cursor": "not-a-cursor"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_firms_are_searched_by_name_or_code_and_filtered(client, make_firm):
    a = make_firm(name="长春星辰科技有限公司", region="220104", industry_code="I6513")
    b = make_firm(name="长春星辰汽车有限公司", region="220102", industry_code="C3670")
    c = make_firm(name="长春其他有限公司", region="220104", status=FirmStatus.DEREGISTERED)

    def codes(**params):
        return [row["uscc"] for row in results(client, "firms/", **params)]

    assert codes(q="星辰") == [a.uscc, b.uscc]
    assert codes(q=b.uscc) == [b.uscc]
    assert codes(q=c.uscc[:17].lower()) == [c.uscc]
    assert codes(region="220104") == [a.uscc, c.uscc]
    assert codes(region="220100") == [a.uscc, b.uscc, c.uscc]
    assert codes(industry="I65") == [a.uscc]
    assert codes(status="deregistered") == [c.uscc]

    detail = client.get(f"{API}/firms/{a.uscc}/").json()
    assert detail == {
        "url": f"http://testserver{API}/firms/{a.uscc}/",
        "uscc": a.uscc,
        "name": "长春星辰科技有限公司",
        "region_code": "220104",
        "region_name": "吉林省长春市朝阳区",
        "industry_code": "I6513",
        "industry_name": "应用软件开发",
        "status": "active",
        "status_label": "存续",
    }


def test_firm_pages_follow_in_a_stable_order(client, make_firm):
    made = [make_firm().uscc for _ in range(7)]
    seen, url = [], f"{API}/firms/?page_size=3"
    while url:
        body = client.get(url).json()
        seen += [row["uscc"] for row in body["results"]]
        url = body["next"]
    assert seen == made


def test_officers_show_name_department_and_valid_certificates_only(
    client, kj, ga, make_officer, make_certificate, today
):
    lin = make_officer(kj, name="林执法")
    current = make_certificate(lin, number="KJ-0001")
    expired = make_certificate(
        lin, number="KJ-OLD", valid_from=today - timedelta(days=2000), valid_to=today - timedelta(1)
    )
    zheng = make_officer(kj, name="郑执法")
    revoke_certificate(actor=None, certificate=make_certificate(zheng), reason="违法执法")
    gao = make_officer(ga, name="高警官")
    suspend_certificate(actor=None, certificate=make_certificate(gao), reason="调查期间")
    make_certificate(make_officer(ga, name="周警官"), number="GA-0001")

    rows = results(client, "officers/")
    assert rows == [
        {
            "name": "周警官",
            "department": {"code": "GA", "name": "市公安局"},
            "certificates": [
                {
                    "number": "GA-0001",
                    "fields": ["外国人来华工作许可"],
                    "valid_from": (today - timedelta(days=365)).isoformat(),
                    "valid_to": (today + timedelta(days=4 * 365)).isoformat(),
                }
            ],
        },
        {
            "name": "林执法",
            "department": {"code": "KJ", "name": "市科学技术局"},
            "certificates": [
                {
                    "number": current.number,
                    "fields": ["外国人来华工作许可"],
                    "valid_from": current.valid_from.isoformat(),
                    "valid_to": current.valid_to.isoformat(),
                }
            ],
        },
    ]
    assert expired.number not in str(rows)


@pytest.mark.parametrize("status", ["transferred", "retired"])
def test_officers_who_left_the_roster_are_not_listed(client, kj, make_officer, make_certificate,
                                                     status):  # fmt: skip
    officer = make_officer(kj, name="林执法")
    make_certificate(officer)
    assert len(results(client, "officers/")) == 1
    update_officer(actor=None, officer=officer, status=status)
    assert results(client, "officers/") == []


def test_officers_filter_by_department_name_and_certificate(
    client, kj, ga, make_officer, make_certificate
):
    make_certificate(make_officer(kj, name="林执法"), number="KJ-0001")
    make_certificate(make_officer(ga, name="高警官"), number="GA-0001")

    def names(**params):
        return [row["name"] for row in results(client, "officers/", **params)]

    assert names(department="KJ") == ["林执法"]
    assert names(name="警") == ["高警官"]
    assert names(certificate="GA-0001") == ["高警官"]
    assert names(certificate="GA-9999") == []


def test_departments_are_listed_by_code(client, kj, ga):
    assert results(client, "departments/") == [
        {"code": "GA", "name": "市公安局"},
        {"code": "KJ", "name": "市科学技术局"},
    ]


def test_the_schema_documents_every_public_endpoint_and_its_errors(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    public = {path: ops for path, ops in schema["paths"].items() if path.startswith(f"{API}/")}
    assert set(public) == {
        f"{API}/departments/",
        f"{API}/draws/",
        f"{API}/draws/{{public_id}}/",
        f"{API}/firms/",
        f"{API}/firms/{{uscc}}/",
        f"{API}/items/",
        f"{API}/items/{{code}}/",
        f"{API}/officers/",
        f"{API}/plans/",
        f"{API}/plans/{{code}}/",
        f"{API}/tasks/",
        f"{API}/tasks/{{code}}/",
        f"{API}/results/",
        f"{API}/results/{{code}}/",
        f"{API}/statistics/",
        f"{API}/statistics/{{year}}/",
        f"{API}/downloads/results-{{year}}.csv",
        f"{API}/downloads/results-{{year}}.xlsx",
    }
    error = {"$ref": "#/components/schemas/ApiError"}
    for path, operations in public.items():
        assert set(operations) == {"get"}, path
        responses = operations["get"]["responses"]
        if "/downloads/" in path:
            # The .xlsx is built by a job: until it is, 503 with Retry-After.
            built = {"503"} if path.endswith(".xlsx") else set()
            assert set(responses) == {"200", "404", "429"} | built, path
            for status in {"429"} | built:
                assert "Retry-After" in responses[status]["headers"]
            continue
        listing = not path.endswith("}/")
        assert set(responses) == ({"200", "400", "404", "429"} if listing else {"200", "404"})
        for status in set(responses) - {"200"}:
            assert responses[status]["content"]["application/json"]["schema"] == error
        if listing:
            assert "Retry-After" in responses["429"]["headers"]
    assert set(schema["components"]["schemas"]["ApiError"]["properties"]) == {
        "code",
        "message",
        "fields",
    }


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/public/items/a%00b/",
        "/api/v1/public/firms/a%00b/",
        "/public/items/a%00b/",
        "/public/firms/a%00b/",
    ],
)
def test_a_nul_in_a_code_is_not_found_rather_than_a_crash(client, db, url):
    # PostgreSQL refuses NUL characters in string literals (found by the schema fuzzer).
    assert client.get(url).status_code == 404


def test_a_made_up_cursor_is_not_found_rather_than_a_crash(client, db):
    # "p=a": a well-formed cursor whose position is not an id (found by the schema fuzzer).
    response = client.get(f"{API}/firms/", {"cursor": "cD1h"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_percent_sign_in_a_bad_industry_code_is_a_400(client, db):
    # The error message quotes the input; "%s" in it once crashed the filter (fuzzer).
    response = client.get(f"{API}/firms/", {"industry": "%s"})
    assert response.status_code == 400
    assert "%S" in response.json()["fields"]["industry"][0]  # quoted as normalised
