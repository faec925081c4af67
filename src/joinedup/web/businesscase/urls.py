"""Business-case pages, included under the web namespace by web/urls.py."""

from django.urls import URLPattern, path

from joinedup.web.businesscase import views

urlpatterns: list[URLPattern] = [
    path("", views.cases, name="businesscase_cases"),
    path("<int:case_id>/", views.case, name="businesscase_case"),
    path("<int:case_id>/appraisal.<str:fmt>", views.appraisal_export, name="businesscase_appraisal_export"),
    path("<int:case_id>/baseline.<str:fmt>", views.baseline_export, name="businesscase_baseline_export"),
    path("<int:case_id>/import", views.baseline_import, name="businesscase_import"),
]
