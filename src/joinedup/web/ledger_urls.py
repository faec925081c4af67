"""Web pages for the ledgers, included under the web namespace by web/urls.py."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
