"""The isolation matrix: EVERY route — each web page from Django's URL resolver and each API
operation from the OpenAPI document — asked by a council user in EVERY role for the
constabulary's object of each kind its path names. It must answer 404 (a web route may answer 405
to a method it does not take), reveal nothing, and change nothing: the row counts of every
partner-owned table are compared around each unsafe request.

Nobody adds a route here: a new route is in the matrix the day it lands, and fails it until
each of its path parameters is registered in ``tests/attack/fixtures.py:PATH_PARAMETERS`` (and,
for an API write, a valid body in ``API_BODIES`` below, so the 404 proves the partner rule and
not a rejected body)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from joinedup.api.main import api
from joinedup.core.tenancy import PartnerScopedQuerySet
from joinedup.partnership.models import Role
from joinedup.testing.second_factor import sign_in
from tests.attack.fixtures import PATH_PARAMETERS, ROLES, AttackTestCase, PartnerObjects

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
API_PREFIX = "/api/v1/"

# A valid body for each API write, so its 404 is the partner rule's. Keyed by method and path.
API_BODIES: dict[tuple[str, str], Callable[[PartnerObjects], dict[str, Any]]] = {
    # Raising names the partner in the body: the foreign one answers 404 and makes nothing.
    ("POST", "/api/v1/servicedesk/tickets"): lambda o: {
        "partner_id": o.partner.pk,
        "service": "ict",
        "type": "incident",
        "subject": "Attack",
        "description": "Attack",
    },
    ("POST", "/api/v1/servicedesk/tickets/{ticket_id}/replies"): lambda o: {"body": "Hello"},
    ("POST", "/api/v1/servicedesk/tickets/{ticket_id}/notes"): lambda o: {"body": "Hello"},
    ("POST", "/api/v1/servicedesk/tickets/{ticket_id}/satisfaction"): lambda o: {"score": 4},
    ("POST", "/api/v1/servicedesk/notifications/{notification_id}/read"): lambda o: {},
    ("POST", "/api/v1/servicedesk/notifications/read"): lambda o: {},
    ("POST", "/api/v1/servicedesk/tickets/{ticket_id}/assignment"): lambda o: {"team_id": None},
    ("POST", "/api/v1/servicedesk/tickets/{ticket_id}/status"): lambda o: {"status": "in_progress"},
    ("POST", "/api/v1/servicedesk/tickets/{ticket_id}/priority"): lambda o: {"priority": "p1", "reason": "x"},
    ("POST", "/api/v1/servicedesk/tickets/{ticket_id}/assets"): lambda o: {"asset_id": o.asset.pk},
    ("POST", "/api/v1/servicedesk/tickets/{ticket_id}/assets/unlink"): lambda o: {"asset_id": o.asset.pk},
    ("POST", "/api/v1/partners/{partner_id}/purchasing/invoices"): lambda o: {
        "supplier_id": o.payables.supplier.pk,
        "number": "ATTACK-1",
        "invoice_date": "2026-05-11",
        "lines": [
            {
                "description": "Paper",
                "quantity": "1",
                "unit_price": "10.00",
                "vat_rate": "20",
                "cost_centre": "UNALLOCATED",
                "account": "4200",
            }
        ],
    },
    ("POST", "/api/v1/purchasing/invoices/{purchase_invoice_id}/approve"): lambda o: {"note": "Checked"},
    ("POST", "/api/v1/purchasing/invoices/{purchase_invoice_id}/cancel"): lambda o: {"reason": "Wrong body"},
    ("POST", "/api/v1/partners/{partner_id}/purchasing/payment-runs"): lambda o: {
        "due_by": "2026-06-30",
        "payment_date": "2026-06-05",
    },
    ("POST", "/api/v1/purchasing/payment-runs/{payment_run_id}/approve"): lambda o: {},
    ("POST", "/api/v1/purchasing/payment-runs/{payment_run_id}/paid"): lambda o: {},
    ("POST", "/api/v1/purchasing/payment-runs/{payment_run_id}/cancel"): lambda o: {"reason": "Wrong date"},
    ("POST", "/api/v1/partners/{partner_id}/employments"): lambda o: {
        "person": {
            "given_name": "A",
            "family_name": "B",
            "date_of_birth": "1990-01-01",
            "ni_number": "AA999999A",
        },
        "payroll_number": "NEW1",
        "start_date": "2026-01-05",
        "terms": {"fte": "1", "weekly_hours": "37", "scheme": "njc-test", "pay_point": "SCP5"},
    },
    ("POST", "/api/v1/employments/{employment_id}/terms"): lambda o: {
        "effective_from": "2026-04-01",
        "reason": "Increment",
        "pay_point": "SCP25",
    },
    ("POST", "/api/v1/employments/{employment_id}/end"): lambda o: {
        "end_date": "2026-12-31",
        "reason": "Left",
    },
    ("POST", "/api/v1/employments/{employment_id}/cost-splits"): lambda o: {
        "effective_from": "2026-04-01",
        "reason": "Shared",
        "shares": [{"partner_id": o.partner.pk, "percent": "100"}],
    },
    ("POST", "/api/v1/employments/{employment_id}/secondments"): lambda o: {
        "host_partner_id": o.partner.pk,
        "role_title": "Analyst",
        "start_date": "2027-01-04",
        "end_date": "2027-03-31",
    },
    ("POST", "/api/v1/partners/{partner_id}/transfers"): lambda o: {
        "to_partner_id": o.partner.pk,
        "transfer_date": "2026-10-01",
        "reference": "T9",
        "employment_ids": [o.employment.pk],
    },
    ("POST", "/api/v1/employments/{employment_id}/absences"): lambda o: {
        "kind": "annual_leave",
        "start_date": "2026-11-02",
        "end_date": "2026-11-03",
    },
    ("POST", "/api/v1/absences/{absence_id}/decision"): lambda o: {"approve": True},
    ("POST", "/api/v1/cost-shares/{share_id}/decision"): lambda o: {"approve": True},
    ("POST", "/api/v1/secondments/{secondment_id}/decision"): lambda o: {"approve": True},
    ("POST", "/api/v1/partners/{partner_id}/pay-runs"): lambda o: {"pay_date": "2026-12-24"},
    ("PUT", "/api/v1/partners/{partner_id}/pay-calendar"): lambda o: {
        "frequency": "monthly",
        "nation": "scotland",
        "day_of_month": 30,
        "cut_off_working_days": 3,
    },
    ("POST", "/api/v1/pay-runs/{run_id}/calculate"): lambda o: {},
    ("POST", "/api/v1/pay-runs/{run_id}/approve"): lambda o: {},
    ("POST", "/api/v1/pay-runs/{run_id}/close"): lambda o: {},
    ("POST", "/api/v1/flags/{flag_id}/accept"): lambda o: {"note": "Checked"},
    ("POST", "/api/v1/partners/{partner_id}/journals"): lambda o: {
        "date": "2026-05-15",
        "description": "Stationery",
        "lines": [
            {"account": "4200", "debit": 1250, "cost_centre": "UNALLOCATED"},
            {"account": "B100", "credit": 1250},
        ],
    },
    ("POST", "/api/v1/journals/{journal_id}/reverse"): lambda o: {},
    ("POST", "/api/v1/employments/{employment_id}/p45"): lambda o: {},
    ("POST", "/api/v1/recharges/runs"): lambda o: {"month": "2026-10"},
    ("POST", "/api/v1/businesscases/{case_id}/decisions"): lambda o: {
        "partner_id": o.partner.pk,
        "outcome": "approved",
        "decided_on": "2026-11-03",
        "body": "cabinet",
    },
    ("POST", "/api/v1/purchasing/partners/{partner_id}/suppliers"): lambda o: {"name": "Attack Supplies Ltd"},
    ("POST", "/api/v1/purchasing/partners/{partner_id}/contracts"): lambda o: {
        "reference": "ATTACK-C-2",
        "title": "Attack",
        "supplier_id": o.supplier.pk,
        "category": "ATTACK",
        "value": "10.00",
        "start_date": "2026-04-01",
        "end_date": "2027-03-31",
        "owner": o.member.username,
    },
    ("POST", "/api/v1/purchasing/contracts/{contract_id}"): lambda o: {"title": "Attack edit"},
    ("POST", "/api/v1/purchasing/contracts/{contract_id}/extension"): lambda o: {},
    ("POST", "/api/v1/purchasing/partners/{partner_id}/suppliers/{supplier_id}/status"): lambda o: {
        "status": "blocked"
    },
    ("POST", "/api/v1/purchasing/partners/{partner_id}/suppliers/{supplier_id}/contacts"): lambda o: {
        "name": "Attacker",
        "phone": "01962 000999",
    },
    ("POST", "/api/v1/purchasing/partners/{partner_id}/suppliers/{supplier_id}/bank-changes"): lambda o: {
        "sort_code": "200000",
        "account_number": "99887766",
        "account_name": "ATTACKER",
        "notified_by": "Attack",
    },
    ("POST", "/api/v1/purchasing/partners/{partner_id}/bank-changes/{bank_change_id}/verify"): lambda o: {
        "contact_id": o.supplier.contacts.get().pk,
        "called_number": "01962 000222",
    },
    ("POST", "/api/v1/purchasing/partners/{partner_id}/bank-changes/{bank_change_id}/reject"): lambda o: {
        "note": "Attack"
    },
    ("POST", "/api/v1/purchasing/partners/{partner_id}/categories"): lambda o: {
        "code": "ZZ",
        "name": "Attack",
    },
    ("POST", "/api/v1/purchasing/partners/{partner_id}/category-accounts"): lambda o: {
        "category": "ZZ",
        "account": "4200",
    },
    ("POST", "/api/v1/purchasing/partners/{partner_id}/delegation"): lambda o: {
        "title": "Attack",
        "source": "Attack",
        "role": "manager",
        "up_to": "1.00",
    },
    ("POST", "/api/v1/purchasing/partners/{partner_id}/settings"): lambda o: {"budget_check": "block"},
    ("POST", "/api/v1/purchasing/partners/{partner_id}/requisitions"): lambda o: {
        "title": "Attack",
        "lines": [
            {
                "description": "Paper",
                "quantity": "1",
                "unit_price": "1.00",
                "cost_centre": "UNALLOCATED",
                "account": "4200",
            }
        ],
    },
    ("POST", "/api/v1/purchasing/requisitions/{requisition_id}/lines"): lambda o: {
        "description": "Paper",
        "quantity": "1",
        "unit_price": "1.00",
        "cost_centre": "UNALLOCATED",
        "account": "4200",
    },
    ("POST", "/api/v1/purchasing/requisitions/{requisition_id}/submit"): lambda o: {},
    ("POST", "/api/v1/purchasing/requisitions/{requisition_id}/approve"): lambda o: {},
    ("POST", "/api/v1/purchasing/requisitions/{requisition_id}/reject"): lambda o: {"note": "Attack"},
    ("POST", "/api/v1/purchasing/requisitions/{requisition_id}/order"): lambda o: {},
    ("POST", "/api/v1/purchasing/orders/{order_id}/receipts"): lambda o: {
        "received_on": "2026-06-01",
        "lines": [{"line_number": 1, "quantity": "1"}],
    },
    ("PUT", "/api/v1/businesscases/{case_id}/go-live"): lambda o: {"live_from": "2026-04-01"},
    ("POST", "/api/v1/businesscases/{case_id}/options/{option_id}/draw-one-offs"): lambda o: {
        "programme_id": o.programme.pk
    },
    ("PUT", "/api/v1/businesscases/{case_id}"): lambda o: {
        "years": 5,
        "partner_ids": [o.partner.pk],
        "must_approve_ids": [o.partner.pk],
    },
    ("POST", "/api/v1/businesscases/{case_id}/baselines/draw"): lambda o: {
        "partner_id": o.partner.pk,
        "start": "2025-04-01",
    },
    ("PUT", "/api/v1/partners/{partner_id}/cost-centre-functions"): lambda o: {
        "mapping": [{"cost_centre_id": o.cost_centre.pk, "function": "hr"}]
    },
    ("POST", "/api/v1/change/programmes"): lambda o: {
        "partner_id": o.partner.pk,
        "name": "Attack programme",
        "start_date": "2026-06-01",
    },
    ("POST", "/api/v1/change/programmes/{programme_id}/milestones"): lambda o: {
        "name": "Consultation opens",
        "due": "2026-06-01",
    },
    ("POST", "/api/v1/change/programmes/{programme_id}/scope"): lambda o: {"post_ids": [o.post_id]},
    ("POST", "/api/v1/change/programmes/{programme_id}/structures"): lambda o: {
        "name": "Option B",
        "effective_date": "2026-06-01",
    },
    ("POST", "/api/v1/change/structures/{structure_id}/changes"): lambda o: {
        "kind": "change",
        "post_id": o.post_id,
        "location": "Eastleigh",
    },
    ("POST", "/api/v1/change/structures/{structure_id}/apply"): lambda o: {},
    ("POST", "/api/v1/change/structures/{structure_id}/at-risk"): lambda o: {},
    ("POST", "/api/v1/change/vr-interests/{interest_id}/decide"): lambda o: {
        "decision": "accepted",
        "reason": "Attack fixture",
    },
    ("POST", "/api/v1/change/vr-interests/{interest_id}/facts"): lambda o: {
        "contractual_notice_weeks": "12",
    },
    ("POST", "/api/v1/change/vr-interests/{interest_id}/confirm-leaving"): lambda o: {},
    ("POST", "/api/v1/change/partners/{partner_id}/vr-delegations"): lambda o: {
        "username": o.member.username,
        "title": "Head of HR",
        "up_to": "50000.00",
        "source": "Attack fixture",
    },
    ("POST", "/api/v1/change/vr-delegations/{delegation_id}/end"): lambda o: {},
    ("POST", "/api/v1/change/programmes/{programme_id}/transfer-plans"): lambda o: {
        "name": "Payroll team",
        "kind": "secondment",
        "receiving_partner_id": o.transfer_plan.receiving_partner_id,
        "transfer_date": "2026-10-01",
        "secondment_end": "2027-09-30",
    },
    ("POST", "/api/v1/change/transfer-plans/{plan_id}/update"): lambda o: {"status": "consulting"},
    ("POST", "/api/v1/change/transfer-plans/{plan_id}/members"): lambda o: {"from_scope": True},
    ("POST", "/api/v1/change/transfer-plan-members/{member_id}/remove"): lambda o: {},
    ("POST", "/api/v1/change/transfer-plans/{plan_id}/carry-out"): lambda o: {},
    ("POST", "/api/v1/change/programmes/{programme_id}/consultations"): lambda o: {
        "partner_id": o.partner.pk,
        "establishment": "Elsewhere",
        "start_date": "2026-03-02",
        "reasons": "A smaller team",
    },
    ("POST", "/api/v1/change/consultations/{consultation_id}/hr1-sent"): lambda o: {"sent_on": "2026-03-02"},
    ("POST", "/api/v1/change/consultations/{consultation_id}/complete"): lambda o: {"outcome": "Agreed"},
    ("POST", "/api/v1/change/consultations/{consultation_id}/entries"): lambda o: {
        "kind": "meeting",
        "occurred_on": "2026-03-04",
        "title": "Second meeting",
        "attendees": "HR; UNISON",
    },
    ("POST", "/api/v1/change/consultation-entries/{entry_id}/documents"): lambda o: {
        "filename": "notes.txt",
        "content_base64": "Tm90ZXM=",
    },
    ("POST", "/api/v1/partners/{partner_id}/servicedesk/assets"): lambda o: {
        "tag": "ATTACK-1",
        "kind": "laptop",
        "make": "Dell",
        "model": "Latitude",
        "cost": "800.00",
    },
    ("POST", "/api/v1/servicedesk/assets/{asset_id}/status"): lambda o: {"status": "in_repair"},
    ("POST", "/api/v1/servicedesk/assets/{asset_id}/assignment"): lambda o: {"employment_id": None},
    ("POST", "/api/v1/change/partners/{partner_id}/unions"): lambda o: {"union": "GMB"},
    ("POST", "/api/v1/change/partners/{partner_id}/union-reps"): lambda o: {
        "username": o.member.username,
        "union": "UNISON",
    },
    # Occupational health (the wellbeing API).
    ("POST", "/api/v1/wellbeing/referrals"): lambda o: {
        "employment_id": o.employment.pk,
        "reason": "Attack referral",
        "consent_date": "2026-02-02",
    },
    ("POST", "/api/v1/wellbeing/referrals/{referral_id}/send"): lambda o: {},
    ("POST", "/api/v1/wellbeing/self-referrals"): lambda o: {"reason": "Attack", "partner_id": o.partner.pk},
    ("POST", "/api/v1/wellbeing/cases/{oh_case_id}/notes"): lambda o: {"text": "Attack note"},
    ("POST", "/api/v1/wellbeing/cases/{oh_case_id}/legal-holds"): lambda o: {
        "reference": "ATTACK/2",
        "reason": "Attack hold",
    },
    ("POST", "/api/v1/wellbeing/legal-holds/{oh_legal_hold_id}/lift"): lambda o: {"reason": "Attack lift"},
    # A multipart upload: the matrix sends no file, and the case is looked up before the file is
    # read, so the 404 is the partner rule's (a file-less request to one's own case answers 422).
    ("POST", "/api/v1/wellbeing/cases/{oh_case_id}/attachments"): lambda o: {},
    ("POST", "/api/v1/wellbeing/cases/{oh_case_id}/questionnaires"): lambda o: {"key": "phq9"},
    ("POST", "/api/v1/wellbeing/my-questionnaires/{oh_questionnaire_id}/answers"): lambda o: {
        "answers": [0] * 9
    },
    ("POST", "/api/v1/wellbeing/my-cases/{oh_case_id}/report/response"): lambda o: {"response": "agreed"},
    # Data protection (api/privacy_records.py).
    ("POST", "/api/v1/privacy/partners/{partner_id}/records/generate"): lambda o: {},
    ("PATCH", "/api/v1/privacy/partners/{partner_id}/records/{record_id}"): lambda o: {"purpose": "Attack"},
    ("POST", "/api/v1/privacy/partners/{partner_id}/processors"): lambda o: {
        "name": f"Attack processor {o.partner.code}",
        "kind": "contractor",
        "country": "GB",
    },
    ("POST", "/api/v1/privacy/partners/{partner_id}/engagements"): lambda o: {
        "processor_id": o.processor_engagement.processor_id,
        "record_keys": ["partnership.users"],
        "review_due": "2027-03-31",
    },
    ("POST", "/api/v1/privacy/partners/{partner_id}/engagements/{engagement_id}/approval"): lambda o: {
        "record_keys": ["partnership.users"]
    },
    ("POST", "/api/v1/privacy/partners/{partner_id}/subject-access-requests"): lambda o: {
        "person_id": o.employment.person_id,
        "received_on": "2026-11-02",
    },
    ("POST", "/api/v1/privacy/subject-access-requests/{sar_id}/identity-request"): lambda o: {
        "requested_on": "2026-11-03"
    },
    ("POST", "/api/v1/privacy/subject-access-requests/{sar_id}/identity-verified"): lambda o: {
        "verified_on": "2026-11-04"
    },
    ("POST", "/api/v1/privacy/subject-access-requests/{sar_id}/extension"): lambda o: {
        "extended_on": "2026-11-03",
        "reason": "Attack",
    },
    ("POST", "/api/v1/privacy/subject-access-requests/{sar_id}/assemble"): lambda o: {},
    ("POST", "/api/v1/privacy/subject-access-requests/{sar_id}/release"): lambda o: {},
    ("POST", "/api/v1/privacy/subject-access-requests/{sar_id}/refusal"): lambda o: {
        "refused_on": "2026-11-03",
        "reason": "Attack",
    },
    ("POST", "/api/v1/privacy/subject-access-requests/{sar_id}/withdrawal"): lambda o: {
        "withdrawn_on": "2026-11-03"
    },
    # The access review (api/privacy_access_review.py).
    ("POST", "/api/v1/privacy/partners/{partner_id}/access-reviews"): lambda o: {
        "nominee_id": o.member.pk,
        "due_on": "2099-01-31",
    },
    ("POST", "/api/v1/privacy/access-reviews/{review_id}/lines/{review_line_id}/certify"): lambda o: {},
    ("POST", "/api/v1/privacy/access-reviews/{review_id}/lines/{review_line_id}/revoke"): lambda o: {},
    # The breach log (api/privacy_breach.py).
    ("POST", "/api/v1/privacy/partners/{partner_id}/breaches"): lambda o: {
        "summary": "Attack",
        "occurred_at": "2026-11-02T09:00:00Z",
        "aware_at": "2026-11-02T10:00:00Z",
        "data_categories": "Attack",
        "cause": "Attack",
        "people_affected": 1,
        "people_categories": "Attack",
    },
    ("POST", "/api/v1/privacy/breaches/{breach_id}/partners"): lambda o: {
        "partner_id": o.partner.pk,
        "people_affected": 1,
        "people_categories": "Attack",
    },
    ("POST", "/api/v1/privacy/breaches/{breach_id}/partners/{partner_id}/decision"): lambda o: {
        "ico_decision": "notify",
        "ico_reason": "Attack",
    },
    ("POST", "/api/v1/privacy/breaches/{breach_id}/partners/{partner_id}/ico-notification"): lambda o: {
        "notified_at": "2026-11-02T12:00:00Z",
        "reference": "Attack",
    },
    ("POST", "/api/v1/privacy/breaches/{breach_id}/closure"): lambda o: {"remedial_action": "Attack"},
    # Retention and legal holds (api/privacy_retention.py), a processor's users (privacy_records).
    ("PUT", "/api/v1/privacy/partners/{partner_id}/retention/schedules/{record_type}"): lambda o: {
        "months": 36,
        "reason": "Attack",
    },
    ("POST", "/api/v1/privacy/partners/{partner_id}/retention/holds"): lambda o: {
        "record_type": "payslips",
        "person_id": o.employment.person_id,
        "reference": "Attack",
        "reason": "Attack",
    },
    ("POST", "/api/v1/privacy/retention-holds/{retention_hold_id}/lift"): lambda o: {"reason": "Attack"},
    ("PUT", "/api/v1/privacy/retention-holds/{retention_hold_id}/ends-on"): lambda o: {"ends_on": None},
    ("POST", "/api/v1/privacy/partners/{partner_id}/engagements/{engagement_id}/users"): lambda o: {
        "username": o.member.username
    },
    (
        "POST",
        "/api/v1/privacy/partners/{partner_id}/engagements/{engagement_id}/users/{processor_user_id}/end",
    ): lambda o: {},
}

# Web forms whose fields, not their path, name the object: the foreign object goes in the form.
WEB_FORMS: dict[str, Callable[[PartnerObjects], dict[str, Any]]] = {
    "partner": lambda o: {"partner": o.partner.pk},
}

# Web routes left out, and why.
WEB_SKIPPED = {
    "favicon.ico": "a redirect to a static file",
    "api/openapi.json": "the public API document",
}


@dataclass(frozen=True)
class Route:
    interface: str  # "web" or "api"
    methods: tuple[str, ...]
    path: str  # with {name} for each parameter
    params: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.interface} {'/'.join(self.methods)} {self.path}"


def _web_routes(patterns: list[Any], prefix: str = "") -> Iterator[Route]:
    for entry in patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            if (prefix + route).startswith(API_PREFIX.lstrip("/")):
                continue  # the API's own URLs: its operations come from the OpenAPI document
            yield from _web_routes(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            full = prefix + route
            if full in WEB_SKIPPED:
                continue
            path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", full)
            yield Route("web", ("GET", "POST"), path, tuple(re.findall(r"{(\w+)}", path)))


def every_route() -> list[Route]:
    routes = list(_web_routes(get_resolver().url_patterns))
    document = api.get_openapi_schema(path_prefix=API_PREFIX)
    for path, operations in document["paths"].items():
        routes.extend(
            Route("api", (method.upper(),), path, tuple(re.findall(r"{(\w+)}", path)))
            for method in operations
        )
    return routes


def partner_owned_tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if isinstance(model._default_manager.get_queryset(), PartnerScopedQuerySet)
    )


class TestTheIsolationMatrix(AttackTestCase):
    def row_counts(self) -> tuple[int, ...]:
        # One query for every table; the names come from Django's model registry, quoted.
        counts = [f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})" for t in self.tables]  # noqa: S608
        sql = "SELECT " + ", ".join(counts)
        with connection.cursor() as cursor:
            cursor.execute(sql)
            row = cursor.fetchone()
        assert row is not None
        return tuple(row)

    def clients(self) -> dict[str, tuple[Client, Client]]:
        """Per role: a signed-in browser client and a bearer-token API client."""
        made = {}
        for role in ROLES:
            web = sign_in(Client(), self.role_users[role])
            made[role] = (web, Client(headers={"Authorization": f"Bearer {self.tokens[role]}"}))
        return made

    def ask(
        self, route: Route, method: str, role: str, objects: PartnerObjects, clients: tuple[Client, Client]
    ) -> Any:
        web, api_client = clients
        url = route.path
        for name in route.params:
            url = url.replace(f"{{{name}}}", str(PATH_PARAMETERS[name].value(objects)))
        if route.interface == "api":
            body = API_BODIES.get((method, route.path))
            return api_client.generic(
                method, url, data=json.dumps(body(objects)) if body else "", content_type="application/json"
            )
        if method == "GET":
            return web.get(url)
        form = WEB_FORMS.get(route.path.strip("/"))
        response = web.post(url, form(objects) if form else {})
        if route.path == "/sign-out":
            sign_in(web, self.role_users[role])
        return response

    def denied_on_own_partner(
        self, route: Route, method: str, role: str, clients: tuple[Client, Client]
    ) -> bool:
        """A 403 is no leak when the role is refused the route for its own partner's object too."""
        self.roles_denied += 1
        return self.ask(route, method, role, self.council_objects, clients).status_code == 403

    def test_every_route_hides_every_kind_of_foreign_object_from_every_role(self) -> None:
        self.tables = partner_owned_tables()
        assert "people_employment" in self.tables and "audit_auditevent" in self.tables
        routes = every_route()
        assert sum(r.interface == "web" for r in routes) >= 40
        assert sum(r.interface == "api" for r in routes) >= 60
        unclassified = [
            f"{r.label}: path parameter {p!r}" for r in routes for p in r.params if p not in PATH_PARAMETERS
        ]
        assert not unclassified, (
            "Routes whose path parameters have no known kind of object (register each in "
            "tests/attack/fixtures.py PATH_PARAMETERS, with how to find a partner's object of that "
            "kind):\n" + "\n".join(unclassified)
        )
        missing_bodies = [
            r.label
            for r in routes
            if r.interface == "api"
            and r.methods[0] not in SAFE_METHODS
            and (r.methods[0], r.path) not in API_BODIES
        ]
        assert not missing_bodies, (
            "API writes without a valid body in tests/attack/test_isolation_matrix.py API_BODIES:\n"
            + "\n".join(missing_bodies)
        )

        foreign = self.police_objects
        clients = self.clients()
        self.roles_denied = 0
        failures: list[str] = []
        asked = 0
        for route in routes:
            url = route.path
            for name in route.params:
                url = url.replace(f"{{{name}}}", str(PATH_PARAMETERS[name].value(foreign)))
            names_an_object = any(PATH_PARAMETERS[p].kind for p in route.params)
            form = WEB_FORMS.get(route.path.strip("/")) if route.interface == "web" else None
            for role in ROLES:
                for method in route.methods:
                    asked += 1
                    before = self.row_counts() if method not in SAFE_METHODS else None
                    response = self.ask(route, method, role, foreign, clients[role])
                    status = response.status_code
                    where = f"{route.label} as {role}: {method} {url} answered {status}"
                    if before is not None and self.row_counts() != before:
                        failures.append(f"{where} and changed partner-owned rows")
                    if status >= 500:
                        failures.append(where)
                    elif names_an_object or form:
                        allowed = {404, 405} if route.interface == "web" else {404}
                        if status == 403 and self.denied_on_own_partner(route, method, role, clients[role]):
                            pass  # the role may not use the route at all: nothing about the object shows
                        elif status not in allowed:
                            failures.append(f"{where}, not 404")
                        elif route.interface == "api" and response.json() != {"detail": "Not found."}:
                            failures.append(f"{where} with {response.content[:200]!r}")
        self.asked = asked
        assert not failures, f"{len(failures)} of {asked} requests broke isolation:\n" + "\n".join(failures)

    def test_the_same_api_reads_answer_the_owning_partners_administrator(self) -> None:
        # Proves the 404s above come from the partner rule, not from routes that answer 404 to all.
        refusals = {
            # Reading never issues a P45, and the sample employment was not paid in the last tax year.
            "/api/v1/employments/{employment_id}/p45.pdf": 409,
            "/api/v1/partners/{partner_id}/p60s/{employment_id}.pdf": 422,
            # The service admin views pay runs but does not run payroll: payment files are not theirs.
            "/api/v1/pay-runs/{run_id}/bacs.txt": 403,
            "/api/v1/pay-runs/{run_id}/fps.xml": 403,
            # Nor does the administrator pay suppliers: the BACS file of a payment run is finance's.
            "/api/v1/purchasing/payment-runs/{payment_run_id}/bacs.txt": 403,
            # Spend analysis is for purchasing and finance officers (purchasing.view_spend).
            "/api/v1/partners/{partner_id}/purchasing/spend": 403,
            # The shared-services body's run, which no council role reads.
            "/api/v1/recharges/runs/{recharge_run_id}": 404,
            # Charges to the partner are decided by its HR and finance officers, not administrators.
            "/api/v1/partners/{partner_id}/charge-requests": 403,
            # The sample expression of interest is undecided: there is no letter yet.
            "/api/v1/change/vr-interests/{interest_id}/letter": 422,
            # Occupational health keeps its cases from the administrator: the outcome is the
            # referrer's, the case occupational health's and the employee's, the access log the
            # DPO's, the surveillance list occupational health's.
            "/api/v1/wellbeing/referrals/{referral_id}/outcome": 404,
            "/api/v1/wellbeing/partners/{partner_id}/cases": 403,
            "/api/v1/wellbeing/cases/{oh_case_id}": 404,
            "/api/v1/wellbeing/cases/{oh_case_id}/notes": 404,
            "/api/v1/wellbeing/cases/{oh_case_id}/attachments": 404,
            "/api/v1/wellbeing/cases/{oh_case_id}/attachments/{oh_attachment_id}": 404,
            "/api/v1/wellbeing/cases/{oh_case_id}/questionnaires": 404,
            "/api/v1/wellbeing/my-cases/{oh_case_id}/questionnaires": 404,
            "/api/v1/wellbeing/my-cases/{oh_case_id}": 404,
            "/api/v1/wellbeing/my-cases/{oh_case_id}/report": 404,
            "/api/v1/wellbeing/my-cases/{oh_case_id}/access": 404,
            "/api/v1/wellbeing/partners/{partner_id}/access-events": 403,
            "/api/v1/wellbeing/partners/{partner_id}/surveillance": 403,
            # The register of workplace adjustments is HR's and occupational health's.
            "/api/v1/wellbeing/partners/{partner_id}/adjustments": 403,
            # Records of processing and processors are the DPO's (privacy.records).
            "/api/v1/privacy/partners/{partner_id}/records": 403,
            "/api/v1/privacy/partners/{partner_id}/records/{record_id}": 403,
            "/api/v1/privacy/partners/{partner_id}/processors": 403,
            "/api/v1/privacy/partners/{partner_id}/engagements/{engagement_id}/users": 403,
            # Retention schedules and legal holds are the DPO's (privacy.retention).
            "/api/v1/privacy/partners/{partner_id}/retention/schedules": 403,
            "/api/v1/privacy/partners/{partner_id}/retention/holds": 403,
            "/api/v1/privacy/partners/{partner_id}/retention/runs": 403,
            "/api/v1/privacy/partners/{partner_id}/retention/preview": 403,
            # Retention and legal holds are occupational health's administrators' and the DPO's.
            "/api/v1/wellbeing/partners/{partner_id}/retention": 403,
            # Subject-access requests are the data-protection officer's (privacy.sar).
            "/api/v1/privacy/partners/{partner_id}/subject-access-requests": 403,
            "/api/v1/privacy/subject-access-requests/{sar_id}": 403,
            "/api/v1/privacy/subject-access-requests/{sar_id}/export": 403,
            # The access review is the DPO's (privacy.access_review) and its nominee's.
            "/api/v1/privacy/partners/{partner_id}/roles": 403,
            "/api/v1/privacy/partners/{partner_id}/sensitive-reads": 403,
            "/api/v1/privacy/partners/{partner_id}/access-reviews": 403,
            "/api/v1/privacy/access-reviews/{review_id}": 403,
            # The breach log is the data-protection officer's (privacy.breach).
            "/api/v1/privacy/partners/{partner_id}/breaches": 403,
            "/api/v1/privacy/breaches/{breach_id}": 403,
        }
        admin = Role.SERVICE_ADMIN
        clients = self.clients()
        answers = {}
        for route in every_route():
            if route.interface == "api" and route.params and route.methods == ("GET",):
                response = self.ask(route, "GET", admin, self.council_objects, clients[admin])
                answers[route.path] = response.status_code
        assert len(answers) >= 30
        assert {path: status for path, status in answers.items() if status != 200} == refusals
