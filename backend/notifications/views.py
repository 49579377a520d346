"""The notification centre (/notifications/): the list, reading, and the preferences page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from backend.notifications import services
from backend.notifications.models import Notification
from backend.notifications.selectors import notifications_of, preferences_of

STATES = [("", "全部"), ("unread", "未读"), ("read", "已读")]


@login_required
def notification_list(request):
    state = request.GET.get("state", "")
    state = state if state in {"unread", "read"} else ""
    q = request.GET.get("q", "").strip()[:100]
    rows = notifications_of(request.user, state=state, search=q)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "state": state, "q": q, "states": STATES},
    )


@require_POST
@login_required
def notification_open(request, pk: int):
    """Mark read, then go to the item the notification is about."""
    try:
        notification = services.mark_read(user=request.user, notification_id=pk)
    except Notification.DoesNotExist:
        raise Http404("未找到该通知") from None
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("notifications:list")


@require_POST
@login_required
def notification_read(request, pk: int):
    try:
        services.mark_read(user=request.user, notification_id=pk)
    except Notification.DoesNotExist:
        raise Http404("未找到该通知") from None
    return redirect(_back(request))


@require_POST
@login_required
def notification_read_all(request):
    count = services.mark_all_read(user=request.user)
    messages.success(request, f"已将 {count} 条通知标为已读。")
    return redirect(_back(request))


def _back(request) -> str:
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return "notifications:list"


@login_required
def preferences(request):
    choices = preferences_of(request.user)
    if request.method == "POST":
        services.set_preferences(
            actor=request.user,
            choices={
                c.kind: (
                    request.POST.get(f"{c.kind}-email") == "on",
                    request.POST.get(f"{c.kind}-webhook") == "on",
                )
                for c in choices
            },
        )
        messages.success(request, "通知接收设置已保存。")
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {
            "choices": choices,
            "has_email": bool(request.user.email),
        },
    )
