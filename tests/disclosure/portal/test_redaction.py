"""Nothing the public must not see ever leaves through a public page, API response or download.

The test seeds data full of forbidden values, then crawls the whole public surface: every
/public/ link (and form) reachable from /public/ and from searches for each seeded firm, every
endpoint of the /api/v1/public/ routers with all its pages, and every record URL those answers
carry. Any file a public page or answer links to (a download) is fetched and scanned the same
way; a workbook is opened and its cells scanned.

The results seed a task whose inspections carry everything the whole-process record holds and
the public must never read: the firm's signatory (a natural person other than the party), the
officers' notes and findings, the place, a legal-review decision's party and facts, follow-up
details, an unreviewed result and a result held back by legal review, and a correction whose
reason carries a phone number. Its draws are public, files and all: a firms draw abandoned for
a reason with a phone number in it and its replacement (递补), and a teams draw whose officers'
ID numbers must never show; a teams draw's officer pool and conflicts file are for auditors.
"""

import io
import json
import re
from datetime import date, timedelta
from html import unescape
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from disclosure_builders import carry_out, drawn_task
from openpyxl import load_workbook

from backend.accounts.roles import Role
from backend.codes import make_citizen_id, make_uscc
from disclosure.api_urls import router as results_router
from disclosure.portal_api_urls import router
from disclosure.services import correct_result, publish_results
from fieldwork.services.followups import open_follow_up
from inspections.directory.models import FIRM_FLAGS, RiskClass, TargetType
from inspections.directory.services import retire_item, revise_item, set_item_firm_list
from inspections.draws.models import Draw, DrawPurpose, DrawStatus
from personnel import services as personnel
from personnel.models import ConflictRelation, ConflictSource

BASE = "http://testserver"

# Keys that name an internal or personal field: no public JSON may carry them.
# 32 hex digits or more with a letter among them: a digest, a nonce, a key or a signature.
RANDOM_HEX = re.compile(r"(?<![0-9A-Za-z])(?=[0-9]*[a-f])[0-9a-f]{32,}(?![0-9A-Za-z])")

FORBIDDEN_KEYS = {
    "risk_class", "address", "legal_representative", "abnormal_operation", "serious_violation",
    "complaints", "tags", "citizen_id", "phone", "gender", "position", "expertise",
    "jurisdiction_area", "change_reason", "scope_rules", "created_by", "published_by", "note",
    "grounds", "signatory", "recipient", "facts", "details", "place",
}  # fmt: skip


