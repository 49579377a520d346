"""Sending a stored notification by e-mail and by the group robot's webhook.

Each sender raises on failure; `services.notify` logs the failure and goes on, so that a mail
server or robot that is down never loses the in-app notification.

The robots (企业微信 群机器人, 钉钉 自定义机器人) take the same text message:
`{"msgtype": "text", "text": {"content": ...}}`. A DingTalk robot with 加签 wants `timestamp` (ms)
and `sign` = base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")) in the query string.
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.mail import send_mail

WEBHOOK_KINDS = ("wecom", "dingtalk")


class DeliveryError(Exception):
    pass


def absolute_link(link: str) -> str:
    """The link as a person opens it from a mail or a chat: with the site's address if set."""
    base = settings.NOTIFY_BASE_URL
    if link.startswith("/") and base:
        return f"{base}{link}"
    return link


def message_text(title: str, body: str, link: str) -> str:
    lines = [f"【{title}】"]
    if body:
        lines.append(body)
    if link:
        lines.append(f"详情：{absolute_link(link)}")
    return "\n".join(lines)


def send_email(*, address: str, title: str, body: str, link: str) -> None:
    send_mail(
        subject=f"[双随机监管平台] {title}",
        message=message_text(title, body, link),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[address],
        fail_silently=False,
    )


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: base64 of HMAC-SHA256 over "timestamp\\nsecret", keyed by the secret."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def webhook_url(*, now_ms: int | None = None) -> str:
    url = settings.NOTIFY_WEBHOOK_URL
    secret = settings.NOTIFY_WEBHOOK_SECRET
    if settings.NOTIFY_WEBHOOK_KIND == "dingtalk" and secret:
        timestamp = now_ms if now_ms is not None else int(time.time() * 1000)
        query = urllib.parse.urlencode(
            {"timestamp": timestamp, "sign": dingtalk_sign(secret, timestamp)}
        )
        url = f"{url}{'&' if '?' in url else '?'}{query}"
    return url


def webhook_payload(content: str) -> dict:
    return {"msgtype": "text", "text": {"content": content}}


def send_webhook(content: str) -> None:
    """Post one text message to the group robot; both robots answer {"errcode": 0} on success."""
    request = urllib.request.Request(
        webhook_url(),
        data=json.dumps(webhook_payload(content), ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=settings.NOTIFY_WEBHOOK_TIMEOUT) as response:
        answer = response.read()
    try:
        errcode = json.loads(answer or b"{}").get("errcode", 0)
    except (ValueError, AttributeError):
        errcode = 0  # a proxy in between may answer plain text; the HTTP status was 2xx
    if errcode not in (0, "0"):
        raise DeliveryError(f"webhook answered errcode {errcode}: {answer[:200]!r}")
