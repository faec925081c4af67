"""Web pages for recharges and statements of charges, included under the web namespace by web/urls.py."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
