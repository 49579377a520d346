"""The notification centre: the bell on every staff page, the list with its filter and search,
reading one or all, the preferences page, and the API; nobody reads another user's
notifications (issue 18, item 5)."""

import pytest
from django.urls import reverse

from backend.notifications.models import Notification, NotificationKind
from backend.notifications.services import notify

KIND = NotificationKind.FOLLOW_UP_OVERDUE


@pytest.fixture
def three(planner):
    notify(planner, kind=KIND, title="后续处置超期：KJ-1", link="/field/followups/")
    notify(planner, kind=KIND, title="后续处置超期：KJ-2", body="责令改正未完成")
    notify(planner, kind=NotificationKind.PUBLICATION_DUE, title="检查结果公示今天到期")
    return list(Notification.objects.filter(recipient=planner).order_by("pk"))


def test_the_bell_shows_the_unread_count_on_a_staff_page(client, login, planner, three):
    login(planner)
    body = client.get(reverse("plans:list")).content.decode()
    assert 'data-testid="notification-bell"' in body
    assert 'data-testid="notification-count">3<' in body
    Notification.objects.filter(pk=three[0].pk).update(read_at="2027-01-01T00:00:00Z")
    body = client.get(reverse("plans:list")).content.decode()
    assert 'data-testid="notification-count">2<' in body


def test_no_count_when_everything_is_read(client, login, planner):
    login(planner)
    body = client.get(reverse("accounts:profile")).content.decode()
    assert 'data-testid="notification-bell"' in body
    assert "notification-count" not in body


def test_the_list_filters_and_searches(client, login, planner, three):
    login(planner)
    Notification.objects.filter(pk=three[0].pk).update(read_at="2027-01-01T00:00:00Z")
    page = client.get(reverse("notifications:list")).content.decode()
    assert all(n.title in page for n in three)
    unread = client.get(reverse("notifications:list"), {"state": "unread"}).content.decode()
    assert three[0].title not in unread and three[1].title in unread
    read = client.get(reverse("notifications:list"), {"state": "read"}).content.decode()
    assert three[0].title in read and three[2].title not in read
    found = client.get(reverse("notifications:list"), {"q": "责令改正"}).content.decode()
    assert three[1].title in found and three[0].title not in found


def test_opening_marks_read_and_goes_to_the_item(client, login, planner, three):
    login(planner)
    response = client.post(reverse("notifications:open", args=[three[0].pk]))
    assert response.status_code == 302 and response["Location"] == "/field/followups/"
    three[0].refresh_from_db()
    assert three[0].read_at is not None


def test_read_one_and_read_all(client, login, planner, three):
    login(planner)
    client.post(reverse("notifications:read", args=[three[1].pk]))
    assert Notification.objects.filter(read_at__isnull=True).count() == 2
    client.post(reverse("notifications:read-all"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_another_users_notification_cannot_be_read_or_opened(
    client, login, planner, department_admin, three
):
    login(department_admin)
    assert client.get(reverse("notifications:list")).content.decode().count("KJ-1") == 0
    for name in ("notifications:open", "notifications:read"):
        assert client.post(reverse(name, args=[three[0].pk])).status_code == 404
    client.post(reverse("notifications:read-all"))
    assert Notification.objects.filter(recipient=planner, read_at__isnull=True).count() == 3


def test_the_preferences_page_saves_each_kind(client, login, planner, settings):
    settings.NOTIFY_DEFAULT_EMAIL = True
    login(planner)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "执法证即将到期" in page and "始终接收" in page
    client.post(
        reverse("notifications:preferences"),
        {f"{NotificationKind.CERTIFICATE_EXPIRING}-webhook": "on"},
    )
    prefs = {p.kind: (p.email, p.webhook) for p in planner.notification_preferences.all()}
    assert prefs[NotificationKind.CERTIFICATE_EXPIRING] == (False, True)
    assert prefs[NotificationKind.SYSTEM] == (False, False)


def test_the_api_lists_only_the_callers_notifications(
    client, login, planner, department_admin, three
):
    notify(department_admin, kind=KIND, title="孙的通知")
    login(planner)
    data = client.get("/api/v1/notifications/").json()
    assert data["count"] == 3 and data["unread"] == 3
    assert {row["title"] for row in data["results"]} == {n.title for n in three}
    assert data["results"][0]["kind_label"]
    unread = client.get("/api/v1/notifications/", {"state": "unread", "q": "公示"}).json()
    assert [row["title"] for row in unread["results"]] == ["检查结果公示今天到期"]


def test_the_api_marks_read_only_ones_own(client, login, planner, department_admin, three):
    login(department_admin)
    response = client.post(f"/api/v1/notifications/{three[0].pk}/read/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 0}
    login(planner)
    response = client.post(f"/api/v1/notifications/{three[0].pk}/read/")
    assert response.status_code == 200 and response.json()["is_read"] is True
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 2}


def test_the_public_reads_nothing(client, db):
    assert client.get("/api/v1/notifications/").status_code in (401, 403)
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302
