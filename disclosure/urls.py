"""/public/ pages of results, plans, tasks and statistics (namespace "disclosure").

Mounted beside disclosure.portal_urls (namespace "public"), whose public:firm is this firm
page too.
"""

from django.urls import path

from disclosure import checkpoint_views, views

app_name = "disclosure"

urlpatterns = [
    path("firms/<str:uscc>/", views.firm_detail, name="firm"),
    path("results/", views.result_list, name="results"),
    path("results/<str:code>/", views.result_detail, name="result"),
    path("tasks/<str:code>/", views.task_detail, name="task"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/<str:code>/", views.plan_detail, name="plan"),
    path("statistics/", views.statistics_latest, name="statistics-latest"),
    path("statistics/<int:year>/", views.statistics_year, name="statistics"),
    path("downloads/", views.downloads, name="downloads"),
    # Signed checkpoints of every chain (backend.checkpoints), their key and inclusion proofs.
    path("checkpoints/", checkpoint_views.checkpoint_list, name="checkpoints"),
    path(
        "checkpoints/checkpoints.json", checkpoint_views.checkpoint_index, name="checkpoint-index"
    ),
    path("checkpoints/public-key.json", checkpoint_views.public_key, name="checkpoint-key"),
    path("checkpoints/<int:sequence>.json", checkpoint_views.checkpoint_json, name="checkpoint"),
    path(
        "checkpoints/<int:sequence>/<str:chain>/<str:key>.json",
        checkpoint_views.inclusion_proof,
        name="checkpoint-proof",
    ),
    path("verify_checkpoint.py", checkpoint_views.verifier, name="checkpoint-verifier"),
]
