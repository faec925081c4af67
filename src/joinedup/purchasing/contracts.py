"""The contracts register: writes (one service each, atomic, audited), the reads the pages, the
API and the renewal command make, the spend against each contract, and off-contract spend.

Who sees a contract: the partner that let it (``Contract.partner``, usually the shared-services
body, so its purchasing officers see the whole register) and each partner that may call off it;
any other partner's staff get 404 (models.ContractRowQuerySet, and row-level security alike).
Changing a contract needs ``purchasing.contracts`` on the partner that let it.

Spend against a contract is net spend (excluding VAT, as contract values are) on paid invoices —
an invoice a payment run marked paid has paid (payments.py) — whose invoice, or whose order, is
linked to the contract; a credit note takes its net off. Off-contract spend is paid spend in a
category for which a contract was live on the invoice date that the buying partner could have
called off, on an invoice not linked to a contract (bought from another supplier, or from the
contract's supplier outside it).

The spend analysis reads off-contract spend from the monthly roll-up (``SpendMonth``, whose rows
say whether their lines were bought under a contract, by the same rule of links as here:
``spend_rollup``): :func:`off_contract_rows`. A month that a contract's period covers whole (or
not at all) is decided from its roll-up rows; only the months in which a contract starts or ends
part-way are read line by line, from the invoice dates. :func:`off_contract_spend` is the
definition, read from every line; tests hold the two to the same pence.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Case, Count, DecimalField, F, Q, QuerySet, Sum, When
from django.http import Http404
from django.utils import timezone

from joinedup.audit.services import record_event
from joinedup.core import rls
from joinedup.core.actors import user_of
from joinedup.core.dates import people_date
from joinedup.partnership.models import Partner
from joinedup.partnership.permissions import authorise, has_permission, partner_ids_with
from joinedup.people.services.errors import Errors
from joinedup.purchasing import renewal, spend, spend_rollup
from joinedup.purchasing.models import (
    Category,
    Contract,
    ContractAlert,
    ContractCallOff,
    ContractExtension,
    ContractStatus,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    PaymentRunStatus,
    PurchaseOrder,
    Supplier,
)

ZERO = Decimal("0.00")
MAX_VALUE = Decimal("999999999999.99")
SPEND_READ = "contracts register: paid spend of every partner that may call off a contract"
REGISTER_READ = "contracts register: live contracts of every partner, for alerts and off-contract spend"


@dataclass(frozen=True)
class ExtensionIn:
    """An extension option as entered: ``months`` long, and whether it has been taken already (a
    contract entered part-way through its life)."""

    months: int
    taken: bool = False


def _text(errors: Errors, field: str, value: str, *, limit: int, required: str = "") -> str:
    text = (value or "").strip()
    if required and not text:
        errors.add(field, required)
    if len(text) > limit:
        errors.add(field, f"Keep it to {limit} characters or fewer.")
    return text


def _check_value(errors: Errors, value: Decimal) -> Decimal:
    if not value.is_finite() or value < 0 or value > MAX_VALUE:
        errors.add("value", "Enter the contract's total value, £0 or more.")
        return ZERO
    if value != value.quantize(Decimal("0.01")):
        errors.add("value", "Enter the value in pounds and pence.")
    return value.quantize(Decimal("0.01"))


def _check_owner(errors: Errors, owner: Any, partner: Partner) -> None:
    if (
        owner is None
        or not getattr(owner, "is_active", False)
        or not has_permission(owner, "purchasing.view", partner)
    ):
        errors.add("owner", f"Choose someone with a purchasing role at {partner.name}.")


def _check_extensions(errors: Errors, extensions: Sequence[ExtensionIn]) -> None:
    seen_untaken = False
    for option in extensions:
        if not 1 <= option.months <= 120:
            errors.add("extensions", "Each extension option is 1 to 120 months.")
            return
        if option.taken and seen_untaken:
            errors.add("extensions", "Extension options are taken in order: list the taken ones first.")
            return
        seen_untaken = seen_untaken or not option.taken


def _end_with(original_end: date, extensions: Iterable[ContractExtension | ExtensionIn]) -> date:
    end = original_end
    for option in extensions:
        if option.taken:
            end = renewal.months_after(end, option.months)
    return end


def _summary(contract: Contract) -> dict[str, Any]:
    return {
        "reference": contract.reference,
        "title": contract.title,
        "supplier": contract.supplier_id,
        "category": contract.category_id,
        "cpv_code": contract.cpv_code,
        "value": str(contract.value),
        "start_date": contract.start_date.isoformat(),
        "original_end_date": contract.original_end_date.isoformat(),
        "end_date": contract.end_date.isoformat(),
        "owner": contract.owner_id,
        "status": contract.status,
    }


def _locked(contract: Contract) -> Contract:
    locked: Contract = (
        Contract.objects.for_partner(contract.partner_id).select_for_update().get(pk=contract.pk)
    )
    return locked


def _extensions(contract: Contract) -> list[ContractExtension]:
    return list(ContractExtension.objects.for_partner(contract.partner_id).filter(contract=contract))


# --- writes -----------------------------------------------------------------------------------------


@transaction.atomic
def contract_create(
    *,
    actor: Any,
    partner: Partner,
    reference: str,
    title: str,
    supplier: Supplier | None,
    category: Category | None,
    value: Decimal,
    start_date: date,
    end_date: date,
    owner: Any,
    cpv_code: str = "",
    extensions: Sequence[ExtensionIn] = (),
    call_off_partners: Sequence[Partner] = (),
) -> Contract:
    """Enter a contract let by ``partner``; ``end_date`` is the end before any extension. The
    partners that may call off it are listed with it (``partner`` sees it anyway)."""
    authorise(actor, "purchasing.contracts", partner)
    errors = Errors()
    reference = _text(errors, "reference", reference, limit=40, required="Enter the contract reference.")
    title = _text(errors, "title", title, limit=200, required="Enter what the contract is for.")
    if supplier is None:
        errors.add("supplier", "Choose the supplier from the register.")
    if category is None:
        errors.add("category", "Choose the procurement category.")
    cpv = errors.check("cpv_code", renewal.check_cpv, cpv_code) if (cpv_code or "").strip() else ""
    value = _check_value(errors, value)
    if end_date < start_date:
        errors.add("end_date", "The end date must be on or after the start date.")
    _check_owner(errors, owner, partner)
    _check_extensions(errors, extensions)
    errors.raise_if_any()
    if supplier is None or category is None:  # reported above; narrows the types
        raise ValidationError("Choose the supplier and the category.")
    if Contract.objects.for_partner(partner).filter(partner=partner, reference=reference).exists():
        raise ValidationError({"reference": f"{partner.name} already has a contract {reference}."})
    contract = Contract.objects.create(
        partner=partner,
        reference=reference,
        title=title,
        supplier=supplier,
        category=category,
        cpv_code=cpv,
        value=value,
        start_date=start_date,
        original_end_date=end_date,
        end_date=_end_with(end_date, extensions),
        owner=owner,
        created_by=user_of(actor),
    )
    now = timezone.now()
    ContractExtension.objects.bulk_create(
        ContractExtension(
            partner=partner,
            contract=contract,
            sequence=number,
            months=option.months,
            taken=option.taken,
            taken_by=user_of(actor) if option.taken else None,
            taken_at=now if option.taken else None,
        )
        for number, option in enumerate(extensions, start=1)
    )
    callers = sorted({p.pk for p in call_off_partners if p.pk != partner.pk})
    ContractCallOff.objects.bulk_create(
        ContractCallOff(partner_id=pid, contract=contract, added_by=user_of(actor)) for pid in callers
    )
    record_event(
        actor=actor,
        partner=partner,
        action="contract.created",
        target=contract,
        after={
            **_summary(contract),
            "extensions": [{"months": o.months, "taken": o.taken} for o in extensions],
            "call_off_partners": callers,
        },
    )
    return contract


EDITABLE = ("title", "supplier", "category", "cpv_code", "value", "start_date", "end_date", "owner")


@transaction.atomic
def contract_edit(*, actor: Any, contract: Contract, **changes: Any) -> Contract:
    """Change a live contract's details. ``end_date`` is the end before extensions (the current
    end follows it, moved on by the options taken); ``reference`` and status do not change here."""
    authorise(actor, "purchasing.contracts", contract.partner_id)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ValidationError({unknown[0]: "This cannot be changed here."})
    contract = _locked(contract)
    if contract.status != ContractStatus.LIVE:
        raise ValidationError("An ended contract cannot be changed.")
    before = _summary(contract)
    errors = Errors()
    if "title" in changes:
        contract.title = _text(errors, "title", changes["title"], limit=200, required="Enter what it is for.")
    if "supplier" in changes:
        if changes["supplier"] is None:
            errors.add("supplier", "Choose the supplier from the register.")
        else:
            contract.supplier = changes["supplier"]
    if "category" in changes:
        if changes["category"] is None:
            errors.add("category", "Choose the procurement category.")
        else:
            contract.category = changes["category"]
    if "cpv_code" in changes:
        text = (changes["cpv_code"] or "").strip()
        contract.cpv_code = errors.check("cpv_code", renewal.check_cpv, text) if text else ""
    if "value" in changes:
        contract.value = _check_value(errors, changes["value"])
    if "start_date" in changes:
        contract.start_date = changes["start_date"]
    if "end_date" in changes:
        contract.original_end_date = changes["end_date"]
    if contract.original_end_date < contract.start_date:
        errors.add("end_date", "The end date must be on or after the start date.")
    if "owner" in changes:
        _check_owner(errors, changes["owner"], contract.partner)
        if changes["owner"] is not None:
            contract.owner = changes["owner"]
    errors.raise_if_any()
    contract.end_date = _end_with(contract.original_end_date, _extensions(contract))
    contract.save()
    after = _summary(contract)
    record_event(
        actor=actor,
        partner=contract.partner_id,
        action="contract.edited",
        target=contract,
        before={k: v for k, v in before.items() if after[k] != v},
        after={k: v for k, v in after.items() if before[k] != v},
    )
    return contract


@transaction.atomic
def contract_take_extension(*, actor: Any, contract: Contract) -> ContractExtension:
    """Take the next extension option: the contract's end moves on by its months, and with it
    every renewal alert still to come."""
    authorise(actor, "purchasing.contracts", contract.partner_id)
    contract = _locked(contract)
    if contract.status != ContractStatus.LIVE:
        raise ValidationError("An ended contract cannot be extended.")
    option = next((o for o in _extensions(contract) if not o.taken), None)
    if option is None:
        raise ValidationError("This contract has no extension option left to take.")
    before_end = contract.end_date
    option.taken = True
    option.taken_by = user_of(actor)
    option.taken_at = timezone.now()
    option.save(update_fields=["taken", "taken_by", "taken_at"])
    contract.end_date = renewal.months_after(contract.end_date, option.months)
    contract.save(update_fields=["end_date"])
    record_event(
        actor=actor,
        partner=contract.partner_id,
        action="contract.extension_taken",
        target=contract,
        before={"end_date": before_end.isoformat()},
        after={"option": option.sequence, "months": option.months, "end_date": contract.end_date.isoformat()},
    )
    return option


@transaction.atomic
def contract_add_call_off(*, actor: Any, contract: Contract, partner: Partner) -> ContractCallOff:
    """Let ``partner`` call off the contract: its staff see the contract from now on."""
    authorise(actor, "purchasing.contracts", contract.partner_id)
    contract = _locked(contract)
    if partner.pk == contract.partner_id:
        raise ValidationError({"partner": "The partner that let the contract calls off it already."})
    if not partner.active:
        raise ValidationError({"partner": "That partner is no longer active."})
    if ContractCallOff.objects.for_partner(partner).filter(contract=contract, partner=partner).exists():
        raise ValidationError({"partner": f"{partner.name} may call off this contract already."})
    row = ContractCallOff.objects.create(partner=partner, contract=contract, added_by=user_of(actor))
    record_event(
        actor=actor,
        partner=contract.partner_id,
        action="contract.call_off_added",
        target=contract,
        after={"partner": partner.pk},
    )
    return row


@transaction.atomic
def contract_remove_call_off(*, actor: Any, contract: Contract, partner: Partner) -> None:
    """Stop ``partner`` calling off the contract; its staff no longer see it. Spend already linked
    to the contract stays linked."""
    authorise(actor, "purchasing.contracts", contract.partner_id)
    contract = _locked(contract)
    deleted, _ = (
        ContractCallOff.objects.for_partner(partner).filter(contract=contract, partner=partner).delete()
    )
    if not deleted:
        raise ValidationError({"partner": f"{partner.name} does not call off this contract."})
    record_event(
        actor=actor,
        partner=contract.partner_id,
        action="contract.call_off_removed",
        target=contract,
        before={"partner": partner.pk},
    )


@transaction.atomic
def contract_end(*, actor: Any, contract: Contract, ended_on: date, reason: str) -> Contract:
    """End the contract on ``ended_on`` (at its end, or early): no more renewal alerts, and spend
    after that day is off-contract."""
    authorise(actor, "purchasing.contracts", contract.partner_id)
    contract = _locked(contract)
    if contract.status != ContractStatus.LIVE:
        raise ValidationError("This contract has ended already.")
    errors = Errors()
    reason = _text(errors, "reason", reason, limit=300, required="Say why the contract ends.")
    if ended_on < contract.start_date:
        errors.add("ended_on", "A contract cannot end before it starts.")
    errors.raise_if_any()
    contract.status = ContractStatus.ENDED
    contract.ended_on = ended_on
    contract.end_reason = reason
    contract.save(update_fields=["status", "ended_on", "end_reason"])
    record_event(
        actor=actor,
        partner=contract.partner_id,
        action="contract.ended",
        target=contract,
        before={"status": ContractStatus.LIVE},
        after={"status": ContractStatus.ENDED, "ended_on": ended_on.isoformat(), "reason": reason},
    )
    return contract


def _may_call_off(contract: Contract, partner_id: int) -> bool:
    return partner_id == contract.partner_id or (
        ContractCallOff.objects.for_partner(partner_id)
        .filter(contract=contract, partner_id=partner_id)
        .exists()
    )


def contracts_to_link(*, partner: Partner | int, supplier_id: int) -> list[Contract]:
    """The live contracts an invoice or order of ``partner`` with the supplier may be linked to:
    those with that supplier that the partner let or may call off (the services' own checks)."""
    pid = partner if isinstance(partner, int) else partner.pk
    return list(
        Contract.objects.for_partner(pid)
        .filter(status=ContractStatus.LIVE, supplier_id=supplier_id)
        .order_by("reference", "pk")
    )


@transaction.atomic
def invoice_set_contract(*, actor: Any, invoice: Invoice, contract: Contract | None) -> Invoice:
    """Link a non-PO invoice to the contract it was bought under (None: unlink). An order's
    invoice follows its order's contract."""
    authorise(actor, "purchasing.invoice", invoice.partner_id)
    if contract is not None:
        if invoice.order_id is not None:
            raise ValidationError({"contract": "This invoice follows its order's contract."})
        if not _may_call_off(contract, invoice.partner_id):
            raise ValidationError({"contract": "This partner does not call off that contract."})
        if contract.supplier_id != invoice.supplier_id:
            raise ValidationError({"contract": "The contract is with another supplier."})
    before = invoice.contract_id
    order_linked = invoice.order is not None and invoice.order.contract_id is not None
    invoice.contract = contract
    invoice.save(update_fields=["contract"])
    was_on, now_on = before is not None or order_linked, contract is not None or order_linked
    if invoice.status == InvoiceStatus.PAID and was_on != now_on:
        spend_rollup.move_invoices(partner_id=invoice.partner_id, invoice_ids=[invoice.pk])
    record_event(
        actor=actor,
        partner=invoice.partner_id,
        action="invoice.contract_set",
        target=invoice,
        before={"contract": before},
        after={"contract": contract.pk if contract else None},
    )
    return invoice


@transaction.atomic
def order_set_contract(*, actor: Any, order: PurchaseOrder, contract: Contract | None) -> PurchaseOrder:
    """Link an order to the contract it calls off (None: unlink); its invoices' spend follows."""
    authorise(actor, "purchasing.order", order.partner_id)
    if contract is not None:
        if not _may_call_off(contract, order.partner_id):
            raise ValidationError({"contract": "This partner does not call off that contract."})
        if contract.supplier_id != order.supplier_id:
            raise ValidationError({"contract": "The contract is with another supplier."})
    before = order.contract_id
    order.contract = contract
    order.save(update_fields=["contract"])
    if (before is None) != (contract is None):
        # Its paid invoices not linked to a contract of their own change side in the roll-up.
        flipped = Invoice.objects.for_partner(order.partner_id).filter(
            order=order, status=InvoiceStatus.PAID, contract__isnull=True
        )
        spend_rollup.move_invoices(
            partner_id=order.partner_id, invoice_ids=list(flipped.values_list("pk", flat=True))
        )
    record_event(
        actor=actor,
        partner=order.partner_id,
        action="order.contract_set",
        target=order,
        before={"contract": before},
        after={"contract": contract.pk if contract else None},
    )
    return order


# --- renewal alerts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertSent:
    contract_id: int
    reference: str
    threshold_months: int
    end_date: date
    sent_to: str


def _alert_text(contract: Contract, threshold: int, untaken: list[ContractExtension]) -> tuple[str, str]:
    subject = f"Contract {contract.reference} ends on {people_date(contract.end_date)}"
    if untaken:
        months = ", ".join(f"{o.months} months" for o in untaken)
        choice = f"Extension options not yet taken: {months}. Decide whether to extend or procure again."
    else:
        choice = "No extension options remain: procure again or let it end."
    body = (
        f"{contract.reference} {contract.title}, with {contract.supplier.name}, ends on "
        f"{people_date(contract.end_date)} "
        f"({threshold} month{'s' if threshold != 1 else ''} or less away).\n\n"
        f"{choice}\n"
    )
    return subject, body


@transaction.atomic
def contract_alert_send(*, actor: Any, contract: Contract, today: date) -> AlertSent | None:
    """Send the renewal alert that ``today`` calls for, once: each (contract, threshold, end date)
    is recorded, so a second run sends nothing, and an extension taken (a new end) starts the
    alerts again. The email goes to the owner after the transaction commits."""
    authorise(actor, "purchasing.contracts", contract.partner_id)
    contract = _locked(contract)
    if contract.status != ContractStatus.LIVE:
        return None
    threshold = renewal.threshold_reached(contract.end_date, today)
    if threshold is None:
        return None
    sent = ContractAlert.objects.for_partner(contract.partner_id).filter(
        contract=contract, threshold_months=threshold, end_date=contract.end_date
    )
    if sent.exists():
        return None
    owner = contract.owner
    address = owner.email or ""
    ContractAlert.objects.create(
        partner_id=contract.partner_id,
        contract=contract,
        threshold_months=threshold,
        end_date=contract.end_date,
        sent_to=address,
        sent_on=today,
    )
    record_event(
        actor=actor,
        partner=contract.partner_id,
        action="contract.renewal_alert_sent",
        target=contract,
        after={"threshold_months": threshold, "end_date": contract.end_date.isoformat(), "sent_to": address},
    )
    if address:
        subject, body = _alert_text(contract, threshold, [o for o in _extensions(contract) if not o.taken])
        transaction.on_commit(lambda: send_mail(subject, body, None, [address]))
    return AlertSent(contract.pk, contract.reference, threshold, contract.end_date, address)


def send_renewal_alerts(*, actor: Any, today: date) -> list[AlertSent]:
    """Every alert due ``today`` across the register, each in its own transaction."""
    with rls.system_context(REGISTER_READ):
        live = list(
            Contract.objects.unscoped(reason=REGISTER_READ)
            .filter(status=ContractStatus.LIVE, end_date__lte=renewal.latest_end_due(today))
            .order_by("end_date", "pk")
        )
    sent: list[AlertSent] = []
    for contract in live:
        with rls.system_context(REGISTER_READ):
            result = contract_alert_send(actor=actor, contract=contract, today=today)
        if result is not None:
            sent.append(result)
    return sent


# --- reads -----------------------------------------------------------------------------------------------


def _reader_partner_ids(user: Any) -> list[int]:
    ids = partner_ids_with(user, "purchasing.view")
    if not ids:
        raise PermissionDenied("Your roles do not include purchasing.")
    return ids


def contracts_visible_to(
    user: Any,
    *,
    partner: Partner | int | None = None,
    status: str = "",
    due_on: date | None = None,
) -> QuerySet[Contract]:
    """The contracts ``user`` may read: those let by or called off by a partner where they hold
    ``purchasing.view``. ``partner``: only those that partner let or may call off. ``due_on``: only
    live contracts due for renewal that day (six months or less from their current end)."""
    found = Contract.objects.for_partners(_reader_partner_ids(user)).select_related(
        "partner", "supplier", "category", "owner"
    )
    if partner is not None:
        pid = partner if isinstance(partner, int) else partner.pk
        found = found.filter(Q(partner_id=pid) | Q(call_offs__partner_id=pid)).distinct()
    if status:
        found = found.filter(status=status)
    if due_on is not None:
        found = found.filter(status=ContractStatus.LIVE, end_date__lte=renewal.latest_end_due(due_on))
    return found.order_by("end_date", "reference", "pk")


def contract_for(user: Any, *, contract_id: int) -> Contract:
    """The contract, or 404 when no partner of the reader's lets or calls off it."""
    found = contracts_visible_to(user).filter(pk=contract_id).first()
    if found is None:
        raise Http404("No such contract.")
    return found


def contract_for_change(user: Any, *, contract_id: int) -> Contract:
    """The contract for a write: 404 as for reading, 403 without ``purchasing.contracts`` on the
    partner that let it."""
    found = contract_for(user, contract_id=contract_id)
    authorise(user, "purchasing.contracts", found.partner_id)
    return found


def extensions_of(contract: Contract) -> list[ContractExtension]:
    return sorted(_extensions(contract), key=lambda o: o.sequence)


def call_off_partners(contract: Contract) -> list[Partner]:
    ids = (
        ContractCallOff.objects.for_partner(contract.partner_id)
        .filter(contract=contract)
        .values_list("partner_id", flat=True)
    )
    return list(Partner.objects.filter(pk__in=list(ids)).order_by("name"))


def alerts_of(contract: Contract) -> list[ContractAlert]:
    return list(
        ContractAlert.objects.for_partner(contract.partner_id)
        .filter(contract=contract)
        .order_by("-sent_at", "-pk")
    )


def due_threshold(contract: Contract, today: date) -> int | None:
    """The renewal alert ``today`` has reached for the contract (6, 3 or 1 months), if any."""
    if contract.status != ContractStatus.LIVE:
        return None
    return renewal.threshold_reached(contract.end_date, today)


# --- spend --------------------------------------------------------------------------------------------


def _signed_net() -> Sum:
    return Sum(
        Case(When(invoice__kind=InvoiceKind.CREDIT_NOTE, then=-F("net")), default=F("net")),
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )


def _paid(lines: QuerySet[InvoiceLine]) -> QuerySet[InvoiceLine]:
    return lines.filter(invoice__payment__run__status=PaymentRunStatus.PAID)


@dataclass(frozen=True)
class ContractSpend:
    total: Decimal
    by_partner: dict[int, Decimal]
    remaining: Decimal


def contract_spend(contract: Contract) -> ContractSpend:
    """Net paid spend against the contract, in total and by partner, and what remains of its value."""
    partners = [contract.partner_id, *(p.pk for p in call_off_partners(contract))]
    with rls.system_context(SPEND_READ):
        rows = (
            _paid(InvoiceLine.objects.for_partners(partners))
            .filter(Q(invoice__contract=contract) | Q(invoice__order__contract=contract))
            .values("partner_id")
            .annotate(net=_signed_net())
            .order_by("partner_id")
        )
        by_partner = {row["partner_id"]: (row["net"] or ZERO).quantize(Decimal("0.01")) for row in rows}
    total = sum(by_partner.values(), ZERO)
    return ContractSpend(total=total, by_partner=by_partner, remaining=contract.value - total)


@dataclass(frozen=True)
class OffContractRow:
    """Paid net spend (``net``, pounds; ``pence`` the same in pence) of a partner in a category
    that one of its live contracts covers, with a supplier, on invoices not linked to a contract."""

    partner_id: int
    category_id: int
    supplier_id: int
    net: Decimal
    pence: int
    lines: int


Cover = dict[tuple[int, int], list[tuple[date, date]]]


def _cover(date_from: date, date_to: date) -> Cover:
    """(partner, category) -> the periods (first and last day) in which a contract that partner
    let or may call off covered the category, for contracts live at some time from ``date_from``
    to ``date_to``. Run it in a system context: it reads the register across partners."""
    contracts = list(
        Contract.objects.unscoped(reason=REGISTER_READ)
        .filter(start_date__lte=date_to, end_date__gte=date_from)
        .values("pk", "partner_id", "category_id", "start_date", "end_date", "ended_on")
    )
    callers: dict[int, set[int]] = defaultdict(set)
    for row in (
        ContractCallOff.objects.unscoped(reason=REGISTER_READ)
        .filter(contract_id__in=[c["pk"] for c in contracts])
        .values("contract_id", "partner_id")
    ):
        callers[row["contract_id"]].add(row["partner_id"])
    cover: Cover = defaultdict(list)
    for c in contracts:
        last = min(c["end_date"], c["ended_on"]) if c["ended_on"] else c["end_date"]
        for pid in {c["partner_id"], *callers[c["pk"]]}:
            cover[(pid, c["category_id"])].append((c["start_date"], last))
    return cover


def _off_contract_row(key: tuple[int, int, int], pence: int, lines: int) -> OffContractRow:
    net = spend.pounds(pence)
    return OffContractRow(
        partner_id=key[0], category_id=key[1], supplier_id=key[2], net=net, pence=pence, lines=lines
    )


def _largest_first(rows: Iterable[OffContractRow]) -> list[OffContractRow]:
    return sorted(rows, key=lambda r: (-r.net, r.partner_id, r.category_id, r.supplier_id))


def _month_bounds(month: int) -> tuple[date, date]:
    year, number = spend.month_of(month)
    return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])


