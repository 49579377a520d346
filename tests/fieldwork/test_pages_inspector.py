"""The inspector's pages: my inspections today, one inspection's checklist whose every stage
form posts through its stage service (refusals shown on the form in Chinese), corrections,
idempotent double submits and replayed drafts, and the printable notice."""

import uuid
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fieldwork.models import InspectionRecord, InspectionState, RecordKind
from fieldwork.selectors.records import checkpoints_of, latest
from fieldwork.services import records
from tests.conftest import log_in


def _page(inspection):
    return reverse("fieldwork:inspection", args=[inspection.pk])


def _stage(inspection, slug):
    return reverse("fieldwork:stage", args=[inspection.pk, slug])


def _post(client, inspection, slug, **data):
    data.setdefault("idempotency_key", str(uuid.uuid4()))
    return client.post(_stage(inspection, slug), data)


def _numbers(inspection):
    return list(
        inspection.members.order_by("department__code", "seat").values_list(
            "certificate_number", flat=True
        )
    )


# --- my inspections today -----------------------------------------------------------------------


def test_the_inspectors_home_is_my_inspections_today(client, inspection, team):
    client.force_login(team[0])
    response = client.get("/")
    assert response["Location"] == reverse("fieldwork:today")
    body = client.get(reverse("fieldwork:today")).content.decode()
    assert "我的今日检查" in body


def test_my_inspections_today_lists_only_the_officers_own_with_what_is_missing(
    client, started, inspection, team, outsider
):
    client.force_login(team[0])
    body = client.get(reverse("fieldwork:today")).content.decode()
    mine = set(
        started.inspections.filter(members__officer__user=team[0]).values_list("pk", flat=True)
    )
    assert inspection.pk in mine
    for each in started.inspections.all():
        assert (f'data-testid="inspection-{each.code}"' in body) == (each.pk in mine)
    assert inspection.firm_name in body and inspection.task.name in body
    assert "尚未送达随机抽查通知书" in body
    assert "待检查" in body
    # The 2021 window is long past: the card says so rather than a number of days left.
    assert "已超过检查期限" in body

    log_in(client, outsider)  # on no team of the task
    body = client.get(reverse("fieldwork:today")).content.decode()
    assert "今天没有待办的检查" in body and inspection.code not in body


def test_my_inspections_today_also_lists_the_coming_ones_and_the_recent_ones(
    client, started, login_for
):
    from collections import Counter

    from fieldwork.models import Inspection

    # The officer seated most often: the draw is random, but 6 firms × 2 seats over 4 officers
    # seat one of them at least 3 times.
    seats = Counter(m.officer for each in started.inspections.all() for m in each.members.all())
    officer, count = seats.most_common(1)[0]
    assert count >= 2
    user = login_for(officer)
    mine = list(started.inspections.filter(members__officer=officer).order_by("code"))
    coming, done = mine[0], mine[1]
    today = timezone.localdate()
    Inspection.objects.filter(pk=coming.pk).update(
        window_start=today + timedelta(days=5), window_end=today + timedelta(days=20)
    )
    Inspection.objects.filter(pk=done.pk).update(state=InspectionState.REVIEWED)
    log_in(client, user)
    body = client.get(reverse("fieldwork:today")).content.decode()
    upcoming = body.split('data-testid="upcoming-inspections"')[1].split("</section>")[0]
    recent = body.split('data-testid="recent-inspections"')[1].split("</section>")[0]
    assert coming.code in upcoming and "5 天后开始" in upcoming
    assert f'data-testid="inspection-{coming.code}"' not in body  # not a card of today's
    assert done.code in recent and "已审核" in recent and done.code not in upcoming
    assert f'data-testid="inspection-{done.code}"' not in body


def test_an_inspector_without_an_officer_record_is_told_why_the_list_is_empty(client, inspector):
    client.force_login(inspector)
    body = client.get(reverse("fieldwork:today")).content.decode()
    assert "尚未关联执法人员信息" in body


# --- who opens an inspection ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, status",
    [
        ("member", 200),
        ("outsider", 404),
        ("planner", 200),
        ("department_admin", 200),
        ("legal_reviewer", 200),
        ("audit_admin", 200),
        ("ga_department_admin", 404),
        ("ga_inspector", 404),
        ("system_admin", 403),
    ],
)
def test_who_opens_an_inspections_page_and_its_notice(
    request, client, inspection, team, who, status
):
    user = team[0] if who == "member" else request.getfixturevalue(who)
    log_in(client, user)
    assert client.get(_page(inspection)).status_code == status
    assert client.get(reverse("fieldwork:notice", args=[inspection.pk])).status_code == status


