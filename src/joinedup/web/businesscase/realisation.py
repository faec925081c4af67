"""Benefits-realisation pages of a business case: the board pack (charts of baseline against actual
by function, cumulative savings against plan, one-off costs and each partner's position, with the
tables beside them, what was summed, and the go-live date for the case's managers), its PDF and the
CSV/XLSX of each table; and each partner's mapping of its cost centres to the case's functions.

The case is found through selectors.case_for first, so a case the reader's partners are not in
answers 404 before anything is read; the realisation itself decides which partners' detail the
reader sees (businesscase/realisation.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from joinedup.businesscase import board_pack, realisation, selectors, services
from joinedup.businesscase.models import Function
from joinedup.core.dates import people_date
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import partner_ids_with
from joinedup.web.businesscase.board_charts import bar_chart, line_chart
from joinedup.web.exports import export_response
from joinedup.web.forms import GovukForm, attempt, date_field


class GoLiveForm(GovukForm):
    live_from = date_field("Live from (the first day of a month)", what="go-live date", required=False)


def _charts(r: realisation.Realisation) -> dict[str, Any]:
    functions = r.function_totals
    partners = [*((p.partner.name, p) for p in r.positions)]
    if r.total is not None:
        partners.append((board_pack.TOTAL, r.total))
    return {
        "functions": bar_chart(
            "Baseline, plan and actual by function (the partnership, months reported)",
            ["Baseline", "Plan", "Actual"],
            [(f.label, [f.baseline, f.plan, f.actual]) for f in functions],
        ),
        "savings": line_chart(
            "Cumulative savings against plan",
            # The axis is short ("Mar 2026", never "Mar 26", which reads as a day): twelve labels
            # share half a page, and the months table below the charts names each in full.
            [f"{m.month:%b %Y}" for m in r.by_month],
            [
                ("Saving", [m.cumulative_saving for m in r.by_month]),
                ("Plan", [m.cumulative_plan for m in r.by_month]),
            ],
        ),
        "one_offs": bar_chart(
            "One-off costs: estimate against paid",
            ["Estimate (optimism bias)", "Estimate (as written)", "Paid"],
            [
                (
                    "Partnership",
                    [
                        r.one_off_estimate,
                        r.one_off_estimate_unbiased,
                        r.total.one_off_actual if r.total else Decimal(0),
                    ],
                )
            ],
        ),
        "partners": bar_chart(
            "Each partner's position: spent before against pays now",
            ["Spent before", "Own cost now", "Recharges now"],
            [(name, [p.baseline, p.own_cost, p.recharges]) for name, p in partners],
        ),
    }


@login_required
def realisation_page(request: HttpRequest, case_id: int) -> HttpResponse:
    access = selectors.case_for(request.user, case_id=case_id)
    may_manage = selectors.may_manage(request.user, access)
    form = GoLiveForm(
        request.POST if may_manage and request.method == "POST" else None,
        initial={"live_from": access.case.live_from},
    )
    if request.method == "POST" and may_manage and form.is_valid():
        live: date | None = form.cleaned_data["live_from"]
        if attempt(
            request, lambda: services.case_go_live(actor=request.user, case=access.case, live_from=live)
        ):
            messages.success(
                request, f"The case is live from {people_date(live)}." if live else "Go-live cleared."
            )
            return redirect("web:businesscase_realisation", case_id=access.case.pk)
    found = realisation.realisation(access)
    manageable = set(partner_ids_with(request.user, "businesscase.manage"))
    involved = [row.partner for row in selectors.involved_of(access.case)]
    return render(
        request,
        "web/businesscase/realisation.html",
        {
            "case": access.case,
            "access": access,
            "r": found,
            "charts": _charts(found) if found else None,
            "tables": [
                (spec, board_pack.formatted(spec, spec.rows(found))) for spec in board_pack.TABLES.values()
            ]
            if found
            else [],
            "mapped": [(m, dict(Function.choices).get(m.function, m.function)) for m in found.mapped]
            if found
            else [],
            "may_manage": may_manage,
            "form": form,
            "mapping_partners": [
                p for p in involved if p.pk in manageable and p.pk != access.case.partner_id
            ],
        },
    )


def _realisation_for(request: HttpRequest, case_id: int) -> tuple[Any, realisation.Realisation | None]:
    access = selectors.case_for(request.user, case_id=case_id)
    return access, realisation.realisation(access)


@login_required
def realisation_export(request: HttpRequest, case_id: int, table: str, fmt: str) -> HttpResponse:
    """One table of the board pack; only its header before the case is approved and live."""
    if fmt not in ("csv", "xlsx") or table not in board_pack.TABLES:
        raise Http404("No such format.")
    access, found = _realisation_for(request, case_id)
    spec = board_pack.TABLES[table]
    rows = spec.rows(found) if found else []
    return export_response(fmt, spec.header, rows, f"{access.case.name} realisation {table}")


@login_required
def realisation_pdf(request: HttpRequest, case_id: int) -> HttpResponse:
    access, found = _realisation_for(request, case_id)
    if found is None:
        raise Http404("The case is not approved and live yet.")
    response = HttpResponse(board_pack.board_pack_pdf(access.case, found), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="board-pack-{access.case.pk}.pdf"'
    return response


# --- Cost centres to functions ------------------------------------------------------------------


def _mapping_partner(request: HttpRequest, code: str) -> tuple[Partner, bool]:
    """The partner whose mapping is asked for, if the user may view business cases there; 404
    otherwise. With whether they may change it."""
    partner = Partner.objects.filter(code=code, active=True).first()
    if partner is None or partner.pk not in partner_ids_with(request.user, "businesscase.view"):
        raise Http404("No such partner.")
    return partner, partner.pk in partner_ids_with(request.user, "businesscase.manage")


class MappingForm(forms.Form):
    def __init__(self, *args: Any, centres: list[tuple[Any, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Not a shared function"), *Function.choices]
        for centre, function in centres:
            self.fields[f"cc-{centre.pk}"] = forms.ChoiceField(
                label=f"{centre.code} {centre.name}", choices=choices, required=False, initial=function
            )


@login_required
def mapping(request: HttpRequest, code: str) -> HttpResponse:
    partner, may_change = _mapping_partner(request, code)
    centres = realisation.cost_centres_for_mapping(partner)
    form = MappingForm(request.POST if may_change and request.method == "POST" else None, centres=centres)
    if request.method == "POST" and may_change and form.is_valid():
        chosen = {c.pk: form.cleaned_data.get(f"cc-{c.pk}", "") for c, _ in centres}
        counts = attempt(
            request,
            lambda: services.cost_centre_functions_set(actor=request.user, partner=partner, mapping=chosen),
        )
        if counts is not None:
            messages.success(
                request,
                f"{counts['mapped']} mapped, {counts['changed']} changed, {counts['unmapped']} unmapped.",
            )
            return redirect("web:businesscase_mapping", code=partner.code)
    rows = [(centre, function, form[f"cc-{centre.pk}"]) for centre, function in centres]
    return render(
        request,
        "web/businesscase/mapping.html",
        {"partner": partner, "rows": rows, "may_change": may_change, "functions": dict(Function.choices)},
    )


@login_required
def mapping_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format.")
    partner, _ = _mapping_partner(request, code)
    labels = dict(Function.choices)
    rows = [
        [c.code, c.name, labels.get(function, "")]
        for c, function in realisation.cost_centres_for_mapping(partner)
    ]
    return export_response(
        fmt, ["Cost centre", "Name", "Function"], rows, f"{partner.code} cost centres to functions"
    )
