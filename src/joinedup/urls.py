from django.urls import include, path

from joinedup.api.main import api, openapi_document

urlpatterns = [
    path("api/openapi.json", openapi_document, name="openapi"),
    path("api/v1/", api.urls),
    path("", include("joinedup.web.urls")),
]
