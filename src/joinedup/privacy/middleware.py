"""The processor access gate's part of each request (web and API alike): the country the request
comes from, and the refusals it met, written as audit events when the response is made
(privacy/processor_access.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from joinedup.privacy.access_country import REQUEST_COUNTRY, country_of
from joinedup.privacy.processor_access import REQUEST_REFUSALS, Refusal, flush_refusals


class ProcessorAccessMiddleware:
    """Sits outside the request's transaction (before PartnerContextMiddleware), so a refusal is
    recorded even though the work it stopped was rolled back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        pending: dict[int, Refusal] = {}
        country_token = REQUEST_COUNTRY.set(country_of(request))
        refusals_token = REQUEST_REFUSALS.set(pending)
        try:
            response = self.get_response(request)
        finally:
            REQUEST_REFUSALS.reset(refusals_token)
            REQUEST_COUNTRY.reset(country_token)
        if pending:
            flush_refusals(pending, status_code=response.status_code)
        return response