@pytest.fixture
def forbidden(kj, ga, planner, make_firm, make_item, make_officer, make_certificate, today):
    """Seed every kind of value the public must not see; return them, and what must be seen."""
    secrets: dict[str, str] = {}

    # Officers: one public (name and a valid certificate), with everything else about them.
    lin = make_officer(
        kj,
        name="林公开",
        citizen_id=make_citizen_id(region="220102", birth=date(1984, 7, 9), seq="135"),
        phone="13904311234",
        position="稽查科副科长",
        expertise="外资企业、秘密专长甲",
        jurisdiction_area="220104",
    )
    valid = make_certificate(lin, number="KJ-PUBLIC-0001")
    expired = make_certificate(
        lin,
        number="KJ-EXPIRED-0002",
        valid_from=today - timedelta(days=3000),
        valid_to=today - timedelta(days=1),
    )
    revoked = make_certificate(lin, number="KJ-REVOKED-0003")
    personnel.revoke_certificate(actor=None, certificate=revoked, reason="撤销理由内部甲")
    suspended_holder = make_officer(ga, name="高暂扣", phone="13604312222")
    suspended = make_certificate(suspended_holder, number="GA-SUSPENDED-0004")
    personnel.suspend_certificate(actor=None, certificate=suspended, reason="暂扣理由内部乙")
    gone = make_officer(kj, name="调离者丙", phone="13504313333")
    make_certificate(gone, number="KJ-GONE-0005")
    personnel.update_officer(actor=None, officer=gone, status="transferred")
    uncertified = make_officer(kj, name="无证者丁", phone="13704314444")
    personnel.create_expert(
        actor=None, department=kj, name="专家戊某", field="会计", organisation="某会计师事务所"
    )
    secrets.update(
        lin_id=lin.citizen_id,
        lin_phone=lin.phone,
        lin_position="稽查科副科长",
        lin_expertise="秘密专长甲",
        expired=expired.number,
        revoked=revoked.number,
        revoke_reason="撤销理由内部甲",
        suspended=suspended.number,
        suspend_reason="暂扣理由内部乙",
        suspended_holder=suspended_holder.name,
        suspended_id=suspended_holder.citizen_id,
        suspended_phone=suspended_holder.phone,
        gone=gone.name,
        gone_id=gone.citizen_id,
        uncertified=uncertified.name,
        uncertified_id=uncertified.citizen_id,
        expert="专家戊某",
    )

    # Firms: an enterprise and an individual business, with their internal and personal data.
    enterprise = make_firm(
        name="长春公示科技有限公司",
        address="吉林省长春市朝阳区隐秘路88号",
        legal_representative="欧阳隐名",
        risk_class=RiskClass.D,
        abnormal_operation=True,
        serious_violation=True,
        complaints=True,
        tags={"内部标签甲": {"foreign_staff": 12345}},
    )
    individual = make_firm(
        name="南关区王记小吃店",
        org_type="2",
        target_type=TargetType.INDIVIDUAL,
        address="吉林省长春市南关区幸福街道3号楼2单元501室",
        legal_representative="王隐私",
        risk_class=RiskClass.C,
    )
    make_firm(name="长春另一家有限公司", risk_class=RiskClass.A)
    make_firm(name="长春第四家有限公司", risk_class=RiskClass.B)
    personnel.declare_conflict(
        actor=None,
        officer=lin,
        firm_uscc=enterprise.uscc,
        firm_name=enterprise.name,
        relation=ConflictRelation.RELATIVE,
        source=ConflictSource.SELF_DECLARED,
        valid_from=today - timedelta(days=10),
        note="内部备注：林公开的配偶在该公司任职",
    )
    secrets.update(
        enterprise_address="隐秘路88号",
        enterprise_rep="欧阳隐名",
        individual_address="幸福街道3号楼2单元501室",
        individual_rep="王隐私",
        tag="内部标签甲",
        tag_figure="12345",
        conflict_note="内部备注：林公开的配偶在该公司任职",
    )

    # Items: published with a revision, a draft on top, a retired one, a never-published one.
    # The published text carries an ID number and a phone by mistake: they come out masked.
    id_in_text = make_citizen_id(region="220103", birth=date(1990, 11, 2), seq="246")
    item = make_item(
        code="KJ-RED-001",
        checkpoints=[f"核对联系人身份证号{id_in_text}、电话13812345678、座机0431-88886666"],
        scope_rules=[{"tag": "内部对象标签乙"}],
    )
    set_item_firm_list(
        actor=None, item=item, usccs=[make_uscc(region="220102", org_body8="MA7QXRTK")]
    )
    revise_item(
        actor=None,
        item=item,
        change_reason="修订说明内部MARK",
        name="草稿标记DRAFT-7Q",
        legal_basis="草稿依据DRAFT-7Q",
        checkpoints=["草稿检查内容DRAFT-7Q"],
    )
    make_item(code="KJ-DRAFT-ONLY", name="从未发布DRAFT-8R", publish=False)
    old = make_item(code="KJ-RED-OLD", name="已停用的事项")
    retire_item(actor=None, item=old, reason="停用原因内部MARK")
    secrets.update(
        id_in_text=id_in_text,
        phone_in_text="13812345678",
        landline_in_text="0431-88886666",
        scope_tag="内部对象标签乙",
        listed_firm=make_uscc(region="220102", org_body8="MA7QXRTK"),
        draft="DRAFT-7Q",
        draft_only="DRAFT-8R",
        change_reason="修订说明内部MARK",
        retire_reason="停用原因内部MARK",
        planner_username=planner.username,
        planner_name=planner.display_name,
    )
    for risk in RiskClass:
        secrets[f"risk_{risk.value}"] = str(risk.label)
    secrets["risk_word"] = "信用风险"
    for _field, label in FIRM_FLAGS:
        secrets[f"flag_{_field}"] = str(label)

    must_see = {
        "林公开", "KJ-PUBLIC-0001", enterprise.uscc, individual.uscc, "南关区王记小吃店",
        "KJ-RED-001", "KJ-RED-OLD", valid.number,
    }  # fmt: skip
    firms = [enterprise, individual]
    return secrets, must_see, firms


