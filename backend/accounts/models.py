from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.accounts.roles import SECOND_FACTOR_ROLES, SEPARATED_ADMINS, Role


class ShuangsuiUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # The emergency account of `createsuperuser` is a system administrator, never a
        # holder of the audit or security role.
        extra_fields.setdefault("role", Role.SYSTEM_ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A login account. It belongs to exactly one department and holds exactly one role."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        "organisation.Department",
        verbose_name=_("所属部门"),
        on_delete=models.PROTECT,
        related_name="users",
    )

    # A password someone else chose (an administrator, in the admin) is known to them: the owner
    # must replace it before doing anything else (backend.accounts.middleware).
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    password_set_by = models.ForeignKey(
        "self",
        verbose_name=_("密码设置人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    password_set_at = models.DateTimeField(_("密码设置时间"), null=True, blank=True)

    objects = ShuangsuiUserManager()
    REQUIRED_FIELDS = ["email", "role", "department"]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="user_role_is_known"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_separated_admin(self) -> bool:
        return self.role in SEPARATED_ADMINS

    @property
    def requires_second_factor(self) -> bool:
        return self.role in SECOND_FACTOR_ROLES

    def has_role(self, *roles: str) -> bool:
        return self.is_active and self.role in roles
