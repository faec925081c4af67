"""Data-protection pages, included under /data-protection/ by web/urls.py.

(/privacy is the site's own privacy notice.)"""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
