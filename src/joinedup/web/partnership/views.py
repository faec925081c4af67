"""Administration of a partner by its service administrators (``partnership.manage_members``):
its settings and BACS account, its users, their roles, sign-in status and API tokens.

Everything is seen through the partners the administrator administers: another partner's
user, role or token answers 404. Each change is one partnership (or payroll) service, audited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from joinedup.partnership import lockout, second_factor, selectors, services
from joinedup.payroll.models import PayrollSettings
from joinedup.payroll.services import payroll_bank_account_set
from joinedup.web import listing
from joinedup.web.current import current_partner, partner_page
from joinedup.web.forms import attempt, bound, submit
from joinedup.web.partnership.forms import (
    GrantForm,
    NewUserForm,
    PartnerSettingsForm,
    PayrollBankForm,
    UserFilterForm,
)


@login_required
def partner_settings(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, "partnership.manage_members")
    initial = {
        "name": partner.name,
        "kind": partner.kind,
        "active": "yes" if partner.active else "no",
        "employer_paye_reference": partner.employer_paye_reference,
        "accounts_office_reference": partner.accounts_office_reference,
    }
    form = PartnerSettingsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = submit(
            form,
            lambda: services.partner_update(
                actor=request.user,
                partner=partner,
                name=data["name"],
                kind=data["kind"],
                active=data["active"] == "yes",
                employer_paye_reference=data["employer_paye_reference"],
                accounts_office_reference=data["accounts_office_reference"],
            ),
        )
        if done is not None:
            messages.success(request, f"{done.name}'s settings are saved.")
            return redirect("web:admin_partner")
    bank = PayrollSettings.objects.for_partner(partner).first()
    return render(request, "web/partnership/partner.html", {"form": form, "partner": partner, "bank": bank})


@login_required
def payroll_bank(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, "partnership.manage_members")
    held = PayrollSettings.objects.for_partner(partner).first()
    initial = {
        "bank_sort_code": held.bank_sort_code if held else "",
        "bank_account_number": held.bank_account_number if held else "",
        "bank_account_name": held.bank_account_name if held else "",
        "bacs_user_number": held.bacs_user_number if held else "",
    }
    form = PayrollBankForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = submit(
            form,
            lambda: payroll_bank_account_set(
                actor=request.user,
                partner=partner,
                sort_code=data["bank_sort_code"],
                account_number=data["bank_account_number"],
                account_name=data["bank_account_name"],
                bacs_user_number=data["bacs_user_number"],
            ),
        )
        if done is not None:
            messages.success(request, "The account wages are paid from is saved.")
            return redirect("web:admin_partner")
    return render(request, "web/partnership/bank.html", {"form": form, "partner": partner})


USER_SORTS = {
    "username": ("username", "pk"),
    "name": ("first_name", "last_name", "pk"),
    "last_login": ("last_login", "pk"),
}


@login_required
def users(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, "partnership.manage_members")
    filters = UserFilterForm(request.GET)
    given = listing.chosen(filters)
    found = selectors.users_of(
        request.user,
        partner=partner,
        q=given.get("q", ""),
        status=given.get("status", ""),
        role=given.get("role", ""),
    )
    listed = listing.list_page(
        request,
        found,
        sorts=USER_SORTS,
        default="username",
        form=filters,
        download=listing.Download(
            ["username", "name", "email", "active", "second_factor", "last_sign_in"],
            lambda u: [
                u.username,
                u.get_full_name(),
                u.email,
                "yes" if u.is_active else "no",
                "yes" if getattr(u, "has_second_factor", False) else "no",
                u.last_login,
            ],
            f"users-{partner.code.lower()}",
        ),
        per_page=50,
    )
    if isinstance(listed, HttpResponse):
        return listed
    return render(request, "web/partnership/users.html", {**listed.context(), "partner": partner})


@login_required
def user_new(request: HttpRequest) -> HttpResponse:
    partner = partner_page(request, "partnership.manage_members")
    form = bound(NewUserForm, request)
    if request.method == "POST" and form.is_valid():
        membership = submit(
            form, lambda: services.member_create(actor=request.user, partner=partner, **form.cleaned_data)
        )
        if membership is not None:
            messages.success(
                request,
                f"{membership.user.username} can sign in once they have set a password, as "
                f"{membership.get_role_display().lower()} at {partner.name}.",
            )
            return redirect("web:admin_user", user_id=membership.user_id)
    return render(request, "web/partnership/user_new.html", {"form": form, "partner": partner})


@login_required
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    user = selectors.user_administered(request.user, user_id=user_id)
    administered = list(selectors.administered_partners(request.user))
    form = GrantForm(
        request.POST if request.method == "POST" else None,
        partners=[(str(p.pk), p.name) for p in administered],
        initial={"partner": str(getattr(current_partner(request), "pk", ""))},
    )
    if request.method == "POST" and form.is_valid():
        partner = next(p for p in administered if str(p.pk) == form.cleaned_data["partner"])
        granted = submit(
            form,
            lambda: services.membership_grant(
                actor=request.user, user=user, partner=partner, role=form.cleaned_data["role"]
            ),
        )
        if granted is not None:
            messages.success(
                request, f"{user.username} is now {granted.get_role_display().lower()} at {partner.name}."
            )
            return redirect("web:admin_user", user_id=user.pk)
    context = {
        "person": user,
        "second_factor": second_factor.has_second_factor(user),
        "second_factor_required": second_factor.requires_second_factor(user),
        "recovery_codes_left": second_factor.recovery_codes_left(user),
        "locked_until": lockout.locked_out_until(user.get_username()),
        "roles": list(selectors.memberships_administered(request.user, user=user)),
        "tokens": list(selectors.tokens_of(request.user, user=user)),
        "form": form,
    }
    return render(request, "web/partnership/user.html", context)


@login_required
@require_POST
def user_active(request: HttpRequest, user_id: int) -> HttpResponse:
    user = selectors.user_administered(request.user, user_id=user_id)
    partner = partner_page(request, "partnership.manage_members")
    active = request.POST.get("active") == "yes"
    done = attempt(
        request,
        lambda: services.user_set_active(actor=request.user, user=user, partner=partner, active=active),
        denied=True,
    )
    if done is not None:
        messages.success(
            request, f"{user.username} {'can sign in again' if active else 'can no longer sign in'}."
        )
    return redirect("web:admin_user", user_id=user.pk)


@login_required
@require_POST
def second_factor_reset(request: HttpRequest, user_id: int) -> HttpResponse:
    user = selectors.user_administered(request.user, user_id=user_id)
    partner = partner_page(request, "partnership.manage_members")
    done = attempt(
        request,
        lambda: second_factor.second_factor_reset(actor=request.user, user=user, partner=partner),
        denied=True,
    )
    if done is not None:
        messages.success(
            request, f"{user.username}'s second step is reset: they set up a new one when they next sign in."
        )
    return redirect("web:admin_user", user_id=user.pk)


@login_required
@require_POST
def sign_in_unlock(request: HttpRequest, user_id: int) -> HttpResponse:
    user = selectors.user_administered(request.user, user_id=user_id)
    partner = partner_page(request, "partnership.manage_members")
    done = attempt(
        request, lambda: lockout.sign_in_unlock(actor=request.user, user=user, partner=partner), denied=True
    )
    if done is not None:
        messages.success(request, f"{user.username} can sign in again now.")
    return redirect("web:admin_user", user_id=user.pk)


@login_required
@require_POST
def role_revoke(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = selectors.membership_administered(request.user, membership_id=membership_id)
    user, label = membership.user, f"{membership.get_role_display().lower()} at {membership.partner.name}"
    attempt(request, lambda: services.membership_revoke(actor=request.user, membership=membership))
    messages.success(request, f"{user.username} is no longer {label}.")
    return redirect("web:admin_user", user_id=user.pk)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = selectors.token_administered(request.user, token_id=token_id)
    done = attempt(request, lambda: services.api_token_revoke(actor=request.user, token=token))
    if done is not None:
        messages.success(request, f"Token {done.prefix}… is revoked and can no longer be used.")
    return redirect("web:admin_user", user_id=token.user_id)
