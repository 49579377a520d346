"""The planner's ceremony on the task page: announce, enter the witnesses' values, perform,
see the result; refusals shown as messages, nothing drawn."""

from inspections.draws.models import Draw, DrawStatus
from inspections.planning.models import TaskStatus


def test_the_planner_walks_through_both_draws(login, planner, open_draft_task):
    task = open_draft_task(witnesses=["纪检监督员", "企业代表"])
    client = login(planner)
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert 'data-testid="draw-announce"' in page and "公告检查对象抽取" in page

    client.post(f"/tasks/{task.pk}/draws/announce/firms/")
    draw = Draw.objects.get()
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert 'data-testid="draw-perform-form"' in page and draw.nonce not in page

    refused = client.post(
        f"/tasks/{task.pk}/draws/{draw.public_id}/perform/", {"witness_value": ["1"]}, follow=True
    )
    assert "应录入2个见证值" in refused.content.decode()
    assert Draw.objects.get().status == DrawStatus.ANNOUNCED
    # The values are published: the form says so, and a phone number is refused.
    assert "不能是身份证号码或电话号码" in refused.content.decode()
    refused = client.post(
        f"/tasks/{task.pk}/draws/{draw.public_id}/perform/",
        {"witness_value": ["31", "13912345678"]},
        follow=True,
    )
    assert "企业代表的见证值随抽取揭示永久公开" in refused.content.decode()
    assert Draw.objects.get().status == DrawStatus.ANNOUNCED

    client.post(
        f"/tasks/{task.pk}/draws/{draw.public_id}/perform/", {"witness_value": ["31", "72"]}
    )
    draw.refresh_from_db()
    assert draw.status == DrawStatus.PERFORMED and draw.reveal["witness_values"] == ["31", "72"]
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    # The drawn firms, in words; the seed is on the public page, not the planner's.
    assert 'data-testid="drawn-firms"' in page and "公告检查人员抽取" in page
    assert draw.seed not in page
    # The planner sees which class each stratum label stands for; the public page does not.
    assert f"A类为 {draw.strata['A']}" in page
    public = client.get(f"/public/draws/{draw.public_id}/").content.decode()
    assert "A类为" not in public and 'data-testid="strata-note"' in public

    client.post(f"/tasks/{task.pk}/draws/announce/teams/")
    teams = Draw.objects.get(purpose="teams")
    client.post(f"/tasks/{task.pk}/draws/{teams.public_id}/perform/", {"witness_value": ["a", "b"]})
    task.refresh_from_db()
    assert task.status == TaskStatus.TEAMS_DRAWN
    assert "共 2 次" in client.get(f"/tasks/{task.pk}/").content.decode()


def test_others_see_no_ceremony_buttons(login, inspector, department_admin, open_draft_task):
    task = open_draft_task()
    page = login(department_admin).get(f"/tasks/{task.pk}/").content.decode()
    assert 'data-testid="draw-announce"' not in page