@pytest.fixture
def forbidden_results(make_user):
    """A published task whose record is full of what must stay internal; its secrets and the
    values that must be public. Of a third department, so that its teams draw meets only its
    own officers."""
    from backend.organisation.models import Department
    from legalreview.services.decisions import DecisionContent, draft_decision, submit_decision
    from personnel.models import Officer

    rs = Department.objects.create(code="RS", name="市人力资源和社会保障局", region_code="220100")
    planner = make_user("rs_planner", Role.PLANNER, rs, display_name="钱计划")
    department_admin = make_user("rs_admin", Role.DEPARTMENT_ADMIN, rs, display_name="郑管理")
    task = drawn_task(
        department=rs,
        planner=planner,
        department_admin=department_admin,
        firms=4,
        firm_names=["长春公示结果甲有限公司", "长春法审暂缓乙有限公司", "长春未审核丙有限公司"],
        name="外国人来华工作许可抽查（联系人13612345670）",
        replace_firms_draw=True,
        abandon_reason="见证人未到场，其电话13812340002无人接听",
    )
    inspections = carry_out(
        task,
        planner=planner,
        reviewer=department_admin,
        results={0: ["follow-up-disclosure"], 2: ["uncooperative"]},
        review={0, 1, 3},
        entries={
            0: {
                "signatory": "甄隐名",
                "note": "执法人员内部备注NOTE-31",
                "finding": "员工身份证号220102198001011234，联系电话13712345678",
                "place": "长春市隐秘大厦19层",
            },
            2: {"note": "未审核的结论UNREVIEWED-5"},
        },
    )
    published, held, unreviewed, clean = inspections
    decision = draft_decision(
        actor=department_admin,
        inspection=held,
        content=DecisionContent(
            decision_type="penalty",
            title="罚款决定",
            draft_text="决定书草稿DRAFT-DECISION",
            facts="内部违法事实FACTS-9",
            legal_basis="《中华人民共和国出境入境管理法》第八十条",
            discretion="裁量基准第三条",
            recipient="当事人秘名",
            amount=50000,
            public_interest=True,
        ),
    )
    submit_decision(actor=department_admin, decision=decision)
    original = publish_results(actor=planner, inspections=[published, clean])[0]
    open_follow_up(
        actor=planner,
        inspection=published,
        kind="refer",
        opened_on=date(2021, 6, 20),
        details="处置内部说明DETAILS-4",
        authority="长春市公安局出入境管理支队",
    )
    correction = correct_result(
        actor=planner, result=original, reason="后续处置已登记，联系电话13912340000"
    )
    secrets = {
        "signatory": "甄隐名",
        "officer_note": "NOTE-31",
        "finding_id": "220102198001011234",
        "finding_phone": "13712345678",
        "place": "隐秘大厦19层",
        "decision_recipient": "当事人秘名",
        "decision_facts": "FACTS-9",
        "decision_draft": "DRAFT-DECISION",
        "follow_up_details": "DETAILS-4",
        "unreviewed_note": "UNREVIEWED-5",
        "unreviewed_inspection": unreviewed.code,
        "held_inspection": held.code,
        "reason_phone": "13912340000",
        "publisher": planner.display_name,
        "reviewer": department_admin.display_name,
        "task_name_phone": "13612345670",
        "abandon_reason_phone": "13812340002",
    }
    for officer in Officer.objects.filter(department=rs):
        secrets[f"officer_id_{officer.pk}"] = officer.citizen_id
    must_see = {
        original.code, correction.code, "139****0000", task.code, rs.name, "138****0002",
        *task.draws.values_list("public_id", flat=True),
    }  # fmt: skip
    return secrets, must_see, [published.firm, held.firm, unreviewed.firm]


