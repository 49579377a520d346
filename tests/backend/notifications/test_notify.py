"""`notify`: the in-app notification always, e-mail and the group robot as each user chose,
once per dedupe key, and never a citizen ID or phone number in any of them (issue 18, item 5)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from django.core import mail

from backend.audit.models import AuditEvent
from backend.notifications.delivery import dingtalk_sign
from backend.notifications.models import Notification, NotificationKind
from backend.notifications.selectors import preferences_of
from backend.notifications.services import notify, set_preferences

KIND = NotificationKind.CERTIFICATE_EXPIRING


class Robot:
    """A group robot on a real local HTTP server: it records each request and answers as the
    robots do (`{"errcode": 0}`), or with an error when told to."""

    def __init__(self):
        self.requests: list[tuple[str, dict]] = []
        self.answer = {"errcode": 0, "errmsg": "ok"}
        self.status = 200
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                robot.requests.append((self.path, json.loads(self.rfile.read(length))))
                body = json.dumps(robot.answer).encode()
                self.send_response(robot.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/cgi-bin/webhook/send?key=abc"

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def robot(settings):
    robot = Robot()
    settings.NOTIFY_WEBHOOK_URL = robot.url
    settings.NOTIFY_WEBHOOK_KIND = "wecom"
    settings.NOTIFY_WEBHOOK_SECRET = ""
    yield robot
    robot.close()


@pytest.fixture
def mail_outbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFY_BASE_URL = "https://jg.example.gov.cn"
    return mail.outbox


@pytest.fixture
def sun(department_admin):
    department_admin.email = "sun@kj.example.gov.cn"
    department_admin.save(update_fields=["email"])
    return department_admin


def _choose(user, *, email: bool, webhook: bool):
    set_preferences(actor=user, choices={KIND: (email, webhook)})


def test_a_notification_reaches_the_centre_the_mail_and_the_robot(sun, mail_outbox, robot):
    _choose(sun, email=True, webhook=True)
    [created] = notify(
        sun,
        kind=KIND,
        title="王执法的执法证还有30天到期",
        body="请及时换证。",
        link="/personnel/officers/7/",
    )
    stored = Notification.objects.get(recipient=sun)
    assert stored == created and stored.read_at is None and stored.link == "/personnel/officers/7/"
    [message] = mail_outbox
    assert message.to == ["sun@kj.example.gov.cn"]
    assert "王执法的执法证还有30天到期" in message.subject
    assert "https://jg.example.gov.cn/personnel/officers/7/" in message.body
    [(path, payload)] = robot.requests
    assert path == "/cgi-bin/webhook/send?key=abc"
    assert payload["msgtype"] == "text"
    assert set(payload) == {"msgtype", "text"}
    assert "王执法的执法证还有30天到期" in payload["text"]["content"]
    assert "孙管理" in payload["text"]["content"]


def test_the_users_choice_is_respected(sun, mail_outbox, robot):
    _choose(sun, email=False, webhook=False)
    notify(sun, kind=KIND, title="只在站内")
    assert Notification.objects.filter(recipient=sun, title="只在站内").exists()
    assert mail_outbox == [] and robot.requests == []
    # Another kind keeps the defaults (mail on, robot off).
    notify(sun, kind=NotificationKind.FOLLOW_UP_OVERDUE, title="后续处置超期")
    assert [m.subject for m in mail_outbox] == ["[双随机监管平台] 后续处置超期"]
    assert robot.requests == []


def test_the_dingtalk_robot_gets_a_valid_signature(sun, robot, settings):
    settings.NOTIFY_WEBHOOK_KIND = "dingtalk"
    settings.NOTIFY_WEBHOOK_SECRET = "SECabc123"
    _choose(sun, email=False, webhook=True)
    notify(sun, kind=KIND, title="钉钉提醒")
    [(path, payload)] = robot.requests
    query = parse_qs(urlparse(path).query)
    assert query["key"] == ["abc"]
    timestamp = int(query["timestamp"][0])
    assert query["sign"] == [dingtalk_sign("SECabc123", timestamp)]
    assert payload == {"msgtype": "text", "text": {"content": payload["text"]["content"]}}
    assert "钉钉提醒" in payload["text"]["content"]


def test_dingtalk_signature_follows_the_documented_scheme():
    # base64(HMAC-SHA256(key=secret, msg="timestamp\nsecret")), computed independently.
    import base64
    import hashlib
    import hmac

    expected = base64.b64encode(
        hmac.new(b"s3cret", b"1700000000000\ns3cret", hashlib.sha256).digest()
    ).decode()
    assert dingtalk_sign("s3cret", 1700000000000) == expected


@pytest.mark.parametrize(
    "answer,status", [({"errcode": 310000, "errmsg": "sign not match"}, 200), ({}, 500)]
)
def test_a_failing_robot_or_mail_server_loses_nothing_and_is_logged(
    sun, robot, settings, caplog, answer, status
):
    settings.EMAIL_BACKEND = "tests.backend.notifications.broken_mail.BrokenBackend"
    robot.answer, robot.status = answer, status
    _choose(sun, email=True, webhook=True)
    notify(sun, kind=KIND, title="仍然保留")
    assert Notification.objects.filter(recipient=sun, title="仍然保留").count() == 1
    assert len(robot.requests) == 1
    assert "mail to user" in caplog.text and "webhook failed" in caplog.text


def test_an_unreachable_robot_loses_nothing(sun, settings, caplog):
    settings.NOTIFY_WEBHOOK_URL = "http://127.0.0.1:9/nothing-listens-here"
    _choose(sun, email=False, webhook=True)
    notify(sun, kind=KIND, title="机器人不可达")
    assert Notification.objects.filter(title="机器人不可达").exists()
    assert "webhook failed" in caplog.text


def test_the_same_dedupe_key_is_stored_and_sent_once(sun, mail_outbox):
    first = notify(sun, kind=KIND, title="一次", dedupe_key="certificate:1:30:2027-09-01")
    again = notify(sun, kind=KIND, title="一次", dedupe_key="certificate:1:30:2027-09-01")
    assert len(first) == 1 and again == []
    assert Notification.objects.filter(recipient=sun).count() == 1
    assert len(mail_outbox) == 1


def test_several_recipients_each_get_one(sun, planner, legal_reviewer):
    notify([sun, planner, sun, None], kind=KIND, title="多人", dedupe_key="k")
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == [
        "li_planner",
        "sun_admin",
    ]


def test_the_group_gets_one_message_naming_everyone_who_chose_it(
    sun, planner, legal_reviewer, robot
):
    _choose(sun, email=False, webhook=True)
    _choose(planner, email=False, webhook=True)
    _choose(legal_reviewer, email=False, webhook=False)
    notify([sun, planner, legal_reviewer], kind=KIND, title="群消息")
    [(_, payload)] = robot.requests
    assert payload["text"]["content"].startswith("【致孙管理、李计划：群消息】")
    assert "赵法制" not in payload["text"]["content"]
    # Already told today: nobody is told again, and the group hears nothing.
    notify([sun, planner], kind=KIND, title="群消息", dedupe_key="d")
    notify([sun, planner], kind=KIND, title="群消息", dedupe_key="d")
    assert len(robot.requests) == 2


def test_an_inactive_user_is_not_notified(sun):
    sun.is_active = False
    sun.save(update_fields=["is_active"])
    assert notify(sun, kind=KIND, title="停用") == []


def test_an_unknown_kind_is_refused(sun):
    with pytest.raises(ValueError):
        notify(sun, kind="made_up", title="x")


def test_no_id_or_phone_number_reaches_any_channel(sun, mail_outbox, robot):
    _choose(sun, email=True, webhook=True)
    notify(
        sun,
        kind=KIND,
        title="联系人 13800138000",
        body="身份证号 110101199003074514，电话 138 0013 8000，座机 0431-88886666",
    )
    stored = Notification.objects.get(recipient=sun)
    texts = [
        stored.title,
        stored.body,
        mail_outbox[0].subject,
        mail_outbox[0].body,
        robot.requests[0][1]["text"]["content"],
    ]
    for text in texts:
        for number in ("13800138000", "110101199003074514", "138 0013 8000", "88886666"):
            assert number not in text
    assert "110101********4514" in stored.body
    assert "*" in stored.title


def test_preferences_default_and_change_is_audited(sun, settings):
    settings.NOTIFY_DEFAULT_EMAIL = True
    settings.NOTIFY_DEFAULT_WEBHOOK = False
    choices = {c.kind: (c.email, c.webhook) for c in preferences_of(sun)}
    assert choices[KIND] == (True, False) and set(choices) == set(NotificationKind.values)
    set_preferences(actor=sun, choices={KIND: (False, True)})
    event = AuditEvent.objects.get(action="notifications.preferences")
    assert event.actor == sun and event.detail["changed"] == {
        KIND: {"email": False, "webhook": True}
    }
    # Saving the same choice again records nothing.
    set_preferences(actor=sun, choices={KIND: (False, True)})
    assert AuditEvent.objects.filter(action="notifications.preferences").count() == 1
