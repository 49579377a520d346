from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_static import admin as _otp_static_admin  # noqa: F401
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp import admin as _otp_totp_admin  # noqa: F401
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox import admin as _knox_admin  # noqa: F401  (registers AuthToken, replaced below)
from knox.models import AuthToken

from backend.accounts.models import User
from backend.accounts.roles import Role
from backend.accounts.services import set_password_by_admin
from backend.audit.admin import AuditedModelAdmin, SealedAdmin

# API tokens and second factors are credentials: whoever could read or add them in the admin
# could act as their owner (三员分立). Their libraries' own admins (which list token digests, add
# a token for any user, show TOTP secrets as QR codes) are replaced by one that refuses
# everything, to everyone, superusers included; a direct address answers 403 and is audited.
for _model in (AuthToken, TOTPDevice, StaticDevice):
    admin.site.unregister(_model)
    admin.site.register(_model, SealedAdmin)

# Fields of one's own account that one may not change in the admin: a system administrator
# must not make themself an auditor, nor lift their own restrictions.
_OWN_ACCOUNT_READ_ONLY = ["role", "department", "is_active", "is_staff"]
_PASSWORD_STATE = ["must_change_password", "password_set_by", "password_set_at"]


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    list_display = ["username", "display_name", "role", "department", "is_active"]
    list_filter = ["role", "department", "is_active"]
    search_fields = ["username", "display_name", "email"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("个人信息", {"fields": ["display_name", "email"]}),
        ("角色与部门", {"fields": ["role", "department", "is_active", "is_staff"]}),
        ("密码状态", {"fields": _PASSWORD_STATE}),
        ("时间", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "fields": [
                    "username",
                    "display_name",
                    "email",
                    "role",
                    "department",
                    "usable_password",
                    "password1",
                    "password2",
                ]
            },
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), *_PASSWORD_STATE]
        if obj is not None and obj.pk == request.user.pk:
            fields += _OWN_ACCOUNT_READ_ONLY
        return fields

    def save_model(self, request, obj, form, change):
        if not change:
            # The administrator chose the first password: the owner replaces it at first login.
            obj.is_staff = obj.role == Role.SYSTEM_ADMIN
            obj.must_change_password = obj.has_usable_password()
            obj.password_set_by = request.user
            obj.password_set_at = timezone.now()
        super().save_model(request, obj, form, change)

    @method_decorator(sensitive_post_parameters())
    def user_change_password(self, request, id, form_url=""):
        """Django's page, but the change goes through `set_password_by_admin`: audited, the
        owner told and made to change it, the account's tokens revoked."""
        user = self.get_object(request, unquote(id))
        allowed = user is not None and self.has_change_permission(request, user)
        if request.method != "POST" or not allowed:
            return super().user_change_password(request, id, form_url)
        form = self.change_password_form(user, request.POST)
        if not form.is_valid():
            return super().user_change_password(request, id, form_url)
        usable = form.cleaned_data["set_usable_password"]
        if not usable and "unset-password" not in request.POST:
            return super().user_change_password(request, id, form_url)
        try:
            set_password_by_admin(
                actor=request.user,
                user=user,
                password=form.cleaned_data["password1"] if usable else None,
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return HttpResponseRedirect(request.get_full_path())
        messages.success(
            request,
            f"已为 {user.username} 设置密码：该用户下次登录时须先修改密码，"
            "已通知本人并吊销其接口令牌。"
            if usable
            else f"已停用 {user.username} 的密码登录。",
        )
        return HttpResponseRedirect(
            reverse(f"{self.admin_site.name}:accounts_user_change", args=(user.pk,))
        )