def _covered_days(periods: list[tuple[date, date]], first: date, last: date) -> int:
    """Days from ``first`` to ``last`` inside any of ``periods`` (overlaps counted once)."""
    clipped = sorted((max(a, first), min(b, last)) for a, b in periods if a <= last and b >= first)
    days, reached = 0, first - timedelta(days=1)
    for start, end in clipped:
        start = max(start, reached + timedelta(days=1))
        if end >= start:
            days += (end - start).days + 1
            reached = end
    return days


def off_contract_rows(
    rows: spend.SpendRows, *, month_from: int | None = None, month_to: int | None = None
) -> list[OffContractRow]:
    """Off-contract spend in ``rows`` (the roll-up's rows, as ``selectors.spend_rows`` reads
    them) by partner, category and supplier, largest first; the same rows, to the penny, as
    :func:`off_contract_spend` over the same partners and whole months.

    Only rows not on contract with a category can count. For each of those (partner, category,
    month): if contracts the partner may call off for the category or its parent cover every day
    of the month, the row counts whole; if they cover no day, not at all; if some days (a contract
    starting or ending part-way through the month), that month's lines are read with their
    invoice dates, as the definition does: one query for all such months, however many lines the
    rest of the roll-up stands for. The caller decides who may see these partners' spend."""
    off = np.flatnonzero((rows.on_contract == 0) & (rows.category != spend.NO_CATEGORY))
    if off.size == 0:
        return []
    first_month = month_from if month_from is not None else int(rows.month[off].min())
    last_month = month_to if month_to is not None else int(rows.month[off].max())
    with rls.system_context(REGISTER_READ):
        cover = _cover(_month_bounds(first_month)[0], _month_bounds(last_month)[1])
        if not cover:
            return []
        category_ids = sorted({int(c) for c in rows.category[off].tolist()})
        parents = dict(Category.objects.filter(pk__in=category_ids).values_list("pk", "parent_id"))
        # (partner, category, month) -> covered: "all", "some" or "none"
        decided: dict[tuple[int, int, int], str] = {}
        totals: dict[tuple[int, int, int], list[int]] = {}
        part_way: dict[int, set[tuple[int, int]]] = defaultdict(set)  # partner -> (category, month)
        for i in off.tolist():
            p, c, s, m = (
                int(rows.partner[i]),
                int(rows.category[i]),
                int(rows.supplier[i]),
                int(rows.month[i]),
            )
            cell = (p, c, m)
            if cell not in decided:
                periods = cover.get((p, c), []) + cover.get((p, parents.get(c) or 0), [])
                first, last = _month_bounds(m)
                days = _covered_days(periods, first, last) if periods else 0
                decided[cell] = "none" if days == 0 else "all" if days == (last - first).days + 1 else "some"
            if decided[cell] == "all":
                entry = totals.setdefault((p, c, s), [0, 0])
                entry[0] += int(rows.net[i])
                entry[1] += int(rows.lines[i])
            elif decided[cell] == "some":
                part_way[p].add((c, m))
        if part_way:
            _add_part_way_months(totals, part_way, cover)
    return _largest_first(
        _off_contract_row(key, pence, lines) for key, (pence, lines) in totals.items() if lines
    )


