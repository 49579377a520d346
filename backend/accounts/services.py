"""Account writes: each one validated, atomic and audited."""

import logging
from binascii import unhexlify

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_otp import verify_token
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from knox.settings import knox_settings

from backend.accounts.actions import AccountAction
from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.accounts.selectors import api_tokens_of, has_second_factor
from backend.audit.models import Outcome
from backend.audit.services import record_event

logger = logging.getLogger(__name__)


@transaction.atomic
def create_user(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    department,
    display_name: str = "",
    email: str = "",
) -> User:
    """Create an account. Only the system administrator may, or the system itself (actor None)."""
    if actor is not None and actor.role != Role.SYSTEM_ADMIN:
        raise PermissionDenied("只有系统管理员可以创建账户")
    user = User(
        username=username,
        role=role,
        department=department,
        display_name=display_name,
        email=email,
        # The admin site is for the system administrator's back-office fixes only.
        is_staff=role == Role.SYSTEM_ADMIN,
    )
    validate_password(password, user)
    user.set_password(password)
    if actor is not None:
        # The administrator knows the first password: the owner replaces it at first login.
        user.must_change_password = True
        user.password_set_by = actor
        user.password_set_at = timezone.now()
    user.full_clean()
    user.save(force_insert=True)
    record_event(
        action=AccountAction.CREATE,
        actor=actor,
        obj=user,
        detail={"username": username, "role": role, "department": department.code},
    )
    return user


@transaction.atomic
def unlock_username(*, actor: User, username: str) -> int:
    """Lift a login lockout. Returns how many lockout records were cleared."""
    if actor.role != Role.SECURITY_ADMIN:
        raise PermissionDenied("只有安全管理员可以解除锁定")
    if not username:
        raise ValidationError({"username": "请填写要解锁的账号"})
    cleared = axes_reset(username=username)
    record_event(
        action=AccountAction.UNLOCK,
        actor=actor,
        object_type="accounts.user",
        object_id=username,
        detail={"cleared": cleared},
    )
    return cleared


# --------------------------------------------------------------------------- passwords


@transaction.atomic
def set_password_by_admin(*, actor: User, user: User, password: str | None) -> User:
    """The system administrator sets someone's password in the admin (None: no password login).

    The administrator then knows it, so the owner must change it at their next login before
    anything else; they are told at that login and, when the account has an address, by mail.
    The account's API tokens are revoked: whoever held them may be why the password was reset.
    """
    if actor.role != Role.SYSTEM_ADMIN:
        raise PermissionDenied("只有系统管理员可以设置他人的密码")
    if actor.pk == user.pk:
        raise PermissionDenied("不能在后台为自己设置密码，请在“个人信息”中修改本人密码")
    if password is None:
        user.set_unusable_password()
        user.must_change_password = False
    else:
        validate_password(password, user)
        user.set_password(password)
        user.must_change_password = True
    user.password_set_by = actor
    user.password_set_at = timezone.now()
    user.save(
        update_fields=["password", "must_change_password", "password_set_by", "password_set_at"]
    )
    revoked, _ = AuthToken.objects.filter(user=user).delete()
    mailed = bool(user.email)
    if mailed:
        transaction.on_commit(lambda: _mail_password_set(user=user, actor=actor))
    record_event(
        action=AccountAction.PASSWORD_SET,
        actor=actor,
        obj=user,
        detail={
            "username": user.username,
            "login_disabled": password is None,
            "tokens_revoked": revoked,
            "mailed": mailed,
        },
    )
    return user


