"""The audit actions of accounts, logins, passwords, the second factor and API tokens."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.audit.actions import register


@register
class AccountAction(models.TextChoices):
    CREATE = "account.create", _("创建账号")
    UPDATE = "account.update", _("修改账号")
    UNLOCK = "account.unlock", _("解除账号锁定")
    LOGIN = "auth.login", _("登录")
    LOGIN_FAILED = "auth.login_failed", _("登录失败")
    LOGOUT = "auth.logout", _("退出登录")
    PASSWORD_SET = "account.password_set", _("管理员设置密码")
    PASSWORD_CHANGE = "account.password_change", _("修改本人密码")
    SECOND_FACTOR_ENROL = "account.2fa_enrol", _("绑定双因素认证")
    SECOND_FACTOR_RESET = "account.2fa_reset", _("重置双因素认证")
    RECOVERY_CODES = "account.2fa_recovery_codes", _("重新生成恢复码")
    SECOND_FACTOR_PASSED = "auth.2fa_passed", _("第二步验证通过")
    SECOND_FACTOR_FAILED = "auth.2fa_failed", _("第二步验证失败")
    TOKEN_CREATE = "auth.token", _("创建接口令牌")
    TOKEN_REFUSED = "auth.token_refused", _("拒绝创建接口令牌")
    TOKEN_REVOKE = "auth.token_revoke", _("吊销接口令牌")
    TOKEN_EXPIRED = "auth.token_expired", _("接口令牌过期")


class LoginStep(models.TextChoices):
    """What a logged-in session must still do before anything else."""

    SECOND_FACTOR = "second_factor", _("第二步验证")
    ENROL = "enrol", _("绑定双因素认证")
    PASSWORD = "password", _("修改密码")
