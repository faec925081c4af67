from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from joinedup.api.main import api, openapi_document


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    # Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says. The static URL is
    # looked up per request: in production it names the hashed file from collectstatic's manifest.
    return HttpResponsePermanentRedirect(static("images/favicon.ico"))


urlpatterns = [
    path("favicon.ico", favicon),
    path("api/openapi.json", openapi_document, name="openapi"),
    path("api/v1/", api.urls),
    path("", include("joinedup.web.urls")),
]
