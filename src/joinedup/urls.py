from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from joinedup.api.main import api, openapi_document

urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says.
    path("favicon.ico", RedirectView.as_view(url=static("images/favicon.ico"), permanent=True)),
    path("api/openapi.json", openapi_document, name="openapi"),
    path("api/v1/", api.urls),
    path("", include("joinedup.web.urls")),
]
