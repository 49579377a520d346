import segno
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from backend.accounts.decorators import role_required
from backend.accounts.forms import (
    EnrolForm,
    LoginForm,
    PasswordChangeForm,
    RecoveryCodeForm,
    ResetSecondFactorForm,
    SecondFactorForm,
    UnlockForm,
)
from backend.accounts.models import User
from backend.accounts.roles import HOME_URL_NAME, Role
from backend.accounts.selectors import api_tokens_of, has_second_factor, users_visible_to
from backend.accounts.services import (
    change_own_password,
    create_api_token,
    enrol_second_factor,
    refuse_api_token,
    regenerate_recovery_codes,
    reset_second_factor,
    revoke_api_token,
    unlock_username,
    verify_second_factor,
)
from backend.audit.models import AuditEvent, Outcome
from backend.audit.selectors import my_recent_activity

# The secret of a TOTP app being bound, kept in the session (server side) until its first code
# confirms it; only then is a device stored.
_PENDING_TOTP_KEY = "accounts_pending_totp_key"


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True


def _next_url(request) -> str:
    """Where to go once a login step is done: the page first asked for, if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _finish_second_factor(request, device) -> None:
    otp_login(request, device)
    # The session now holds more than a password proved: give it a new key (session fixation).
    request.session.cycle_key()


@never_cache
@login_required
def second_factor(request):
    """The login's second step: the code of the TOTP app, or a recovery code."""
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    if not has_second_factor(user):
        return redirect(reverse("accounts:two-factor"))
    recovery = request.GET.get("recovery") == "1" or request.POST.get("recovery") == "1"
    form_class = RecoveryCodeForm if recovery else SecondFactorForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = verify_second_factor(user=user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc.messages[0])
        else:
            if device is not None:
                _finish_second_factor(request, device)
                if isinstance(device, StaticDevice):
                    left = device.token_set.count()
                    messages.warning(
                        request,
                        f"您使用了一个恢复码，还剩 {left} 个。"
                        "请在“个人信息”中更换验证器或重新生成恢复码。",
                    )
                return redirect(_next_url(request))
            wrong = "恢复码不正确或已使用" if recovery else "验证码不正确，请重新输入"
            form.add_error("code", wrong)
    return render(
        request,
        "accounts/second_factor.html",
        {"form": form, "recovery": recovery, "next": _next_url(request)},
    )


def _pending_key(request) -> str:
    key = request.session.get(_PENDING_TOTP_KEY)
    if not key:
        key = random_hex(20)
        request.session[_PENDING_TOTP_KEY] = key
    return key


def _enrolment_context(request, key: str) -> dict:
    device = TOTPDevice(user=request.user, key=key, name="")
    # The secret as the apps ask for it when typed: base32, in groups of four.
    secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    return {
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=4, border=2),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
    }


@never_cache
@login_required
def two_factor(request):
    """Bind a TOTP app (or replace it, from a verified session) and get recovery codes."""
    user = request.user
    enrolled = has_second_factor(user)
    if enrolled and not user.is_verified():
        return redirect(reverse("accounts:second-factor"))
    key = _pending_key(request)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = enrol_second_factor(
                user=user, key=key, code=form.cleaned_data["code"], replacing=enrolled
            )
        except ValidationError as exc:
            form.add_error("code", exc.message_dict.get("code", exc.messages)[0])
        else:
            del request.session[_PENDING_TOTP_KEY]
            _finish_second_factor(request, device)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _next_url(request), "enrolled_now": True},
            )
    context = {
        "form": form,
        "enrolled": enrolled,
        "required": user.requires_second_factor,
        "next": _next_url(request),
        **_enrolment_context(request, key),
    }
    return render(request, "accounts/two_factor.html", context)


@never_cache
@require_POST
@login_required
def recovery_codes(request):
    try:
        codes = regenerate_recovery_codes(user=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(reverse("accounts:two-factor"))
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": reverse("accounts:profile"), "enrolled_now": False},
    )


@never_cache
@login_required
def password_change(request):
    user = request.user
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change_own_password(
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else "new_password", errors)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, "密码已修改。")
            return redirect(_next_url(request))
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "next": _next_url(request)},
    )


@never_cache
@login_required
def tokens(request):
    """The user's own API tokens: create one (shown once) or revoke one."""
    new_token = None
    if request.method == "POST":
        try:
            token_row, new_token = create_api_token(
                user=request.user, second_factor_passed=request.user.is_verified()
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect(reverse("accounts:tokens"))
        except PermissionDenied as exc:
            refuse_api_token(user=request.user, reason=str(exc))
            messages.error(request, str(exc))
            return redirect(reverse("accounts:tokens"))
    return render(
        request,
        "accounts/tokens.html",
        {
            "tokens": api_tokens_of(request.user),
            "new_token": new_token,
            "ttl_days": settings.API_TOKEN_TTL_DAYS,
        },
    )


@require_POST
@login_required
def token_revoke(request, key: str):
    try:
        revoke_api_token(user=request.user, token_key=key)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "接口令牌已吊销。")
    return redirect(reverse("accounts:tokens"))


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


def _workspace(request, template, **context):
    context.setdefault("recent_activity", my_recent_activity(request.user))
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
        reset_form=ResetSecondFactorForm(),
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


@require_POST
@role_required(Role.SECURITY_ADMIN)
def second_factor_reset(request):
    form = ResetSecondFactorForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写要重置的账号。")
        return redirect(reverse("accounts:home-security"))
    username = form.cleaned_data["username"]
    target = users_visible_to(request.user).filter(username=username).first()
    if target is None:
        messages.error(request, f"没有账号 {username}。")
        return redirect(reverse("accounts:home-security"))
    try:
        reset_second_factor(actor=request.user, user=target)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(
            request, f"已重置账号 {username} 的双因素认证，该用户下次登录时须重新绑定验证器。"
        )
    return redirect(reverse("accounts:home-security"))


@role_required(*Role.values)
def profile(request):
    user: User = request.user
    return _workspace(
        request,
        "accounts/profile.html",
        enrolled=has_second_factor(user),
        recovery_left=sum(d.token_set.count() for d in StaticDevice.objects.filter(user=user)),
        token_count=api_tokens_of(user).count(),
    )
