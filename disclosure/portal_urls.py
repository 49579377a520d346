"""/public/: the portal's pages of the directory's open data and of the draws (namespace
"public"), mounted from backend/urls.py beside disclosure.urls (namespace "disclosure").

A firm's page is one view under two names, public:firm and disclosure:firm.
"""

from django.urls import path

from disclosure import code_views, rating_views
from disclosure import draw_views as draws
from disclosure import portal_views as views
from disclosure.views import firm_detail

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("firms/", views.firm_search, name="firms"),
    path("firms/<str:uscc>/", firm_detail, name="firm"),
    path("items/", views.item_list, name="items"),
    path("items/<str:code>/", views.item_detail, name="item"),
    path("officers/", views.officer_list, name="officers"),
    path("bodies/", views.inspection_bodies, name="bodies"),
    # 检查码 (扫码入企): scanned (the token) or typed (?code=).
    path("jc/", code_views.inspection_code_search, name="inspection-code-search"),
    path("jc/<str:token>/", code_views.inspection_code, name="inspection-code"),
    # 企业评价: the firm's one-time link (printed on the 检查结果告知书), and the aggregates.
    path("pj/<str:token>/", rating_views.rating, name="rating"),
    path("ratings/", rating_views.rating_statistics, name="rating-statistics"),
    path("procedures/", views.procedures, name="procedures"),
    path("open-data/", views.open_data, name="open-data"),
    path("draws/<str:public_id>/", draws.draw_detail, name="draw"),
    path(
        "draws/<str:public_id>/announcement.json", draws.draw_announcement, name="draw_announcement"
    ),
    path("draws/<str:public_id>/reveal.json", draws.draw_reveal, name="draw_reveal"),
    path("draws/<str:public_id>/pool.csv", draws.draw_pool, name="draw_pool"),
    path("draws/<str:public_id>/result.csv", draws.draw_result, name="draw_result"),
    path(
        "draws/<str:public_id>/firms_result.csv",
        draws.draw_firms_result,
        name="draw_firms_result",
    ),
    path("draws/<str:public_id>/conflicts.csv", draws.draw_conflicts, name="draw_conflicts"),
    path("draws/<str:public_id>/print/", draws.draw_print, name="draw_print"),
    path("verify_draw.py", draws.verifier, name="verifier"),
]
