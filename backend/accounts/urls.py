from django.contrib.auth import views as auth_views
from django.urls import path

from backend.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/verify/", views.second_factor, name="second-factor"),
    path("two-factor/", views.two_factor, name="two-factor"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("password/", views.password_change, name="password"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<str:key>/revoke/", views.token_revoke, name="token-revoke"),
    path("me/", views.profile, name="profile"),
    path("planner/", views.home_planner, name="home-planner"),
    path("inspector/", views.home_inspector, name="home-inspector"),
    path("legal/", views.home_legal, name="home-legal"),
    path("department/", views.home_department, name="home-department"),
    path("system/", views.home_system, name="home-system"),
    path("security/", views.home_security, name="home-security"),
    path("security/unlock/", views.unlock, name="unlock"),
    path("security/two-factor-reset/", views.second_factor_reset, name="two-factor-reset"),
]
