"""The queue's part of /healthz: the broker and its live workers, each asked briefly."""

from django.conf import settings

from backend.celery import app
from backend.jobs.dispatch import broker_configured

EMBEDDED = "嵌入式：未配置消息队列，后台任务在网页进程的线程中运行"


def queue_health() -> dict:
    if not broker_configured():
        return {"mode": "embedded", "label": EMBEDDED}
    state = {"mode": "celery", "queue": settings.CELERY_TASK_DEFAULT_QUEUE}
    try:
        with app.connection_for_read() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=1)
    except Exception:  # noqa: BLE001 - any failure means the broker cannot be reached
        return {**state, "broker": "unreachable", "label": "消息队列无法连接", "workers": 0}
    try:
        workers = len(app.control.ping(timeout=0.5))
    except Exception:  # noqa: BLE001
        workers = 0
    if workers:
        label = f"消息队列可连接，{workers} 个工作进程在线"
    else:
        label = "消息队列可连接，但没有工作进程在线"
    return {**state, "broker": "reachable", "label": label, "workers": workers}
