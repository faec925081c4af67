"""The demo's data protection, done by the shared DPO (``shared.dpo``): each partner's records of
processing generated from what it holds, its processors, and subject-access requests at
different stages — including one from Rhys Powell (``fire.retained``) to each of his two
employers, the council's released and the fire service's waiting for review, each export holding
only that partner's records.

Runs last: the records of processing follow the rows each partner holds (privacy/records.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from joinedup.partnership.models import Partner
from joinedup.people.models import Employment
from joinedup.privacy import processors, records, sar
from joinedup.privacy.processors import EngagementDetails, ProcessorDetails

HR_AND_PAY = ("people.hr_record", "people.bank_details", "payroll.pay_records")
PAY = ("payroll.pay_records",)


def _engage(dpo: Any, partner: Partner, processor: Any, keys: tuple[str, ...], **transfer: Any) -> Any:
    return processors.engagement_propose(
        actor=dpo,
        partner=partner,
        processor=processor,
        details=EngagementDetails(record_keys=keys, review_due=date(2027, 9, 30), **transfer),
    )


def seed_demo_privacy(
    *,
    partners: dict[str, Partner],
    users: dict[str, Any],
    dual: list[Employment],
    say: Callable[[str], None],
    today: date,
) -> None:
    dpo = users["shared.dpo"]
    council, police, fire = partners["WCC"], partners["WPOL"], partners["WFRS"]
    for code in sorted(partners):
        result = records.records_generate(actor=dpo, partner=partners[code])
        say(f"Records of processing for {code}: {len(result.added)}")

    # The shared-services body processes the three partners' HR and pay records, in the UK.
    shared = processors.processor_register(
        actor=dpo,
        partner=council,
        details=ProcessorDetails(name="Wessex Shared Services", kind="shared_service", country="GB"),
    )
    for partner in (council, police, fire):
        engagement = _engage(dpo, partner, shared, HR_AND_PAY)
        processors.engagement_approve(actor=dpo, engagement=engagement, record_keys=HR_AND_PAY)
    # The fire service's payslip printing, whose contractor proposes an offshore sub-processor:
    # a restricted transfer on an IDTA, waiting for the fire service's DPO.
    printer = processors.processor_register(
        actor=dpo,
        partner=fire,
        details=ProcessorDetails(name="Solent Print and Post Ltd", kind="contractor", country="GB"),
    )
    processors.engagement_approve(actor=dpo, engagement=_engage(dpo, fire, printer, PAY), record_keys=PAY)
    offshore = processors.processor_register(
        actor=dpo,
        partner=fire,
        details=ProcessorDetails(
            name="Kaveri Data Services Pvt Ltd", kind="sub_processor", country="IN", parent_id=printer.pk
        ),
    )
    _engage(dpo, fire, offshore, PAY, transfer_mechanism="idta", transfer_risk_assessed_on=date(2026, 9, 14))
    say(
        "Processors: Wessex Shared Services (WCC, WPOL, WFRS); Solent Print and Post Ltd and its "
        "offshore sub-processor (WFRS)"
    )

    # One person, two controllers: Rhys Powell asked each of his employers for his data.
    rhys = dual[0].person
    at_council = sar.sar_log(
        actor=dpo, partner=council, person_id=rhys.pk, received_on=today - timedelta(days=12)
    )
    at_council = sar.sar_assemble(actor=dpo, sar=at_council)
    sar.sar_release(actor=dpo, sar=at_council)
    at_fire = sar.sar_log(actor=dpo, partner=fire, person_id=rhys.pk, received_on=today - timedelta(days=12))
    sar.sar_assemble(actor=dpo, sar=at_fire)
    # A constabulary request waiting for the requester's identity (the clock stopped), and a
    # complex one at the council, extended by two months.
    officer = Employment.objects.for_partner(police).order_by("payroll_number").first()
    if officer is not None:
        waiting = sar.sar_log(
            actor=dpo, partner=police, person_id=officer.person_id, received_on=today - timedelta(days=9)
        )
        sar.sar_request_identity(actor=dpo, sar=waiting, requested_on=today - timedelta(days=8))
    complex_one = sar.sar_log(
        actor=dpo, partner=council, person_id=dual[4].person_id, received_on=today - timedelta(days=20)
    )
    sar.sar_extend(
        actor=dpo,
        sar=complex_one,
        extended_on=today - timedelta(days=6),
        reason="Twenty years of records at the council, including paper files to be scanned.",
    )
    say("Subject-access requests: Rhys Powell's at WCC (released) and WFRS (for review); two more open")