def _links(path: str, body: str) -> list[str]:
    """The /public/ URLs a page links to or submits a form to, resolved against `path`."""
    found = []
    for raw in re.findall(r'(?:href|action)="([^"]*)"', body):
        url = urlsplit(urljoin(BASE + path, unescape(raw)))
        if url.netloc == "testserver" and url.path.startswith("/public/"):
            found.append(url.path + (f"?{url.query}" if url.query else ""))
    return found


def _api_links(value) -> list[str]:
    """Every URL into the open-data API that a JSON answer carries (records, next pages)."""
    if isinstance(value, dict):
        return [link for item in value.values() for link in _api_links(item)]
    if isinstance(value, list):
        return [link for item in value for link in _api_links(item)]
    if isinstance(value, str) and value.startswith(f"{BASE}/api/v1/public/"):
        return [value.removeprefix(BASE)]
    return []


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in _keys(item)}
    if isinstance(value, list):
        return {key for item in value for key in _keys(item)}
    return set()


def _database_ids(value) -> list:
    """Values of "id" keys that are numbers: a row's primary key (a draw's public id is text)."""
    if isinstance(value, dict):
        found = [value["id"]] if isinstance(value.get("id"), int) else []
        return found + [i for item in value.values() for i in _database_ids(item)]
    if isinstance(value, list):
        return [i for item in value for i in _database_ids(item)]
    return []


def _workbook_text(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data), read_only=True)
    cells = (
        str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
        for cell in row if cell is not None
    )  # fmt: skip
    return "\n".join(cells)


def crawl(client, start: list[str]) -> dict[str, str]:
    """Fetch `start` and everything public it leads to; return {url: body}."""
    seen: dict[str, str] = {}
    queue = list(start)
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        data = b"".join(response.streaming_content) if response.streaming else response.content
        body = data.decode("utf-8", errors="replace")
        if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
            body = _workbook_text(data)
        seen[url] = body
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        if response["Content-Type"].startswith("application/json"):
            data = json.loads(body)
            leaked = _keys(data) & FORBIDDEN_KEYS
            assert not leaked, f"{url} carries the keys {sorted(leaked)}"
            assert not _database_ids(data), f"{url} carries database ids"
            queue += _api_links(data)
        elif response["Content-Type"].startswith("text/html"):
            queue += _links(url, body)
    return seen


@pytest.fixture(autouse=True)
def no_rate_limit(settings):
    settings.PUBLIC_API_RATE = "100000/min"


