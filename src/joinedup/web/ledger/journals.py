"""Ledger journals (list, detail, a manual journal, a reversal) and period close, for the partner
the user is working on; another partner's journal or period answers 404."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from joinedup.core.dates import people_month
from joinedup.core.money import pence_to_pounds
from joinedup.ledger import reports, selectors, services
from joinedup.ledger.models import Journal, JournalSource, Period, PeriodStatus
from joinedup.partnership.permissions import authorise, has_permission
from joinedup.web import listing
from joinedup.web.forms import outcome, submit
from joinedup.web.ledger.forms import JournalForm, LineForm, LineFormSet
from joinedup.web.ledger.views import _date, _journal, _partner, _period

# --- journals ---------------------------------------------------------------------------------


JOURNAL_STATUSES = [("standing", "Not reversed"), ("reversed", "Reversed")]


class JournalFilters(forms.Form):
    search = listing.filter_text("Journal number or reference", hint="Or words of its description")
    period = listing.filter_choice("Period", [], every="Every period")
    source = listing.filter_choice("Source", JournalSource.choices, every="Every source")
    status = listing.filter_choice("Status", JOURNAL_STATUSES, every="Every journal")

    def __init__(self, data: Any, *, periods: Sequence[Period]) -> None:
        super().__init__(data)
        # The month as the home page's tiles and the API name a period: 2026-05.
        months = [(f"{p.start_date:%Y-%m}", people_month(p.start_date)) for p in periods]
        period = cast(forms.ChoiceField, self.fields["period"])
        period.choices = [("", "Every period"), *months]
        period.error_messages["invalid_choice"] = "%(value)s is not one of the partner's periods."


JOURNAL_SORTS = {
    "date": ("date", "id"),
    "number": ("id",),
    "amount": ("amount", "id"),
}


def _narrow_journals(rows: QuerySet[Journal], given: dict[str, Any]) -> QuerySet[Journal]:
    if "search" in given:
        text = given["search"]
        match = Q(source_ref__icontains=text) | Q(description__icontains=text)
        if text.isdigit():
            match |= Q(pk=int(text))
        rows = rows.filter(match)
    if "period" in given:
        rows = rows.filter(period__start_date=date.fromisoformat(f"{given['period']}-01"))
    if "source" in given:
        rows = rows.filter(source=given["source"])
    if "status" in given:
        rows = rows.filter(reversed_by__isnull=given["status"] == "standing")
    return rows


@login_required
def journals(request: HttpRequest) -> HttpResponse:
    partner = _partner(request)
    found = selectors.journals_listed(request.user, partner=partner)
    filters = JournalFilters(request.GET, periods=list(selectors.periods_of(request.user, partner=partner)))
    listed = listing.list_page(
        request,
        found,
        sorts=JOURNAL_SORTS,
        default="date",
        descending=True,
        form=filters,
        narrow=_narrow_journals,
        download=listing.Download(
            ["journal", "date", "period", "source", "reference", "description", "amount", "posted_by"],
            lambda j: [
                j.pk,
                j.date,
                f"{j.period.start_date:%Y-%m}",
                j.source,
                j.source_ref,
                j.description,
                pence_to_pounds(j.amount or 0),
                j.posted_by.get_username() if j.posted_by else "",
            ],
            f"journals-{partner.code.lower()}",
        ),
    )
    if isinstance(listed, HttpResponse):
        return listed
    context = {**listed.context(), "can_post": has_permission(request.user, "ledger.post", partner)}
    return render(request, "web/ledger/journals.html", context)


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
