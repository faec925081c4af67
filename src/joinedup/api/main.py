"""The JSON API under /api/v1/. Endpoints parse, call a selector or service, and render;
errors are JSON with the fields at fault."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from joinedup.api import (
    assets,
    audit,
    businesscase,
    businesscase_drawing,
    businesscase_realisation,
    change,
    consultation,
    contracts,
    knowledge,
    ledger,
    notifications,
    partnership,
    payroll,
    payroll_calendar,
    people,
    privacy_access_review,
    privacy_breach,
    privacy_onboarding,
    privacy_records,
    privacy_retention,
    privacy_sar,
    purchasing,
    recharges,
    servicedesk,
    wellbeing,
    wellbeing_retention,
    workspaces,
)
from joinedup.api import payables as purchasing_payables
from joinedup.api import satisfaction as servicedesk_satisfaction
from joinedup.api import service_level_reports as servicedesk_reports
from joinedup.api import service_levels as servicedesk_levels
from joinedup.api import spend as purchasing_spend
from joinedup.api import transfers as change_transfers
from joinedup.api.auth import BearerToken
from joinedup.api.openapi import JoinedupAPI

api = JoinedupAPI(
    title="joinedup API",
    version="1",
    description="Shared corporate services for public-sector partnerships. Authenticate with "
    "`Authorization: Bearer <token>` (tokens from `joinedup token create USERNAME [--scope write]`; "
    "a token expires, 90 days by default, and a read-only one is refused any change with 403).",
    auth=BearerToken(),
    urls_namespace="api",
    docs_url=None,  # the bundled docs page loads scripts from a CDN; the JSON document is enough
    openapi_url=None,
)
api.add_router("", partnership.router)
api.add_router("", audit.router)
api.add_router("", people.router)
api.add_router("", payroll.router)
api.add_router("", payroll_calendar.router)
api.add_router("", ledger.router)
api.add_router("", recharges.router)
api.add_router("", change.router)
api.add_router("", consultation.router)
api.add_router("", change_transfers.router)
api.add_router("", businesscase.router)
api.add_router("", purchasing.router)
api.add_router("", purchasing_payables.router)
api.add_router("", contracts.router)
api.add_router("", purchasing_spend.router)
api.add_router("", businesscase_realisation.router)
api.add_router("", businesscase_drawing.router)
api.add_router("", knowledge.router)
api.add_router("", servicedesk.router)
api.add_router("", servicedesk_levels.router)
api.add_router("", servicedesk_reports.router)
api.add_router("", servicedesk_satisfaction.router)
api.add_router("", assets.router)
api.add_router("", notifications.router)
api.add_router("", wellbeing.router)
api.add_router("", privacy_records.router)
api.add_router("", wellbeing_retention.router)
api.add_router("", privacy_sar.router)
api.add_router("", privacy_onboarding.router)
api.add_router("", privacy_access_review.router)
api.add_router("", privacy_breach.router)
api.add_router("", privacy_retention.router)
api.add_router("", workspaces.router)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(
        request, {"detail": "Authentication required: send a valid bearer token."}, status=401
    )


@api.exception_handler(Http404)
@api.exception_handler(ObjectDoesNotExist)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Permission denied."}, status=403)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": "Invalid input.", "errors": errors}, status=422)


@api.exception_handler(NinjaValidationError)
def invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        field = ".".join(str(part) for part in error.get("loc", ())[1:]) or "__all__"
        errors.setdefault(field, []).append(str(error.get("msg", "invalid")))
    return api.create_response(request, {"detail": "Invalid input.", "errors": errors}, status=422)


def openapi_document(request: HttpRequest) -> JsonResponse:
    return JsonResponse(api.get_openapi_schema(path_prefix="/api/v1/"))
