"""The pension funds' strain factor tables of the current partner, and uploading one (CSV or
XLSX) through ``change.strain.strain_factors_import``: every bad row reported by row and column,
and nothing saved unless every row is good. The same import as ``joinedup change strain-factors
import``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from joinedup.change import selectors
from joinedup.change.strain import FACTOR_COLUMNS, UPLOAD_PERMISSION, strain_factors_import
from joinedup.core import tabular
from joinedup.core.dates import people_date
from joinedup.partnership.permissions import has_permission
from joinedup.web.current import partner_page
from joinedup.web.forms import GovukForm, date_field, submit, text_field


class StrainUploadForm(GovukForm):
    fund = text_field(
        "Pension fund", max_length=100, hint="As the fund names itself, for example Wessex Pension Fund"
    )
    effective_from = date_field("In force from", what="date the factors are in force from")
    source = text_field(
        "Source",
        max_length=300,
        hint="The actuary's document the factors come from, for example Actuary's letter of 12 March 2026",
    )
    file = forms.FileField(
        label="Factor table (CSV or XLSX)",
        error_messages={"required": "Choose the file of factors.", "empty": "The file is empty."},
    )


@login_required
def strain_factors(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, "change.view")
    may_upload = has_permission(request.user, UPLOAD_PERMISSION, partner.pk)
    if request.method == "POST" and not may_upload:
        raise PermissionDenied("You cannot upload strain factors for this partner.")
    form = StrainUploadForm(request.POST or None, request.FILES or None)
    errors: list[tabular.RowError] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        result = submit(
            form,
            lambda: strain_factors_import(
                actor=request.user,
                partner=partner,
                fund=data["fund"],
                effective_from=data["effective_from"],
                source=data["source"],
                data=upload.read(),
                filename=upload.name,
            ),
        )
        if result is not None and result.ok:
            replaced = " It replaces the table of the same date." if result.replaced else ""
            messages.success(
                request,
                f"{result.saved} strain factors for {data['fund']} "
                f"from {people_date(data['effective_from'])} "
                f"uploaded.{replaced}",
            )
            return redirect("web:change_strain_factors")
        if result is not None:
            errors = result.errors
    return render(
        request,
        "web/change/strain_factors.html",
        {
            "partner": partner,
            "tables": selectors.strain_tables_of(request.user, partner=partner),
            "form": form,
            "errors": errors,
            "may_upload": may_upload,
            "columns": FACTOR_COLUMNS.names,
        },
    )
