"""Onboarding partners (issue 17), under /data-protection/onboarding/, for the shared-services
body's service administrator (``privacy.onboard``).

- The list: a form that onboards a new partner (privacy/onboarding.py, all or nothing; its
  errors shown on the page, nothing created) and the partners whose checklist the user reads.
- A partner's checklist: what it has loaded (posts, people, opening balances, suppliers…), each
  with its count and the page or command that loads it. Another partner's answers 404."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from joinedup.partnership.models import PartnerKind, Role
from joinedup.partnership.selectors import partner_for
from joinedup.privacy import onboarding

GRANT_FIELDS = (
    ("admin", Role.SERVICE_ADMIN, "Service administrator"),
    ("hr", Role.HR_OFFICER, "HR officer"),
    ("finance", Role.FINANCE_OFFICER, "Finance officer"),
    ("dpo", Role.DATA_PROTECTION_OFFICER, "Data protection officer"),
)


def _rates(request: HttpRequest) -> list[onboarding.PensionRateInput]:
    """``lgps_main=19.5`` a line, from 1 April of the year given, with one source for all."""
    post = request.POST
    lines = [line.strip() for line in post.get("pension_rates", "").splitlines() if line.strip()]
    year = post.get("year", "").strip()
    starts = date(int(year) if year.isdigit() else onboarding.current_financial_year(), 4, 1)
    out = []
    for line in lines:
        scheme, _, rate = line.partition("=")
        try:
            percent = Decimal(rate.strip())
        except InvalidOperation:
            raise ValidationError(
                {"pension_rates": f"Write {line!r} as SCHEME=RATE, e.g. lgps_main=19.5."}
            ) from None
        out.append(
            onboarding.PensionRateInput(
                scheme=scheme.strip(),
                rate_percent=percent,
                effective_from=starts,
                source=post.get("pension_source", ""),
            )
        )
    return out


@login_required
def onboarding_list(request: HttpRequest) -> HttpResponse:
    may_create = onboarding.may_onboard(request.user)
    partners = onboarding.onboarded_partners(request.user)
    if not may_create and not partners:
        raise PermissionDenied("Onboarding partners is for the shared-services body's service administrator.")
    values = {"admin": request.user.get_username()}
    if request.method == "POST":
        if not may_create:
            raise PermissionDenied(
                "Only the shared-services body's service administrator can onboard a partner."
            )
        post = request.POST
        values = {
            name: post.get(name, "")
            for name in ("code", "name", "kind", "year", "pension_rates", "pension_source")
        }
        values |= {name: post.get(name, "").strip() for name, _, _ in GRANT_FIELDS}
        try:
            year = post.get("year", "").strip()
            result = onboarding.partner_onboard(
                actor=request.user,
                code=post.get("code", ""),
                name=post.get("name", ""),
                kind=post.get("kind", ""),
                year=int(year) if year.isdigit() else None,
                terms_schemes=post.getlist("terms_schemes") or None,
                pension_rates=_rates(request),
                grants=[(values[name], role) for name, role, _ in GRANT_FIELDS if values[name]],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"{result.partner.name} ({result.partner.code}) onboarded.")
            if onboarding.may_read_checklist(request.user, result.partner):
                return redirect("web:privacy_onboarding_partner", partner_id=result.partner.pk)
            return redirect("web:privacy_onboarding")
    rows = [onboarding.onboarding_checklist(request.user, partner=p) for p in partners]
    return render(
        request,
        "web/privacy/onboarding/list.html",
        {
            "may_create": may_create,
            "rows": rows,
            "values": values,
            "kinds": [(k.value, k.label) for k in PartnerKind if k in onboarding.JOINING_KINDS],
            "defaults": onboarding.kind_defaults(),
            "grant_fields": GRANT_FIELDS,
        },
    )


@login_required
def onboarding_partner(request: HttpRequest, partner_id: int) -> HttpResponse:
    partner = partner_for(request.user, partner_id=partner_id)  # not a member: 404
    checklist = onboarding.onboarding_checklist(request.user, partner=partner)  # no permission: 403
    return render(
        request, "web/privacy/onboarding/partner.html", {"partner": partner, "checklist": checklist}
    )