def _mail_password_set(*, user: User, actor: User) -> None:
    at = timezone.localtime(user.password_set_at).strftime("%Y-%m-%d %H:%M")
    body = (
        f"{user.display_name or user.username}：\n\n"
        f"系统管理员 {actor.display_name or actor.username} 于 {at} 在后台为您的账号"
        f" {user.username} 设置了新密码，您的接口令牌已全部吊销。下次登录时须先修改密码。\n\n"
        "如果这不是您本人申请的，请立即联系安全管理员。\n\n双随机、一公开 监管平台"
    )
    try:
        send_mail("您的账号密码已由管理员重新设置", body, None, [user.email])
    except OSError:
        # The login page tells the owner as well; a mail server that is down must not undo
        # the change (it is committed already).
        logger.warning("could not mail user %s about their password", user.pk, exc_info=True)


@transaction.atomic
def change_own_password(*, user: User, old_password: str, new_password: str) -> User:
    """The owner changes their password, which ends a change an administrator required."""
    if not user.check_password(old_password):
        raise ValidationError({"old_password": "原密码不正确"})
    if new_password == old_password:
        raise ValidationError({"new_password": "新密码不能与原密码相同"})
    validate_password(new_password, user)
    was_required = user.must_change_password
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    record_event(
        action=AccountAction.PASSWORD_CHANGE,
        actor=user,
        obj=user,
        detail={"required_by_administrator": was_required},
    )
    return user


# --------------------------------------------------------------------------- second factor

# The device name that marks the demo accounts' TOTP apps (demo/accounts.py): `demo_totp`
# prints codes for these devices only.
DEMO_DEVICE_NAME = "演示验证器"
DEVICE_NAME = "手机验证器"


def _totp_matches(key: str, code: str) -> int | None:
    """The time step at which `code` is the TOTP app's code for `key` (one step either side)."""
    try:
        token = int(code)
    except ValueError:
        return None
    totp = TOTP(unhexlify(key.encode()), step=30, t0=0, digits=6)
    if totp.verify(token, tolerance=1):
        return totp.t()
    return None


def _new_recovery_codes(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": "恢复码", "confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def enrol_second_factor(
    *, user: User, key: str, code: str, replacing: bool = False, name: str = DEVICE_NAME
) -> tuple[TOTPDevice, list[str]]:
    """Bind a TOTP app, proven by a code it shows, and hand out new recovery codes.

    `replacing` says the session passed the second step with the app it replaces: without it an
    account that has one is refused, so a stolen password never binds the thief's phone. The
    recovery codes are returned once, to be shown once.
    """
    enrolled = has_second_factor(user)
    if enrolled and not replacing:
        raise PermissionDenied("该账号已绑定双因素认证：请先完成第二步验证，再更换验证器")
    step = _totp_matches(key, code.strip())
    if step is None:
        raise ValidationError({"code": "验证码不正确：请输入验证器当前显示的 6 位数字"})
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name=name, key=key, confirmed=True, last_t=step)
    codes = _new_recovery_codes(user)
    record_event(
        action=AccountAction.SECOND_FACTOR_ENROL,
        actor=user,
        obj=user,
        detail={"replaced": enrolled, "recovery_codes": len(codes)},
    )
    return device, codes


@transaction.atomic
def regenerate_recovery_codes(*, user: User) -> list[str]:
    """New recovery codes for an enrolled account; the old ones stop working."""
    if not has_second_factor(user):
        raise ValidationError("请先绑定双因素认证")
    codes = _new_recovery_codes(user)
    record_event(
        action=AccountAction.RECOVERY_CODES, actor=user, obj=user, detail={"count": len(codes)}
    )
    return codes


@transaction.atomic
def reset_second_factor(*, actor: User, user: User) -> int:
    """Remove an account's TOTP app and recovery codes, e.g. after a lost phone.

    The security administrator's task (三员分立), never the system administrator's; and never
    on their own account, which they recover with a recovery code instead. The owner binds a new
    app at their next login. Returns how many devices were removed.
    """
    if actor.role != Role.SECURITY_ADMIN:
        raise PermissionDenied("只有安全管理员可以重置双因素认证")
    if actor.pk == user.pk:
        raise PermissionDenied("不能重置自己的双因素认证：请用恢复码登录后更换验证器")
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    if not removed:
        raise ValidationError({"username": f"账号 {user.username} 尚未绑定双因素认证"})
    StaticDevice.objects.filter(user=user).delete()
    record_event(
        action=AccountAction.SECOND_FACTOR_RESET,
        actor=actor,
        obj=user,
        detail={"username": user.username},
    )
    return removed


