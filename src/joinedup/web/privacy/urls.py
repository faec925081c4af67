"""Data-protection pages, included under /data-protection/ by web/urls.py.

(/privacy is the site's own privacy notice.)"""

from django.urls import URLPattern, URLResolver, path

from joinedup.web.privacy import access_review, breach, onboarding, records, retention, sar

urlpatterns: list[URLPattern | URLResolver] = [
    # Records of processing and processors (web/privacy/records.py).
    path("records/", records.record_list, name="privacy_records"),
    path("records.<str:fmt>", records.record_export, name="privacy_records_export"),
    path("records/<int:record_id>/", records.record_page, name="privacy_record"),
    path("processors/", records.processor_list, name="privacy_processors"),
    path("processors.csv", records.processor_export, name="privacy_processors_export"),
    path("processors/<int:engagement_id>/", records.engagement_page, name="privacy_engagement"),
]

# Subject-access requests (privsar).
urlpatterns += [
    path("subject-access/", sar.sar_log, name="privacy_sars"),
    path("subject-access/<int:sar_id>/", sar.sar_page, name="privacy_sar"),
    path("subject-access/<int:sar_id>/review", sar.sar_review, name="privacy_sar_review"),
    path("subject-access/<int:sar_id>/export.json", sar.sar_download, name="privacy_sar_download"),
]

# Onboarding partners (web/privacy/onboarding.py).
urlpatterns += [
    path("onboarding/", onboarding.onboarding_list, name="privacy_onboarding"),
    path("onboarding/<int:partner_id>/", onboarding.onboarding_partner, name="privacy_onboarding_partner"),
]

# The access review (privacy/access_review.py).
urlpatterns += [
    path("access-review/", access_review.access_review, name="privacy_access_review"),
    path("access-review/roles.<str:fmt>", access_review.roles_export, name="privacy_access_review_roles"),
    path("access-review/reads.<str:fmt>", access_review.reads_export, name="privacy_access_review_reads"),
    path("access-review/mine/", access_review.nominated, name="privacy_access_reviews_mine"),
    path("access-review/<int:review_id>/", access_review.review_page, name="privacy_access_review_page"),
]

# The breach log (web/privacy/breach.py).
urlpatterns += [
    path("breaches/", breach.breach_log, name="privacy_breaches"),
    path("breaches/new", breach.breach_new, name="privacy_breach_new"),
    path("breaches/<int:breach_id>/", breach.breach_page, name="privacy_breach"),
]

# Retention schedules, legal holds and past runs (web/privacy/retention.py).
urlpatterns += [
    path("retention/", retention.retention_page, name="privacy_retention"),
    path("retention/schedule.<str:fmt>", retention.schedule_export, name="privacy_retention_export"),
    path(
        "retention/holds/<int:retention_hold_id>/lift",
        retention.hold_lift,
        name="privacy_retention_hold_lift",
    ),
    path(
        "retention/holds/<int:retention_hold_id>/ends-on",
        retention.hold_end,
        name="privacy_retention_hold_end",
    ),
]

# A processor's users, on its engagement's page (web/privacy/records.py).
urlpatterns += [
    path(
        "processors/<int:engagement_id>/users", records.processor_user_add, name="privacy_processor_user_add"
    ),
    path(
        "processors/<int:engagement_id>/users/<int:processor_user_id>/end",
        records.processor_user_remove,
        name="privacy_processor_user_end",
    ),
]
