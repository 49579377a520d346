"""A login is finished only when its last step is: until then the session does nothing else.

After the password, a session may still owe the second factor (the roles of
`SECOND_FACTOR_ROLES`, and anyone who enrolled), the enrolment itself (such a role without a
TOTP app yet), or a new password (one an administrator set). Until then every page sends it to
that step and every API call is refused in the API's error shape. Requests authenticated by an
API token carry no session and are not held: a token is only ever created after both factors.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from backend.accounts.actions import LoginStep
from backend.accounts.selectors import pending_login_step

# The page of each step, and the views a session at that step may still open.
STEP_URL_NAME = {
    LoginStep.SECOND_FACTOR: "accounts:second-factor",
    LoginStep.ENROL: "accounts:two-factor",
    LoginStep.PASSWORD: "accounts:password",
}
_ALWAYS_OPEN = {"accounts:login", "accounts:logout", "api:token"}
STEP_MESSAGE = {
    LoginStep.SECOND_FACTOR: "请先完成第二步验证（输入手机验证器上的验证码）。",
    LoginStep.ENROL: "您的角色须使用双因素认证：请先绑定手机验证器。",
    LoginStep.PASSWORD: "管理员为您设置了密码：请先修改密码。",
}


def _view_name(request) -> str | None:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None


class LoginStepsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Without a session cookie there is no session login to hold; not reading the session
        # then keeps anonymous answers (the public pages and open data) free of Vary: Cookie.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)
        user = request.user
        if user.is_authenticated:
            step = pending_login_step(user)
            # The pages of the step show no menu: nothing in it opens yet.
            request.pending_login_step = step
            if step is not None:
                view_name = _view_name(request)
                if view_name not in _ALWAYS_OPEN and view_name != STEP_URL_NAME[step]:
                    return self._hold(request, step)
        return self.get_response(request)

    @staticmethod
    def _hold(request, step: str):
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"code": "login_incomplete", "message": STEP_MESSAGE[step], "fields": {}},
                status=403,
            )
        target = reverse(STEP_URL_NAME[step])
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)