def _record_second_factor(user: User, device: Device | None, kind: str) -> None:
    record_event(
        action=AccountAction.SECOND_FACTOR_PASSED if device else AccountAction.SECOND_FACTOR_FAILED,
        actor=user,
        obj=user,
        outcome=Outcome.SUCCESS if device else Outcome.FAILURE,
        detail={"kind": kind},
    )


def verify_second_factor(*, user: User, code: str) -> Device | None:
    """Check the code of the user's TOTP app, or one of their recovery codes (used up).

    Returns the device that accepted it, or None. Each wrong code makes the next try wait
    longer (django-otp's throttling, kept in the database); while it waits a ValidationError
    says until when. Audited either way; the failure stays recorded whatever the caller does.
    """
    code = "".join(code.split()).lower()
    kind = "totp" if code.isdigit() else "recovery"
    model = TOTPDevice if kind == "totp" else StaticDevice
    device = model.objects.filter(user=user, confirmed=True).first()
    if device is None:
        _record_second_factor(user, None, kind)
        return None
    allowed, why = device.verify_is_allowed()
    if not allowed and why and why.get("locked_until"):
        until = timezone.localtime(why["locked_until"])
        raise ValidationError(f"验证码错误次数过多，请于 {until:%H:%M:%S} 后再试")
    accepted = verify_token(user, device.persistent_id, code)
    _record_second_factor(user, accepted, kind)
    return accepted


# --------------------------------------------------------------------------- API tokens


@transaction.atomic
def create_api_token(*, user: User, second_factor_passed: bool) -> tuple[AuthToken, str]:
    """A new API token for `user` — the account that proved itself, and no other.

    Only its SHA-512 digest is stored: the token returned here is shown once and can never be
    read again. It expires after API_TOKEN_TTL_DAYS. An account with a second factor (or whose
    role requires one) gets a token only once that factor was passed, and an account whose
    password an administrator set only after its owner changed it.
    """
    if not user.is_active:
        raise PermissionDenied("该账号已停用")
    if user.must_change_password:
        raise PermissionDenied("管理员为该账号设置了密码：请先登录网页修改密码，再创建接口令牌")
    if (user.requires_second_factor or has_second_factor(user)) and not second_factor_passed:
        raise PermissionDenied("该账号须先通过双因素认证，才能创建接口令牌")
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    if limit is not None and api_tokens_of(user).count() >= limit:
        raise ValidationError(
            f"每个账号最多同时持有 {limit} 个有效的接口令牌，请先吊销不再使用的令牌"
        )
    token_row, token = AuthToken.objects.create(user=user)
    record_event(
        action=AccountAction.TOKEN_CREATE,
        actor=user,
        object_type="knox.authtoken",
        object_id=token_row.token_key,
        detail={"expiry": token_row.expiry.isoformat()},
    )
    return token_row, token


@transaction.atomic
def revoke_api_token(*, user: User, token_key: str) -> None:
    """The owner revokes one of their own tokens, named by its first characters."""
    deleted, _ = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    if not deleted:
        raise ValidationError("未找到该接口令牌，可能已过期或已吊销")
    record_event(
        action=AccountAction.TOKEN_REVOKE,
        actor=user,
        object_type="knox.authtoken",
        object_id=token_key,
    )


def refuse_api_token(*, user: User, reason: str) -> None:
    """Record a refused token request (the caller then answers with the refusal)."""
    record_event(
        action=AccountAction.TOKEN_REFUSED,
        actor=user,
        object_type="knox.authtoken",
        outcome=Outcome.DENIED,
        detail={"reason": reason},
    )