def _add_part_way_months(
    totals: dict[tuple[int, int, int], list[int]], part_way: dict[int, set[tuple[int, int]]], cover: Cover
) -> None:
    """Add the lines of the (category, month) cells of each partner that a contract covers part
    of, checking each invoice date as :func:`off_contract_spend` does (integer pence, credit notes
    taken off). One query a partner, which reaches the lines by partner and category (an index)
    and keeps those dated in the cells' months."""
    credit = InvoiceKind.CREDIT_NOTE.value
    for p, cells in sorted(part_way.items()):
        groups = (
            InvoiceLine.objects.for_partner(p)
            .filter(category_id__in=sorted({c for c, _ in cells}))
            # The month as computed, not a range of dates: so the database starts from the lines'
            # (partner, category) index, the smaller set, rather than the invoices' dates.
            .annotate(month=spend_rollup.MonthKey("invoice__invoice_date"))
            .filter(month__in=sorted({m for _, m in cells}))
            .filter(invoice__status=InvoiceStatus.PAID, invoice__contract__isnull=True)
            .filter(Q(invoice__order__isnull=True) | Q(invoice__order__contract__isnull=True))
            .values_list(
                "category_id",
                "category__parent_id",
                "invoice__supplier_id",
                "invoice__invoice_date",
                "invoice__kind",
            )
            .annotate(net=spend_rollup.SumScaled("net", 100), lines=Count("pk"))
            .order_by()
        )
        for c, parent, s, day, kind, net, lines in groups:
            if (c, spend.month_key(day.year, day.month)) not in cells:
                continue  # a month part-way covered for another of the partner's categories
            for category in (c, parent):
                if any(start <= day <= end for start, end in cover.get((p, category), [])):
                    entry = totals.setdefault((p, c, s), [0, 0])
                    entry[0] += -int(net or 0) if kind == credit else int(net or 0)
                    entry[1] += int(lines)
                    break


