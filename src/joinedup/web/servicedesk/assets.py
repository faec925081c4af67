"""Asset register and licence pages (issue 15), under /servicedesk/: the register of the
current partner (filters: kind, status, text; CSV and XLSX), an asset with its history and the
forms that move it (status, assign or return, dispose with the certificate), registering one or
importing many; the licences the partner holds or shares with seats in use against seats owned
and its share of the shared ones' cost, a licence with its split lines (every line for the
holder's staff, the partner's own otherwise) and its seats held by the partner's people.

An asset or licence of a partner the reader may not view answers 404 before any form is read;
a change needs ``servicedesk.assets`` on the partner it is for (403 otherwise)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path

from joinedup.core import attachments
from joinedup.partnership.models import Partner, PartnerKind
from joinedup.partnership.permissions import authorise, has_permission
from joinedup.servicedesk import asset_imports, assets, ticket_assets
from joinedup.servicedesk import asset_selectors as selectors
from joinedup.servicedesk.models import (
    Asset,
    AssetKind,
    AssetStatus,
    DisposalMethod,
    SoftwareLicence,
    SplitBasis,
)
from joinedup.web import listing
from joinedup.web.current import partner_page
from joinedup.web.forms import (
    GovukForm,
    UploadForm,
    attempt,
    choice_field,
    date_field,
    number_field,
    submit,
    text_field,
)

MANAGE = "servicedesk.assets"
EXPORT_HEADER = [
    "Tag",
    "Kind",
    "Make",
    "Model",
    "Serial",
    "Cost",
    "Purchased",
    "Warranty until",
    "Status",
    "Assigned to",
    "Payroll number",
    "Disposed on",
    "Certificate",
]


def _posted(request: HttpRequest, name: str) -> Any:
    return request.POST if request.method == "POST" and request.POST.get("form") == name else None


# --- forms --------------------------------------------------------------------------------------


class AssetForm(GovukForm):
    tag = text_field("Asset tag", max_length=40, hint="Unique within the partner, like WCC-LT-0001.")
    kind = choice_field("Kind", AssetKind.choices)
    make = text_field("Make", max_length=100)
    model = text_field("Model", max_length=100)
    serial = text_field("Serial number (optional)", max_length=100, required=False)
    cost = number_field("Cost", max_digits=12, places=2, example="849.99", min_value=0)
    purchased_on = date_field("Bought on (optional)", required=False)
    warranty_until = date_field("Warranty until (optional)", required=False)
    status = choice_field(
        "Status", [(AssetStatus.ORDERED, "Ordered"), (AssetStatus.IN_STOCK, "In stock")], what="status"
    )


class StatusForm(GovukForm):
    status = choice_field(
        "New status",
        [(s.value, s.label) for s in AssetStatus if s not in (AssetStatus.DEPLOYED, AssetStatus.DISPOSED)]
        + [(AssetStatus.DEPLOYED, "Deployed (back from repair)")],
    )
    note = text_field("Note (optional)", max_length=300, required=False)


class AssignForm(GovukForm):
    def __init__(self, data: Any, *, people: list[tuple[int, str]]) -> None:
        super().__init__(data)
        self.fields["employment"] = choice_field("Person", [("", "Choose the person"), *people])
        self.fields["note"] = text_field("Note (optional)", max_length=300, required=False)


class DisposeForm(GovukForm):
    method = choice_field("How it was disposed of", DisposalMethod.choices, what="method")
    certificate_number = text_field("Certificate number", max_length=60)
    disposed_on = date_field("Disposed on")
    file = forms.FileField(
        label="The certificate",
        error_messages={"required": "Attach the disposal certificate.", "empty": "The file is empty."},
    )


class LicenceForm(GovukForm):
    product = text_field("Product", max_length=200)
    vendor = text_field("Vendor", max_length=200)
    seats = forms.IntegerField(
        label="Seats",
        min_value=1,
        max_value=1_000_000,
        error_messages={"required": "Enter the seats.", "invalid": "Enter the seats as a whole number."},
    )
    annual_cost = number_field("Annual cost", max_digits=12, places=2, example="12500.00", min_value=0)
    starts_on = date_field("Term starts")
    ends_on = date_field("Term ends")
    shared = forms.BooleanField(label="Shared: its cost is split between the partners", required=False)


class SplitForm(GovukForm):
    def __init__(self, data: Any, *, partners: list[Partner]) -> None:
        super().__init__(data)
        self.partners = partners
        self.fields["basis"] = choice_field("Split by", SplitBasis.choices, what="basis")
        for p in partners:
            self.fields[f"share_{p.pk}"] = number_field(
                f"{p.name} (optional)",
                max_digits=12,
                places=4,
                example="33.3333",
                required=False,
                min_value=0,
            )

    def lines(self) -> list[assets.SplitLine]:
        return [
            assets.SplitLine(p, self.cleaned_data[f"share_{p.pk}"])
            for p in self.partners
            if self.cleaned_data.get(f"share_{p.pk}")
        ]


class SeatForm(GovukForm):
    def __init__(self, data: Any, *, people: list[tuple[int, str]]) -> None:
        super().__init__(data)
        self.fields["employment"] = choice_field("Person", [("", "Choose the person"), *people])


def _people(partner: Partner | int) -> list[tuple[int, str]]:
    return [
        (e.pk, f"{e.person.family_name}, {e.person.given_name} ({e.payroll_number})")
        for e in selectors.employments_for_assigning(partner)
    ]


# --- assets -------------------------------------------------------------------------------------


class AssetFilters(forms.Form):
    q = listing.filter_text("Tag, make, model, serial or person")
    kind = listing.filter_choice("Kind", AssetKind.choices, every="Every kind")
    status = listing.filter_choice("Status", AssetStatus.choices, every="Every status")
    assigned = listing.filter_choice(
        "Assigned", [("yes", "Assigned to someone"), ("no", "Not assigned")], every="Assigned or not"
    )


ASSET_SORTS = {
    "tag": ("tag", "pk"),
    "kind": ("kind", "tag", "pk"),
    "cost": ("cost", "tag", "pk"),
    "status": ("status", "tag", "pk"),
    "purchased": ("purchased_on", "tag", "pk"),
}


def _asset_cells(a: Asset) -> list[object]:
    return [
        a.tag,
        a.get_kind_display(),
        a.make,
        a.model,
        a.serial,
        a.cost,
        a.purchased_on,
        a.warranty_until,
        a.get_status_display(),
        a.assigned_to.person.full_name if a.assigned_to else "",
        a.assigned_to.payroll_number if a.assigned_to else "",
        a.disposed_on,
        a.certificate_number,
    ]


@login_required
def asset_list(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, selectors.VIEW)
    filters = AssetFilters(request.GET)
    given = listing.chosen(filters)
    found = selectors.assets_visible_to(
        request.user,
        partner=partner,
        kind=given.get("kind", ""),
        status=given.get("status", ""),
        q=given.get("q", ""),
    )
    if "assigned" in given:
        found = found.filter(assigned_to__isnull=given["assigned"] == "no")
    listed = listing.list_page(
        request,
        found,
        sorts=ASSET_SORTS,
        default="tag",
        form=filters,
        download=listing.Download(EXPORT_HEADER, _asset_cells, f"assets-{partner.code}"),
    )
    if isinstance(listed, HttpResponse):
        return listed
    return render(
        request,
        "web/servicedesk/assets/list.html",
        {**listed.context(), "partner": partner, "may_manage": has_permission(request.user, MANAGE, partner)},
    )


@login_required
def asset_new(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, MANAGE)
    form = AssetForm(_posted(request, "asset"))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        created = submit(
            form,
            lambda: assets.asset_register(
                actor=request.user,
                partner=partner,
                details=assets.AssetDetails(
                    tag=data["tag"],
                    kind=data["kind"],
                    make=data["make"],
                    model=data["model"],
                    serial=data["serial"],
                    cost=data["cost"],
                    purchased_on=data["purchased_on"],
                    warranty_until=data["warranty_until"],
                    status=data["status"],
                ),
            ),
        )
        if created is not None:
            messages.success(request, f"Asset {created.tag} registered.")
            return redirect("web:servicedesk_asset", asset_id=created.pk)
    return render(request, "web/servicedesk/assets/form.html", {"partner": partner, "form": form})


def _asset_post(request: HttpRequest, asset: Asset) -> tuple[HttpResponse | None, dict[str, Any]]:
    """Handle the asset page's forms; answer a redirect once a change is made, or the forms
    (bound, with their errors) to show again."""
    people = _people(asset.partner_id)
    status_form = StatusForm(_posted(request, "status"))
    assign_form = AssignForm(_posted(request, "assign"), people=people)
    dispose_form = DisposeForm(
        _posted(request, "dispose"), request.FILES if _posted(request, "dispose") is not None else None
    )
    forms_ = {"status_form": status_form, "assign_form": assign_form, "dispose_form": dispose_form}
    if request.method != "POST":
        return None, forms_
    authorise(request.user, MANAGE, asset.partner_id)
    done: Asset | None = None
    if status_form.is_bound and status_form.is_valid():
        done = submit(
            status_form,
            lambda: assets.asset_change_status(
                actor=request.user,
                asset=asset,
                to=status_form.cleaned_data["status"],
                note=status_form.cleaned_data["note"],
            ),
        )
    elif assign_form.is_bound and assign_form.is_valid():
        employment = selectors.employment_of(asset.partner_id, int(assign_form.cleaned_data["employment"]))
        if employment is None:
            raise Http404("No such person.")
        done = submit(
            assign_form,
            lambda: assets.asset_assign(
                actor=request.user, asset=asset, employment=employment, note=assign_form.cleaned_data["note"]
            ),
        )
    elif request.POST.get("form") == "unassign":
        done = attempt(request, lambda: assets.asset_unassign(actor=request.user, asset=asset))
    elif dispose_form.is_bound and dispose_form.is_valid():
        data = dispose_form.cleaned_data
        upload = data["file"]
        done = submit(
            dispose_form,
            lambda: assets.asset_dispose(
                actor=request.user,
                asset=asset,
                certificate=assets.Certificate(
                    number=data["certificate_number"],
                    method=data["method"],
                    disposed_on=data["disposed_on"],
                    filename=upload.name or "certificate",
                    content=upload.read(),
                ),
            ),
        )
    if done is not None:
        messages.success(request, f"{done.tag} is {done.get_status_display().lower()}.")
        return redirect("web:servicedesk_asset", asset_id=done.pk), forms_
    return None, forms_


@login_required
def asset_page(request: HttpRequest, asset_id: int) -> HttpResponse:
    asset = selectors.asset_for(request.user, asset_id=asset_id)
    response, forms_ = _asset_post(request, asset)
    if response is not None:
        return response
    return render(
        request,
        "web/servicedesk/assets/asset.html",
        {
            "partner": asset.partner,
            "asset": asset,
            "history": selectors.asset_history(asset),
            "tickets": list(ticket_assets.tickets_of_asset(request.user, asset=asset)[:100]),
            "may_manage": has_permission(request.user, MANAGE, asset.partner_id),
            "final": asset.status == AssetStatus.DISPOSED,
            **forms_,
        },
    )


@login_required
def asset_certificate(request: HttpRequest, asset_id: int) -> HttpResponse:
    asset = selectors.asset_for(request.user, asset_id=asset_id)
    if not asset.certificate_sha256:
        raise Http404("No certificate.")
    response = HttpResponse(
        attachments.read(asset.certificate_sha256), content_type=asset.certificate_content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{asset.certificate_filename}"'
    return response


@login_required
def asset_import(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, MANAGE)
    sent = request.method == "POST"
    form = UploadForm(request.POST if sent else None, request.FILES if sent else None)
    result = None
    if sent and form.is_valid():
        upload = form.cleaned_data["file"]
        name = upload.name or "upload"
        result = asset_imports.assets_import_file(
            actor=request.user, partner=partner, source=upload.read(), filename=name
        )
        if result.ok:
            messages.success(request, f"{len(result.assets)} asset(s) registered from {name}.")
            return redirect("web:servicedesk_assets")
    return render(
        request,
        "web/servicedesk/assets/import.html",
        {"form": form, "partner": partner, "result": result, "columns": asset_imports.ASSET_COLUMNS.columns},
    )


# --- licences -----------------------------------------------------------------------------------


@login_required
def licence_list(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, selectors.VIEW)
    q = request.GET.get("q", "")[:100]
    found = list(selectors.licences_visible_to(request.user, partner=partner, q=q)[:500])
    usage = selectors.licence_usage(found)
    shares = {s.licence.pk: s.line for s in selectors.shared_licence_costs(request.user, partner=partner)}
    return render(
        request,
        "web/servicedesk/assets/licences.html",
        {
            "partner": partner,
            "rows": [(lic, usage[lic.pk], shares.get(lic.pk)) for lic in found],
            "share_total": sum((line.pounds for line in shares.values()), Decimal("0.00")),
            "q": q,
            "may_manage": has_permission(request.user, MANAGE, partner),
        },
    )


@login_required
def licence_new(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, MANAGE)
    form = LicenceForm(_posted(request, "licence"))
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        created = submit(
            form,
            lambda: assets.licence_add(
                actor=request.user,
                partner=partner,
                details=assets.LicenceDetails(
                    product=data["product"],
                    vendor=data["vendor"],
                    seats=data["seats"],
                    annual_cost=data["annual_cost"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    shared=data["shared"],
                ),
            ),
        )
        if created is not None:
            messages.success(request, f"Licence {created.product} recorded.")
            return redirect("web:servicedesk_licence", licence_id=created.pk)
    return render(request, "web/servicedesk/assets/licence_form.html", {"partner": partner, "form": form})


def _licence_post(
    request: HttpRequest, licence: SoftwareLicence, partner: Partner
) -> tuple[HttpResponse | None, dict[str, Any]]:
    served = [
        p
        for p in Partner.objects.filter(active=True).order_by("name")
        if p.kind != PartnerKind.SHARED_SERVICE
    ]
    split_form = SplitForm(_posted(request, "split"), partners=served)
    seat_form = SeatForm(_posted(request, "seat"), people=_people(partner))
    forms_ = {"split_form": split_form, "seat_form": seat_form}
    if request.method != "POST":
        return None, forms_
    done: Any = None
    if split_form.is_bound:
        authorise(request.user, MANAGE, licence.partner_id)
        if split_form.is_valid():
            done = submit(
                split_form,
                lambda: assets.licence_set_split(
                    actor=request.user,
                    licence=licence,
                    basis=split_form.cleaned_data["basis"],
                    lines=split_form.lines(),
                ),
            )
    elif seat_form.is_bound:
        authorise(request.user, MANAGE, partner)
        if seat_form.is_valid():
            employment = selectors.employment_of(partner, int(seat_form.cleaned_data["employment"]))
            if employment is None:
                raise Http404("No such person.")
            done = submit(
                seat_form,
                lambda: assets.seat_assign(actor=request.user, licence=licence, employment=employment),
            )
    elif request.POST.get("form") == "release":
        seat_id = request.POST.get("seat", "")
        seat = selectors.seat_for(request.user, seat_id=int(seat_id) if seat_id.isdigit() else 0)
        if seat.licence_id != licence.pk:
            raise Http404("No such seat.")
        done = attempt(request, lambda: assets.seat_release(actor=request.user, seat=seat))
    if done is not None:
        messages.success(request, "Saved.")
        return redirect("web:servicedesk_licence", licence_id=licence.pk), forms_
    return None, forms_


@login_required
def licence_page(request: HttpRequest, licence_id: int) -> HttpResponse:
    licence = selectors.licence_for(request.user, licence_id=licence_id)
    partner = partner_page(request)
    response, forms_ = _licence_post(request, licence, partner)
    if response is not None:
        return response
    usage = selectors.licence_usage([licence])[licence.pk]
    reads_partner = has_permission(request.user, selectors.VIEW, partner)
    return render(
        request,
        "web/servicedesk/assets/licence.html",
        {
            "partner": partner,
            "licence": licence,
            "usage": usage,
            "lines": selectors.licence_split_lines(request.user, licence),
            "seats": selectors.licence_seats(request.user, licence, partner=partner) if reads_partner else [],
            "may_split": licence.shared and has_permission(request.user, MANAGE, licence.partner_id),
            "may_seat": has_permission(request.user, MANAGE, partner),
            **forms_,
        },
    )


urlpatterns: list[URLPattern] = [
    path("assets/", asset_list, name="servicedesk_assets"),
    path("assets/new", asset_new, name="servicedesk_asset_new"),
    path("assets/import", asset_import, name="servicedesk_asset_import"),
    path("assets/<int:asset_id>/", asset_page, name="servicedesk_asset"),
    path("assets/<int:asset_id>/certificate", asset_certificate, name="servicedesk_asset_certificate"),
    path("licences/", licence_list, name="servicedesk_licences"),
    path("licences/new", licence_new, name="servicedesk_licence_new"),
    path("licences/<int:licence_id>/", licence_page, name="servicedesk_licence"),
]
