"""The legal review pages: the reviewer's queue (their home) with deadlines and warnings, the
review page with the package and the opinion form, the team's decision pages, the department's
view and the catalogue; refusals shown clearly on the page."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from legal_review_builders import *  # noqa: F403
from legal_review_builders import approve

from backend.accounts.roles import HOME_URL_NAME, Role
from backend.audit.models import AuditEvent
from fieldwork.models import RecordKind
from legalreview.models import (
    CatalogueEntry,
    Decision,
    DecisionState,
    DecisionType,
    ReviewOutcome,
    ReviewPoint,
)
from personnel.models import ConflictRelation, ConflictSource
from personnel.services import declare_conflict
from tests.conftest import log_in


def _opinion(outcome, problems=(), reasons=""):
    data = {"outcome": outcome, "reasons": reasons, "opinion": ""}
    for point in ReviewPoint:
        data[f"point_{point.value}"] = "problem" if point in problems else "ok"
        data[f"note_{point.value}"] = "询问笔录缺失" if point in problems else ""
    return data


def test_the_legal_reviewer_lands_on_the_review_queue(client, legal_reviewer):
    assert reverse(HOME_URL_NAME[Role.LEGAL_REVIEWER]) == "/legal/"
    client.force_login(legal_reviewer)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/legal/"
    body = response.content.decode()
    assert 'data-testid="home-title"' in body and "目前没有待审核的执法决定" in body


@pytest.mark.parametrize(
    "name,allowed",
    [
        ("legalreview:queue", {Role.LEGAL_REVIEWER}),
        ("legalreview:department", {Role.DEPARTMENT_ADMIN}),
        ("legalreview:catalogue", {Role.DEPARTMENT_ADMIN, Role.LEGAL_REVIEWER, Role.PLANNER}),
    ],
)
def test_each_page_opens_for_its_roles_only(request, client, name, allowed):
    personas = {
        Role.PLANNER: "planner",
        Role.INSPECTOR: "inspector",
        Role.LEGAL_REVIEWER: "legal_reviewer",
        Role.DEPARTMENT_ADMIN: "department_admin",
        Role.AUDIT_ADMIN: "audit_admin",
    }
    for role, fixture in personas.items():
        log_in(client, request.getfixturevalue(fixture))
        status = client.get(reverse(name)).status_code
        assert status == (200 if role in allowed else 403), (role, status)


def test_the_queue_shows_the_deadline_its_fallback_warning_and_overdue_rounds(
    client, draft, team, catalogue, legal_reviewer, on_day
):
    from legalreview.services import submit_decision

    late = draft(decision_type="referral", recipient="市公安局", amount=None, discretion="")
    on_day(date(2026, 2, 13))
    submit_decision(actor=team[0], decision=late)
    unknown = draft(decision_type="referral", recipient="市公安局", amount=None, discretion="")
    on_day(date(2026, 12, 28))
    submit_decision(actor=team[0], decision=unknown)
    client.force_login(legal_reviewer)
    body = client.get(reverse("legalreview:queue")).content.decode()
    assert body.index("2026-02-27") < body.index("2027-01-04")  # earliest deadline first
    assert "已超期 1 件" in body
    assert "按周一至周五推算" in body and "2027 年的法定节假日安排尚未录入" in body
    review = unknown.reviews.get()
    page = client.get(reverse("legalreview:review", args=[review.pk])).content.decode()
    assert "2027年1月4日" in page and "2027 年的法定节假日安排尚未录入" in page


def test_the_reviewer_reads_the_package_and_agrees_on_the_page(client, referral, legal_reviewer):
    review = referral.reviews.get()
    client.force_login(legal_reviewer)
    page = client.get(reverse("legalreview:review", args=[review.pk])).content.decode()
    assert "市公安局出入境管理支队" in page and "检查要点记录" in page
    assert 'data-testid="opinion-form"' in page
    response = client.post(
        reverse("legalreview:review-opinion", args=[review.pk]), _opinion("approved")
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.outcome == ReviewOutcome.APPROVED and review.record is not None
    page = client.get(reverse("legalreview:review", args=[review.pk])).content.decode()
    assert 'data-testid="opinion-form"' not in page
    assert f"全过程记录第{review.record.sequence}条" in page


def test_problems_without_reasons_are_refused_on_the_page_and_nothing_is_lost(
    client, referral, legal_reviewer
):
    review = referral.reviews.get()
    client.force_login(legal_reviewer)
    data = _opinion("problems", problems=[ReviewPoint.FACTS], reasons="")
    response = client.post(reverse("legalreview:review-opinion", args=[review.pk]), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "审核意见为存在问题的，须写明问题及理由" in body
    assert "询问笔录缺失" in body  # what the reviewer typed is still there
    review.refresh_from_db()
    assert review.outcome == ReviewOutcome.PENDING
    data["reasons"] = "缺少询问笔录"
    client.post(reverse("legalreview:review-opinion", args=[review.pk]), data)
    referral.refresh_from_db()
    assert referral.state == DecisionState.RETURNED


def test_a_conflicted_reviewer_is_told_why_and_the_refusal_is_audited(
    client, referral, found, legal_reviewer, department_admin, staff, kj, foreign_work
):
    officer = staff(kj, foreign_work, 1)[0]
    officer.user = legal_reviewer
    officer.save(update_fields=["user"])
    declare_conflict(
        actor=department_admin,
        officer=officer,
        firm_uscc=found.firm_uscc,
        relation=ConflictRelation.INVESTMENT,
        source=ConflictSource.SELF_DECLARED,
        valid_from=date(2020, 1, 1),
    )
    review = referral.reviews.get()
    client.force_login(legal_reviewer)
    queue = client.get(reverse("legalreview:queue")).content.decode()
    assert "需回避" in queue and "投资持股" in queue
    page = client.get(reverse("legalreview:review", args=[review.pk])).content.decode()
    assert 'data-testid="recused"' in page and 'data-testid="opinion-form"' not in page
    response = client.post(
        reverse("legalreview:review-opinion", args=[review.pk]), _opinion("approved")
    )
    assert response.status_code == 403
    assert "您应当回避" in response.content.decode()
    assert AuditEvent.objects.filter(
        action="permission.denied",
        object_id=reverse("legalreview:review-opinion", args=[review.pk]),
    ).exists()
    review.refresh_from_db()
    assert review.outcome == ReviewOutcome.PENDING


def test_the_extension_on_the_page_once_only(client, referral, legal_reviewer):
    review = referral.reviews.get()
    client.force_login(legal_reviewer)
    url = reverse("legalreview:review-extend", args=[review.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and "延长审核期限须说明理由" in response.content.decode()
    assert client.post(url, {"reason": "需函询公安机关"}).status_code == 302
    response = client.post(url, {"reason": "再延长"})
    assert response.status_code == 400 and "只能延长一次" in response.content.decode()
    review.refresh_from_db()
    assert review.extension_reason == "需函询公安机关"


def test_the_team_drafts_submits_and_the_head_issues_after_approval_on_the_pages(
    client, found, team, catalogue, department_admin, legal_reviewer, foreign_work
):
    client.force_login(team[0])
    new = reverse("legalreview:decision-new", args=[found.pk])
    page = client.get(new).content.decode()
    assert "法定重大执法决定情形" in page and "检查要点记录" in page
    findings = list(found.records.filter(kind=RecordKind.FINDINGS).values_list("pk", flat=True))
    response = client.post(
        new,
        {
            "decision_type": "penalty",
            "title": "行政处罚决定",
            "enforcement_field": foreign_work.pk,
            "amount": "20000",
            "recipient": "",
            "facts": "未办理工作许可变更",
            "evidence": findings,
            "legal_basis": "《外国人在中国就业管理规定》第二十三条",
            "discretion": "",
            "draft_text": "决定书",
        },
    )
    assert response.status_code == 200  # a fine names its discretion standard
    assert "行政处罚决定须写明适用的裁量基准" in response.content.decode()
    assert not Decision.objects.exists()
    response = client.post(
        new,
        {
            "decision_type": "penalty",
            "title": "行政处罚决定",
            "enforcement_field": foreign_work.pk,
            "amount": "20000",
            "facts": "未办理工作许可变更",
            "evidence": findings,
            "legal_basis": "《外国人在中国就业管理规定》第二十三条",
            "discretion": "一般情节",
            "draft_text": "决定书",
            "public_interest": "on",
        },
    )
    decision = Decision.objects.get()
    assert response["Location"] == reverse("legalreview:decision", args=[decision.pk])
    assert decision.public_interest and decision.evidence.count() == len(findings)
    page = client.get(response["Location"]).content.decode()
    assert "提交后将自动送法制审核" in page and "涉及重大公共利益" in page
    client.post(reverse("legalreview:decision-step", args=[decision.pk, "submit"]))
    decision.refresh_from_db()
    assert decision.state == DecisionState.IN_REVIEW

    log_in(client, department_admin)
    issue = reverse("legalreview:decision-step", args=[decision.pk, "issue"])
    response = client.post(issue, {"document_number": "长科罚〔2021〕1号"})
    assert response.status_code == 400 and "法制审核尚未完成" in response.content.decode()
    department = client.get(reverse("legalreview:department")).content.decode()
    assert decision.number in department

    approve(decision.reviews.get(), legal_reviewer)
    assert client.post(issue, {"document_number": "长科罚〔2021〕1号"}).status_code == 302
    decision.refresh_from_db()
    assert (decision.state, decision.document_number) == (DecisionState.ISSUED, "长科罚〔2021〕1号")


def test_an_outsider_does_not_even_see_the_inspection_to_draft_for(client, found, outsider):
    log_in(client, outsider)
    response = client.get(reverse("legalreview:decision-new", args=[found.pk]))
    assert response.status_code == 404


def test_the_department_administrator_finds_an_inspection_by_its_code(
    client, found, department_admin
):
    log_in(client, department_admin)
    response = client.get(reverse("legalreview:department"), {"inspection": found.code})
    assert response["Location"] == reverse("legalreview:decision-new", args=[found.pk])


def test_the_catalogue_page_adds_and_retires_lines_and_reviewers_only_read_it(
    client, department_admin, legal_reviewer, foreign_work
):
    log_in(client, department_admin)
    response = client.post(
        reverse("legalreview:catalogue"),
        {
            "name": "对单位处以一万元以上罚款",
            "decision_type": "penalty",
            "enforcement_field": foreign_work.pk,
            "min_amount": "10000",
            "basis": "",
        },
    )
    assert response.status_code == 302
    entry = CatalogueEntry.objects.get()
    client.post(reverse("legalreview:catalogue-step", args=[entry.pk, "retire"]))
    entry.refresh_from_db()
    assert not entry.active
    client.force_login(legal_reviewer)
    page = client.get(reverse("legalreview:catalogue")).content.decode()
    assert "对单位处以一万元以上罚款" in page and "已停用" in page
    assert 'data-testid="catalogue-form"' not in page
    response = client.post(
        reverse("legalreview:catalogue"), {"name": "x", "decision_type": "other"}
    )
    assert response.status_code == 403
    assert CatalogueEntry.objects.count() == 1


def test_a_decision_below_the_threshold_shows_that_no_review_is_needed(
    client, draft, catalogue, team
):
    decision = draft(amount=Decimal("500"))
    client.force_login(team[0])
    page = client.get(reverse("legalreview:decision", args=[decision.pk])).content.decode()
    assert 'data-testid="review-not-required"' in page


def test_the_package_links_each_cited_evidence_file_for_the_reviewer(
    request, client, inspection, team, legal_reviewer, settings, tmp_path
):
    """证据 in the package: the file of a cited evidence record opens from the review page."""
    import uuid

    import evidence_samples as samples
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fieldwork.services.evidence import upload_evidence
    from legalreview.services import submit_decision

    settings.MEDIA_ROOT = tmp_path / "media"
    photo = samples.png(4, 3)
    uploaded = upload_evidence(
        actor=team[0],
        inspection=inspection,
        kind="photo",
        file=SimpleUploadedFile("现场照片.png", photo, content_type="application/octet-stream"),
        original_name="现场照片.png",
        idempotency_key=uuid.uuid4(),
    )
    request.getfixturevalue("found")
    findings = list(inspection.records.filter(kind=RecordKind.FINDINGS))
    request.getfixturevalue("catalogue")  # a referral needs legal review
    decision = request.getfixturevalue("draft")(
        evidence=[*findings, uploaded.record],
        decision_type=DecisionType.REFERRAL,
        title="关于移送涉嫌非法聘用外国人案件线索的决定",
        recipient="市公安局出入境管理支队",
        amount=None,
        discretion="",
        legal_basis="《中华人民共和国出境入境管理法》第四十三条、第八十条",
    )
    review = submit_decision(actor=team[0], decision=decision).reviews.get()
    client.force_login(legal_reviewer)
    page = client.get(reverse("legalreview:review", args=[review.pk])).content.decode()
    link = reverse("fieldwork:evidence-download", args=[uploaded.evidence.pk])
    assert f'href="{link}" data-testid="package-evidence-file"' in page
    assert "打开证据文件 现场照片.png" in page
    response = client.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == photo