def off_contract_spend(*, partner_ids: Sequence[int], date_from: date, date_to: date) -> list[OffContractRow]:
    """Off-contract spend of ``partner_ids`` on invoices dated ``date_from`` to ``date_to``
    (inclusive), by partner, category and supplier, largest first, read from every line: the
    definition that :func:`off_contract_rows` (what the spend analysis shows) is tested against.

    A line counts when its category (or its category's parent) is the category of a contract
    live on the invoice date that the partner let or may call off, and neither its invoice nor
    its invoice's order is linked to a contract. The caller decides who may see these partners'
    spend (``purchasing.view_spend``); this reads the register across partners by name."""
    ids = sorted(set(partner_ids))
    if not ids:
        return []
    with rls.system_context(REGISTER_READ):
        cover = _cover(date_from, date_to)
        categories = {cat for (_, cat) in cover}
        if not categories:
            return []
        # Paid as the roll-up counts it, by the invoice's status: payment_run_mark_paid sets it
        # and the run's in one transaction, and bulk loads (the benchmark's) set only the status.
        groups = (
            InvoiceLine.objects.for_partners(ids)
            .filter(invoice__status=InvoiceStatus.PAID)
            .filter(
                Q(category_id__in=categories) | Q(category__parent_id__in=categories),
                invoice__invoice_date__gte=date_from,
                invoice__invoice_date__lte=date_to,
                invoice__contract__isnull=True,
            )
            .filter(Q(invoice__order__isnull=True) | Q(invoice__order__contract__isnull=True))
            .values(
                "partner_id",
                "category_id",
                "category__parent_id",
                "invoice__supplier_id",
                "invoice__invoice_date",
            )
            .annotate(net=_signed_net(), lines=Count("pk"))
            .order_by()
        )
        totals: dict[tuple[int, int, int], list[Any]] = {}
        for g in groups:
            day = g["invoice__invoice_date"]
            for category in (g["category_id"], g["category__parent_id"]):
                periods = cover.get((g["partner_id"], category), [])
                if any(start <= day <= end for start, end in periods):
                    key = (g["partner_id"], g["category_id"], g["invoice__supplier_id"])
                    entry = totals.setdefault(key, [ZERO, 0])
                    entry[0] += g["net"] or ZERO
                    entry[1] += g["lines"]
                    break
    rows = [
        OffContractRow(
            partner_id=p,
            category_id=c,
            supplier_id=s,
            net=net.quantize(Decimal("0.01")),
            pence=int(net.quantize(Decimal("0.01")) * 100),
            lines=lines,
        )
        for (p, c, s), (net, lines) in totals.items()
    ]
    return sorted(rows, key=lambda r: (-r.net, r.partner_id, r.category_id, r.supplier_id))
