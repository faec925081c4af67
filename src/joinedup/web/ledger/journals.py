"""Ledger journals (list, detail, a manual journal, a reversal) and period close, for the partner
the user is working on; another partner's journal or period answers 404."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from joinedup.ledger import reports, selectors, services
from joinedup.ledger.models import JournalSource, PeriodStatus
from joinedup.partnership.permissions import authorise, has_permission
from joinedup.web.forms import outcome, submit
from joinedup.web.ledger.forms import JournalForm, LineForm, LineFormSet
from joinedup.web.ledger.views import _date, _journal, _partner, _period

# --- journals ---------------------------------------------------------------------------------


@login_required
def journals(request: HttpRequest) -> HttpResponse:
    partner = _partner(request)
    found = selectors.journals_of(request.user, partner=partner)
    filters: dict[str, str] = {}
    problem = ""
    if request.GET.get("period"):
        month = request.GET["period"]
        period, problem = outcome(
            lambda: reports.period_for_month(request.user, partner=partner, month=month)
        )
        if period is not None:
            found = found.filter(period=period)
            filters["period"] = request.GET["period"]
    if request.GET.get("source") in JournalSource.values:
        found = found.filter(source=request.GET["source"])
        filters["source"] = request.GET["source"]
    page = Paginator(found.order_by("-date", "-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "web/ledger/journals.html",
        {
            "page": page,
            "periods": list(selectors.periods_of(request.user, partner=partner)),
            "sources": JournalSource.choices,
            "filters": filters,
            "query": urlencode(filters),
            "problem": problem,
            "can_post": has_permission(request.user, "ledger.post", partner),
        },
    )


@login_required
def journal_detail(request: HttpRequest, journal_id: int) -> HttpResponse:
    partner = _partner(request)
    journal = _journal(request, partner, journal_id)
    lines = list(reports.lines_of(journal))
    return render(
        request,
        "web/ledger/journal.html",
        {
            "journal": journal,
            "lines": lines,
            "debits": sum(line.debit for line in lines),
            "credits": sum(line.credit for line in lines),
            "reversal": reports.reversal_of(journal),
            "can_post": has_permission(request.user, "ledger.post", partner),
        },
    )


def _route_errors(exc: ValidationError, form: JournalForm, lines: list[LineForm]) -> None:
    """The service names ``lines[1].account``; the page shows it beside that field of that row."""
    for key, errors in exc.message_dict.items():
        if key.startswith("lines[") and "]" in key:
            index_text, _, field_name = key[len("lines[") :].partition("]")
            line = lines[int(index_text)]
            field_name = field_name.lstrip(".")
            line.add_error(field_name if field_name in line.fields else None, errors)
        else:
            form.add_error(key if key in form.fields else None, errors)


@login_required
def journal_new(request: HttpRequest) -> HttpResponse:
    partner = _partner(request)
    authorise(request.user, "ledger.post", partner)
    kwargs = {
        "accounts": [
            (a.code, f"{a.code} {a.name}")
            for a in selectors.accounts_of(request.user, partner=partner).filter(active=True)
        ],
        "centres": [
            (c.code, f"{c.code} {c.name}")
            for c in selectors.cost_centres_of(request.user, partner=partner).filter(active=True)
        ],
    }
    data = request.POST if request.method == "POST" else None
    form = JournalForm(data)
    formset = LineFormSet(data, form_kwargs=kwargs)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        filled = [line for line in formset.forms if line.has_changed()]
        journal = submit(
            form,
            lambda: services.journal_post(
                actor=request.user,
                partner=partner,
                date=form.cleaned_data["date"],
                lines=[line.as_input() for line in filled],
                description=form.cleaned_data["description"],
            ),
            place=lambda exc: _route_errors(exc, form, filled),
        )
        if journal is not None:
            messages.success(request, f"Journal {journal.pk} posted.")
            return redirect("web:ledger_journal", journal_id=journal.pk)
    # Each line's errors, linked to the field they are about (or to the line).
    line_errors: list[tuple[str, str]] = []
    for n, line in enumerate(formset.forms, start=1):
        line_errors += [(f"line-{n}", f"Line {n}: {e}") for e in line.non_field_errors()]
        line_errors += [(field.id_for_label, f"Line {n}: {e}") for field in line for e in field.errors]
    return render(
        request,
        "web/ledger/journal_form.html",
        {
            "form": form,
            "formset": formset,
            "line_errors": line_errors,
            "page_errors": bool(line_errors or formset.non_form_errors()),
        },
    )


@login_required
def journal_reverse(request: HttpRequest, journal_id: int) -> HttpResponse:
    """A confirmation page; posting it reverses the journal."""
    partner = _partner(request)
    journal = _journal(request, partner, journal_id)
    authorise(request.user, "ledger.post", partner)
    existing = reports.reversal_of(journal)
    if existing is not None:
        messages.success(request, f"Journal {journal.pk} was reversed by journal {existing.pk}.")
        return redirect("web:ledger_journal", journal_id=existing.pk)
    problem = ""
    if request.method == "POST":
        on, problem = _date(request.POST.get("date", "").strip(), journal.date)
        if not problem:
            reversal, problem = outcome(
                lambda: services.journal_reverse(actor=request.user, journal=journal, date=on)
            )
            if reversal is not None:
                messages.success(request, f"Journal {journal.pk} reversed by journal {reversal.pk}.")
                return redirect("web:ledger_journal", journal_id=reversal.pk)
    return render(
        request,
        "web/ledger/confirm.html",
        {
            "title": f"Reverse journal {journal.pk}",
            "caption": journal.description,
            "body": (
                "A reversing journal posts every debit of this journal as a credit and every credit as a "
                "debit. The original stays as it is. A journal is reversed once."
            ),
            "problem": problem,
            "ask_date": True,
            "default_date": request.POST.get("date", journal.date.isoformat()),
            "button": "Reverse the journal",
            "back": reverse("web:ledger_journal", args=[journal.pk]),
        },
    )


# --- periods ------------------------------------------------------------------------------------


@login_required
def period_close(request: HttpRequest, period_id: int) -> HttpResponse:
    """A confirmation page; posting it closes the period."""
    partner = _partner(request)
    period = _period(request, partner, period_id)
    authorise(request.user, "ledger.close", partner)
    problem = "" if period.status == PeriodStatus.OPEN else f"{period} is already closed."
    if request.method == "POST" and not problem:
        closed, problem = outcome(
            lambda: services.period_close(actor=request.user, period=period), denied=True
        )
        if closed is not None:
            messages.success(request, f"{period} is closed.")
            return redirect("web:ledger_home")
    return render(
        request,
        "web/ledger/confirm.html",
        {
            "title": f"Close {period}",
            "caption": partner.name,
            "body": (
                f"Nothing more can be posted into {period} once it is closed: corrections go into an open "
                "period. A closed period is not reopened here."
            ),
            "problem": problem,
            "ask_date": False,
            "button": "Close the period",
            "back": reverse("web:ledger_home"),
        },
    )