def test_no_public_response_carries_a_forbidden_value(
    client, forbidden, forbidden_results, monkeypatch, settings, tmp_path
):
    secrets, must_see, firms = forbidden
    more_secrets, more_must_see, more_firms = forbidden_results
    secrets, must_see, firms = (
        {**secrets, **more_secrets},
        must_see | more_must_see,
        firms + more_firms,
    )
    settings.MEDIA_ROOT = tmp_path  # the yearly workbook is built there
    # By its job, as beat or a first request would have started it: the crawl reads it.
    from backend.jobs.work import run_work
    from disclosure.models import PublishedResult
    from disclosure.yearly import request_results_file

    for year in set(PublishedResult.objects.values_list("year", flat=True)):
        run_work(request_results_file(year).pk)
    # Small pages, so that the crawl walks the pagers too.
    monkeypatch.setattr("disclosure.portal_views.FIRMS_PER_PAGE", 1)
    monkeypatch.setattr("disclosure.portal_views.ITEMS_PER_PAGE", 1)
    monkeypatch.setattr("disclosure.portal_api.PublicPagination.page_size", 1)
    monkeypatch.setattr("disclosure.portal_api.PublicFirmPagination.page_size", 1)
    monkeypatch.setattr("disclosure.views.RESULTS_PER_PAGE", 1)

    searches = ["/public/firms/?" + urlencode({"q": "长春"})]
    for firm in firms:
        searches += [
            f"/public/firms/?{urlencode({'q': firm.name})}",
            f"/public/firms/?q={firm.uscc}",
        ]
    api = [
        f"/api/v1/public/{prefix}/"
        for prefix, _viewset, _name in router.registry + results_router.registry
    ]
    seen = crawl(client, ["/", "/public/", *searches, *api])

    # The crawl reached every kind of public page and record.
    kinds = [
        "/public/firms/9", "/public/items/KJ-", "/public/officers/", "/public/procedures/",
        "/api/v1/public/firms/9", "/api/v1/public/items/KJ-", "page=2", "cursor=",
        "/public/results/T-", "/public/tasks/T-", "/public/plans/RS-", "/public/draws/D-",
        "/public/statistics/2021/", "/api/v1/public/results/T-", "/api/v1/public/tasks/T-",
        "/api/v1/public/plans/RS-", "/api/v1/public/statistics/2021/", "results-2021.csv",
        "results-2021.xlsx", "/public/results/?", "after=", "/announcement.json", "/reveal.json",
        "/pool.csv", "/result.csv", "/firms_result.csv", "/print/", "/public/verify_draw.py",
        "/api/v1/public/draws/D-",
    ]  # fmt: skip
    for kind in kinds:
        assert any(kind in url for url in seen), f"the crawl never reached {kind}"
    # Every draw, with every file the public may have; never a teams draw's officer pool or
    # conflicts file, which go to auditors only.
    for draw in Draw.objects.all():
        base = f"/public/draws/{draw.public_id}/"
        assert {base, f"{base}announcement.json", f"/api/v1/public/draws/{draw.public_id}/"} <= set(
            seen
        ), f"the crawl missed {draw.public_id}"
        if draw.is_performed:
            assert {f"{base}reveal.json", f"{base}result.csv", f"{base}print/"} <= set(seen)
        if draw.purpose == DrawPurpose.FIRMS:
            assert f"{base}pool.csv" in seen
            # The strata are the draw's labels, never a firm's risk class (internal).
            strata = {line.split(",")[1] for line in seen[f"{base}pool.csv"].splitlines()[1:]}
            assert strata and strata <= {"S1", "S2", "S3", "S4"}, strata
        else:
            assert f"{base}firms_result.csv" in seen
            for name in ("pool.csv", "conflicts.csv"):
                assert f"{base}{name}" not in seen
                assert client.get(f"{base}{name}").status_code == 404
    assert Draw.objects.filter(status=DrawStatus.ABANDONED).exists()
    assert Draw.objects.filter(replaces__isnull=False).exists()
    everything = "\n".join(seen.values())
    for value in must_see:
        assert value in everything, f"{value} should be public"

    for url, body in seen.items():
        if url in ("/public/verify_draw.py", "/public/verify_checkpoint.py"):
            continue  # the verifiers' source code, the same for every draw: no data
        # The standard SM2 signer id of the checkpoints' key is no one's data (and contains
        # the tag figure 12345); nor are the digests, nonces, keys and signatures, written in
        # hex, in which a random 12345 turns up once in a few hundred crawls.
        body = body.replace("1234567812345678", "")
        body = RANDOM_HEX.sub("", body)
        for name, value in secrets.items():
            assert value not in body, f"{url} shows {name} ({value})"


def test_personal_numbers_in_published_text_are_masked(client, forbidden):
    secrets, _must_see, _firms = forbidden
    body = client.get("/public/items/KJ-RED-001/").content.decode()
    masked_id = secrets["id_in_text"][:6] + "********" + secrets["id_in_text"][-4:]
    assert masked_id in body
    assert "138****5678" in body
    api = client.get("/api/v1/public/items/KJ-RED-001/").json()
    assert masked_id in api["current"]["checkpoints"][0]


def test_a_draft_can_never_become_a_public_record(forbidden):
    from disclosure.redaction import public_item_version
    from inspections.directory.models import InspectionItemVersion, VersionStatus

    draft = InspectionItemVersion.objects.get(status=VersionStatus.DRAFT, item__code="KJ-RED-001")
    with pytest.raises(ValueError):
        public_item_version(draft)
