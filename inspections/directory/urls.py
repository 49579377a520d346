from django.urls import path

from inspections.directory import views

app_name = "directory"

urlpatterns = [
    path("firms/", views.firm_list, name="firms"),
    path("firms/export/", views.firm_export, name="firm-export"),
    path("firms/counts/", views.firm_counts, name="firm-counts"),
    path("firms/<int:pk>/", views.firm_detail, name="firm"),
    path("items/", views.item_list, name="items"),
    path("items/export.xlsx", views.item_list_export, name="items-export"),
    path("items/new/", views.item_create, name="item-create"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/revise/", views.item_revise, name="item-revise"),
    path("items/<int:pk>/retire/", views.item_retire, name="item-retire"),
    path("items/<int:pk>/versions/<int:number>/edit/", views.version_edit, name="version-edit"),
    path(
        "items/<int:pk>/versions/<int:number>/publish/",
        views.version_publish,
        name="version-publish",
    ),
]
