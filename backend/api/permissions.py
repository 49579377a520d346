from rest_framework.permissions import BasePermission


class HasRole(BasePermission):
    roles: frozenset[str] = frozenset()
    message = "您的角色无权执行此操作。"

    @classmethod
    def of(cls, *roles: str) -> type["HasRole"]:
        return type(f"HasRole_{'_'.join(roles)}", (cls,), {"roles": frozenset(roles)})

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.has_role(*self.roles))
