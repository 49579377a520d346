from django.urls import path

from personnel.views import bodies, officers, pools, records

app_name = "personnel"

urlpatterns = [
    path("", officers.officer_list, name="officers"),
    path("export.xlsx", officers.officer_export, name="officer-export"),
    # 执法主体与受委托组织 (部门管理员: own department; 系统管理员: all).
    path("bodies/", bodies.body_list, name="bodies"),
    path("bodies/<int:pk>/register/", bodies.body_register, name="body-register"),
    path("bodies/<int:pk>/entrusted/new/", bodies.entrusted_create, name="entrusted-create"),
    path("entrusted/<int:pk>/edit/", bodies.entrusted_edit, name="entrusted-edit"),
    path("officers/new/", officers.officer_create, name="officer-create"),
    path("officers/find/", officers.officer_find, name="officer-find"),
    path("officers/<int:pk>/", officers.officer_detail, name="officer"),
    path("officers/<int:pk>/edit/", officers.officer_edit, name="officer-edit"),
    path(
        "officers/<int:pk>/certificates/new/", records.certificate_issue, name="certificate-issue"
    ),
    path("officers/<int:pk>/exams/new/", records.exam_add, name="exam-add"),
    path("officers/<int:pk>/training/new/", records.training_add, name="training-add"),
    path("officers/<int:pk>/conflicts/new/", records.conflict_add, name="conflict-add"),
    path("officers/<int:pk>/recusals/new/", records.recusal_add, name="recusal-add"),
    path("recusals/<int:pk>/decide/", records.recusal_decide, name="recusal-decide"),
    path(
        "certificates/<int:pk>/<slug:action>/",
        records.certificate_transition,
        name="certificate-transition",
    ),
    path("certificates/", pools.certificate_list, name="certificates"),
    path("certificates/export/", pools.certificate_export, name="certificate-export"),
    path("me/", officers.my_record, name="me"),
    path("pools/", pools.pools, name="pools"),
    path("pools/export/", pools.pool_export, name="pool-export"),
    path("eligibility/", pools.eligibility_check, name="eligibility"),
    path("reports/", pools.reports, name="reports"),
    path("reports/export/", pools.report_export, name="report-export"),
    path("reports/training-policy/", officers.training_policy, name="training-policy"),
    path("experts/", records.expert_list, name="experts"),
    path("experts/new/", records.expert_create, name="expert-create"),
]
