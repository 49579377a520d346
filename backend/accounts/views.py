from axes.models import AccessAttempt
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from backend.accounts.decorators import role_required
from backend.accounts.forms import LoginForm, UnlockForm
from backend.accounts.roles import HOME_URL_NAME, Role
from backend.accounts.selectors import users_visible_to
from backend.accounts.services import unlock_username
from backend.audit.models import AuditEvent, Outcome


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True


def locked_out(request, original_response=None, credentials=None):
    """What axes shows a locked username: the login page, with the reason in Chinese."""
    form = LoginForm(request, data=request.POST or None)
    form.errors.clear()
    return render(
        request,
        "accounts/login.html",
        {"form": form, "locked": True},
        status=429,
    )


def home(request):
    """The root: each role lands on its own home page; the public sees the portal's front."""
    if request.user.is_authenticated:
        return redirect(HOME_URL_NAME.get(request.user.role, "accounts:profile"))
    return render(request, "public/index.html")


def _my_recent_events(user, limit=10):
    return AuditEvent.objects.filter(actor=user).order_by("-id")[:limit]


def _workspace(request, template, **context):
    context.setdefault("recent_events", _my_recent_events(request.user))
    return render(request, template, context)


@role_required(Role.PLANNER)
def home_planner(request):
    return _workspace(request, "accounts/home_planner.html")


@role_required(Role.INSPECTOR)
def home_inspector(request):
    return _workspace(request, "accounts/home_inspector.html")


@role_required(Role.LEGAL_REVIEWER)
def home_legal(request):
    return _workspace(request, "accounts/home_legal.html")


@role_required(Role.DEPARTMENT_ADMIN)
def home_department(request):
    members = users_visible_to(request.user).order_by("role", "username")
    return _workspace(request, "accounts/home_department.html", members=members)


@role_required(Role.SYSTEM_ADMIN)
def home_system(request):
    users = users_visible_to(request.user).order_by("department__code", "username")
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(username__icontains=query) | users.filter(
            display_name__icontains=query
        )
    return _workspace(request, "accounts/home_system.html", users=users, q=query)


@role_required(Role.SECURITY_ADMIN)
def home_security(request):
    lockouts = AccessAttempt.objects.order_by("-attempt_time")[:100]
    failures = AuditEvent.objects.filter(
        action="auth.login_failed", outcome=Outcome.FAILURE
    ).order_by("-id")[:50]
    return _workspace(
        request,
        "accounts/home_security.html",
        lockouts=lockouts,
        failures=failures,
        unlock_form=UnlockForm(),
    )


@require_POST
@role_required(Role.SECURITY_ADMIN)
def unlock(request):
    form = UnlockForm(request.POST)
    if form.is_valid():
        try:
            cleared = unlock_username(actor=request.user, username=form.cleaned_data["username"])
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(
                request, f"已解除账号 {form.cleaned_data['username']} 的锁定（{cleared} 条记录）。"
            )
    else:
        messages.error(request, "请填写要解锁的账号。")
    return redirect(reverse("accounts:home-security"))


@role_required(*Role.values)
def profile(request):
    return _workspace(request, "accounts/profile.html")
