"""Data-protection pages, included under /data-protection/ by web/urls.py.

(/privacy is the site's own privacy notice.)"""

from django.urls import URLPattern, URLResolver, path

from joinedup.web.privacy import sar

urlpatterns: list[URLPattern | URLResolver] = []

# Subject-access requests (privsar).
urlpatterns += [
    path("subject-access/", sar.sar_log, name="privacy_sars"),
    path("subject-access/<int:sar_id>/", sar.sar_page, name="privacy_sar"),
    path("subject-access/<int:sar_id>/review", sar.sar_review, name="privacy_sar_review"),
    path("subject-access/<int:sar_id>/export.json", sar.sar_download, name="privacy_sar_download"),
]