def test_the_public_is_sent_to_log_in(client, inspection):
    response = client.get(_page(inspection))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_page_shows_the_team_and_the_checklist_with_forms_only_for_the_team(
    client, inspection, team, planner
):
    client.force_login(team[0])
    body = client.get(_page(inspection)).content.decode()
    for member in inspection.members.select_related("officer"):
        assert member.officer.name in body and member.certificate_number in body
    assert "送达随机抽查通知书" in body and "到达现场、出示执法证件" in body
    for number, point in enumerate(checkpoints_of(inspection), start=1):
        assert f"检查要点{number}：{point.text}" in body
    assert body.count('name="idempotency_key"') >= 2
    assert f'action="{_stage(inspection, "notice")}"' in body
    assert "（本人）" in body

    client.force_login(planner)
    body = client.get(_page(inspection)).content.decode()
    assert inspection.members.first().certificate_number in body
    assert f'action="{_stage(inspection, "notice")}"' not in body
    assert 'name="idempotency_key"' not in body


# --- every stage, through its service -------------------------------------------------------------


def test_the_team_records_every_stage_from_the_page_and_submits(client, inspection, team):
    client.force_login(team[0])
    numbers = _numbers(inspection)
    page = _page(inspection)

    response = _post(
        client, inspection, "notice", served_on=date.today().isoformat(), delivery="当面送达"
    )
    # Back on the page, scrolled to the stage still to do: the arrival.
    assert response.status_code == 302
    assert response["Location"] == f"{page}?saved=2#stage-arrival"
    response = _post(
        client,
        inspection,
        "arrival",
        method="onsite",
        officers_present=numbers,
        certificates_shown="on",
        code_unverified_reason="检查对象手机无法联网",
        place="长春市朝阳区某大厦12层",
        latitude="43.88",
        longitude="125.32",
    )
    assert response.status_code == 302
    for point in checkpoints_of(inspection):
        assert (
            _post(client, inspection, "findings", check_point=point.pk, checked="1").status_code
            == 302
        )
    assert _post(client, inspection, "result", codes=["no-problem"], note="").status_code == 302
    assert (
        _post(
            client, inspection, "firm-opinion", opinion="无异议", signed="on", signatory="王经理"
        ).status_code
        == 302
    )
    assert _post(client, inspection, "signatures", signed_by=numbers).status_code == 302

    body = client.get(page).content.decode()
    assert "各环节均已记录，可以提交审核" in body
    # The fixture's window was in June 2021: a submission today says why it is late.
    response = _post(client, inspection, "submit", late_reason="审核退回后补正，逾期提交")
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.SUBMITTED
    kinds = list(inspection.records.order_by("sequence").values_list("kind", flat=True))
    assert kinds[:2] == [RecordKind.APPROVAL, RecordKind.NOTICE]
    assert kinds[-1] == RecordKind.SUBMITTED
    arrival = latest(inspection, RecordKind.ON_SITE)
    assert arrival.place == "长春市朝阳区某大厦12层" and str(arrival.latitude) == "43.880000"
    assert arrival.content["certificates_shown"] is True

    body = client.get(page).content.decode()
    assert "已记录：提交审核" in body or "待审核" in body
    assert "未发现问题" in body
    assert f'action="{_stage(inspection, "result")}"' not in body  # nothing left to record


@pytest.mark.parametrize(
    "slug, data, message",
    [
        ("notice", {"served_on": "2999-01-01", "delivery": "当面送达"}, "送达日期不能晚于今天"),
        ("notice", {"served_on": "2021-06-08", "delivery": " "}, "请填写送达方式"),
    ],
)
def test_a_refused_notice_shows_the_reason_on_its_form(
    client, inspection, team, slug, data, message
):
    client.force_login(team[0])
    response = _post(client, inspection, slug, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not inspection.records.exclude(kind=RecordKind.APPROVAL).exists()


@pytest.fixture
def notified(inspection, team):
    records.issue_notice(
        actor=team[0], inspection=inspection, served_on=date.today(), delivery="当面送达"
    )
    return inspection


def test_arrival_with_one_officer_or_no_certificates_shown_is_refused_on_the_form(
    client, notified, team
):
    client.force_login(team[0])
    numbers = _numbers(notified)
    alone = _post(
        client,
        notified,
        "arrival",
        method="onsite",
        officers_present=numbers[:1],
        certificates_shown="on",
    )
    assert "现场检查须至少两名执法人员在场" in alone.content.decode()
    hidden = _post(client, notified, "arrival", method="onsite", officers_present=numbers)
    assert "执法人员须向检查对象出示执法证件" in hidden.content.decode()
    stranger = _post(
        client,
        notified,
        "arrival",
        method="onsite",
        officers_present=[*numbers, "2201X99999999"],
        certificates_shown="on",
    )
    assert "执法证2201X99999999不属于本检查组" in stranger.content.decode()
    assert notified.records.count() == 2  # the approval, then the notice


@pytest.fixture
def on_site(notified, team):
    records.record_arrival(
        actor=team[0],
        inspection=notified,
        method="onsite",
        officers_present=_numbers(notified),
        certificates_shown=True,
        code_unverified_reason="检查对象未扫码核验（测试）",
        place="现场",
    )
    notified.refresh_from_db()
    return notified


@pytest.mark.parametrize(
    "slug, data, message",
    [
        ("result", {"codes": ["nope"]}, "检查结果代码不存在或已停用：nope"),
        ("result", {"codes": ["follow-up"]}, "请选择“发现问题待后续处理”的具体情形"),
        ("result", {"codes": ["no-problem", "rectified"]}, "不能与其他结果同时选择"),
        ("result", {}, "请选择检查结果"),
        ("firm-opinion", {"opinion": "无", "signatory": ""}, "请先填写检查结果"),
        ("signatures", {"signed_by": []}, "执法人员签名缺失"),
        ("submit", {}, "还不能提交审核：尚未填写检查结果"),
    ],
)
def test_a_refused_stage_shows_the_services_reason_on_its_form(
    client, on_site, team, slug, data, message
):
    client.force_login(team[0])
    before = on_site.records.count()
    response = _post(client, on_site, slug, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert on_site.records.count() == before


def test_an_unsigned_firm_opinion_needs_the_refusal_noted(client, on_site, team):
    records.record_result(actor=team[0], inspection=on_site, codes=["rectified"])
    client.force_login(team[0])
    refused = _post(client, on_site, "firm-opinion", opinion="不同意", signatory="")
    assert "检查对象签名缺失" in refused.content.decode()
    noted = _post(
        client,
        on_site,
        "firm-opinion",
        opinion="",
        refusal_note="负责人拒绝签名，两名执法人员在场见证",
    )
    assert noted.status_code == 302
    assert latest(on_site, RecordKind.FIRM_OPINION).content["signed"] is False


def test_a_finding_of_a_problem_is_recorded_with_its_handling(client, on_site, team):
    point = checkpoints_of(on_site)[0]
    client.force_login(team[0])
    empty = _post(
        client, on_site, "findings", check_point=point.pk, checked="1", problem_found="on"
    )
    assert "发现问题须描述问题" in empty.content.decode()
    response = _post(
        client,
        on_site,
        "findings",
        check_point=point.pk,
        checked="1",
        problem_found="on",
        description="一名外籍员工工作许可已过期",
        handling="当场责令改正",
    )
    assert response.status_code == 302
    body = client.get(_page(on_site)).content.decode()
    assert "一名外籍员工工作许可已过期" in body and "当场责令改正" in body


def test_the_result_offers_parent_and_child_codes_in_official_wording(client, on_site, team):
    client.force_login(team[0])
    body = client.get(_page(on_site)).content.decode()
    assert "发现问题待后续处理（请选择具体情形）" in body
    assert "未按规定公示应当公示的信息" in body and "公示信息隐瞒真实情况弄虚作假" in body
    assert 'value="follow-up"' not in body  # the parent alone is never a result
    response = _post(
        client, on_site, "result", codes=["rectified", "follow-up-disclosure"], note="见笔录"
    )
    assert response.status_code == 302
    body = client.get(_page(on_site)).content.decode()
    assert "发现问题已责令改正；发现问题待后续处理（未按规定公示应当公示的信息）" in body


# --- who may post ---------------------------------------------------------------------------------


def test_only_the_team_posts_stages(client, inspection, outsider, planner):
    data = {"served_on": date.today().isoformat(), "delivery": "当面送达"}
    log_in(client, outsider)
    assert _post(client, inspection, "notice", **data).status_code == 404
    client.force_login(planner)
    assert _post(client, inspection, "notice", **data).status_code == 403
    assert not inspection.records.exclude(kind=RecordKind.APPROVAL).exists()


def test_a_stage_in_the_wrong_state_is_refused_on_the_form(client, inspection, team):
    client.force_login(team[0])
    response = _post(
        client,
        inspection,
        "arrival",
        method="onsite",
        officers_present=_numbers(inspection),
        certificates_shown="on",
    )
    assert "当前为“待检查”，不能记录到达现场" in response.content.decode()


# --- double submits and drafts --------------------------------------------------------------------


def test_a_double_submit_with_the_same_key_makes_one_record(client, inspection, team):
    client.force_login(team[0])
    key = str(uuid.uuid4())
    data = {"served_on": date.today().isoformat(), "delivery": "当面送达", "idempotency_key": key}
    first = client.post(_stage(inspection, "notice"), data)
    second = client.post(_stage(inspection, "notice"), data, follow=True)
    assert first.status_code == 302 and second.status_code == 200
    assert inspection.records.count() == 2  # the approval, then this one
    assert "未重复记录" in second.content.decode()


def test_a_replayed_draft_is_accepted_once_with_when_it_happened(client, inspection, team):
    client.force_login(team[0])
    happened = timezone.now() - timedelta(hours=2)
    data = {
        "served_on": date.today().isoformat(),
        "delivery": "当面送达",
        "idempotency_key": str(uuid.uuid4()),
        "occurred_at": happened.isoformat(),
    }
    for _ in range(2):
        response = client.post(_stage(inspection, "notice"), data, HTTP_X_FIELDWORK_DRAFT="1")
        assert response.status_code == 204
    record = inspection.records.get(kind=RecordKind.NOTICE)
    assert abs((record.occurred_at - happened).total_seconds()) < 1
    assert record.recorded_at > record.occurred_at
    body = client.get(_page(inspection)).content.decode()
    assert "上传）" in body  # the timeline shows it was recorded later than it happened


def test_a_draft_from_the_future_is_refused(client, inspection, team):
    client.force_login(team[0])
    response = _post(
        client,
        inspection,
        "notice",
        served_on=date.today().isoformat(),
        delivery="当面送达",
        occurred_at=(timezone.now() + timedelta(hours=1)).isoformat(),
    )
    assert "发生时间不能晚于当前时间" in response.content.decode()


# --- corrections and the timeline -----------------------------------------------------------------


def test_a_correction_is_a_new_record_and_the_timeline_shows_both(client, notified, team):
    client.force_login(team[0])
    missing_reason = _post(
        client,
        notified,
        "notice",
        served_on=date.today().isoformat(),
        delivery="邮寄送达",
        corrects=2,  # the notice (the approval is 1)
    )
    assert "更正记录须说明原因" in missing_reason.content.decode()
    response = _post(
        client,
        notified,
        "notice",
        served_on=date.today().isoformat(),
        delivery="邮寄送达",
        recipient="张会计",
        corrects=2,  # the notice (the approval is 1)
        reason="送达方式记录有误",
    )
    assert response.status_code == 302
    _approval, first, second = notified.records.order_by("sequence")
    assert second.corrects == first and second.reason == "送达方式记录有误"
    body = client.get(_page(notified)).content.decode()
    assert "更正第2条" in body and "已被第3条更正" in body and "送达方式记录有误" in body
    assert team[0].display_name in body
    again = _post(
        client,
        notified,
        "notice",
        served_on=date.today().isoformat(),
        delivery="当面送达",
        corrects=2,
        reason="再改",
    )
    assert "第2条记录已被更正，请更正最新的记录" in again.content.decode()
    assert InspectionRecord.objects.filter(inspection=notified).count() == 3


def test_what_is_missing_is_shown_before_the_submit_button(client, on_site, team):
    client.force_login(team[0])
    body = client.get(_page(on_site)).content.decode()
    missing = body.index("还缺什么")
    assert "尚未填写检查结果" in body[missing:]
    assert missing < body.index(f'action="{_stage(on_site, "submit")}"')
    assert "尚未送达随机抽查通知书" not in body


# --- the notice -----------------------------------------------------------------------------------


def test_the_notice_is_generated_from_the_task_firm_items_and_team(client, inspection, team):
    client.force_login(team[0])
    response = client.get(reverse("fieldwork:notice", args=[inspection.pk]))
    body = response.content.decode()
    assert "随机抽查通知书" in body and f"{inspection.code}-TZ" in body
    assert inspection.firm_name in body and inspection.firm_uscc in body
    version = inspection.task.items.get()
    assert version.name in body and version.legal_basis in body
    for point in version.checkpoints.all():
        assert point.text in body
    assert "实地检查" in body
    assert "2021年6月7日至2021年6月30日" in body
    for member in inspection.members.select_related("officer"):
        assert member.officer.name in body and member.certificate_number in body
    assert "营业执照" in body
    assert "不配合检查情节严重" in body and "向社会公示" in body
    assert 'class="main-nav"' not in body  # printable: no navigation
    assert "fieldwork/document.css" in body
    # Linked from the inspection's page.
    assert (
        reverse("fieldwork:notice", args=[inspection.pk])
        in client.get(_page(inspection)).content.decode()
    )
