"""The partnership the attack tests aim at: every kind of object a route can name, made for the
council (whose staff call the routes) and for the constabulary (whose objects they must never
reach), and a council user in every role.

``PATH_PARAMETERS`` says, for each path parameter name a web route or API operation uses, how
to find an object of a given partner for it. A route naming a parameter missing here fails the
isolation matrix until it is registered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from joinedup.audit.models import AuditEvent
from joinedup.businesscase import services as businesscase
from joinedup.businesscase.models import Baseline, BusinessCase, Option, OptionLine
from joinedup.change import consultation_services as consultation
from joinedup.change import services as change
from joinedup.change import transfer_services
from joinedup.change.models import (
    AtRisk,
    ChangeProgramme,
    Consultation,
    ConsultationDocument,
    ConsultationEntry,
    ProposedStructure,
    Redeployment,
    TransferPlan,
    TransferPlanMember,
    VrDelegation,
    VrInterest,
    VrWindow,
)
from joinedup.ledger.models import Account, CostCentre, Journal, Period
from joinedup.ledger.services import LineInput, journal_post
from joinedup.partnership.models import ApiToken, Membership, Partner, Role, TokenScope
from joinedup.partnership.services import api_token_create
from joinedup.payroll.models import PayRun, Payslip, VarianceFlag
from joinedup.payroll.services import payrun_calculate, payrun_create
from joinedup.people.models import (
    Absence,
    BankDetailsChange,
    CostSplitShare,
    Employment,
    Post,
    Secondment,
    TupeTransfer,
)
from joinedup.people.services import (
    absence_request,
    bank_change_request,
    cost_split_set,
    secondment_create,
    tupe_transfer,
)
from joinedup.privacy import access_review as privacy_access_review
from joinedup.privacy import breach as privacy_breach
from joinedup.privacy import processors as privacy_processors
from joinedup.privacy import records as privacy_records
from joinedup.privacy import retention as privacy_retention
from joinedup.privacy import sar as privacy_sar
from joinedup.privacy.models import (
    AccessReview,
    AccessReviewLine,
    AffectedPartner,
    ProcessingRecord,
    ProcessorEngagement,
    ProcessorUser,
    RetentionHold,
    SubjectAccessRequest,
)
from joinedup.purchasing import contracts as purchasing_contracts
from joinedup.purchasing import order_services as purchasing_orders
from joinedup.purchasing import services as purchasing
from joinedup.purchasing.models import BankDetailChange as SupplierBankChange
from joinedup.purchasing.models import Category, Contract, PurchaseOrder, Requisition, Supplier
from joinedup.purchasing.tests.invoicing import SamplePayables, sample_payables
from joinedup.recharges.models import RechargeRun
from joinedup.recharges.services import recharge_run
from joinedup.recharges.tests.base import RechargeTestCase
from joinedup.servicedesk import assets as servicedesk_assets
from joinedup.servicedesk import knowledge
from joinedup.servicedesk import levels as service_levels
from joinedup.servicedesk import services as servicedesk
from joinedup.servicedesk.models import (
    Article,
    Asset,
    Notification,
    SoftwareLicence,
    Ticket,
    TicketAttachment,
)
from joinedup.servicedesk.models.levels import ServiceLevelAgreement
from joinedup.servicedesk.notifications import notify
from joinedup.servicedesk.satisfaction import survey_token
from joinedup.testing.base import FIXTURES
from joinedup.wellbeing import attachments as wellbeing_attachments
from joinedup.wellbeing import cases as wellbeing_cases
from joinedup.wellbeing import notes as wellbeing_notes
from joinedup.wellbeing import programmes as wellbeing_programmes
from joinedup.wellbeing import questionnaires as wellbeing_questionnaires
from joinedup.wellbeing import retention_runs as wellbeing_retention
from joinedup.wellbeing import surveillance
from joinedup.wellbeing.models import Case as OhCase
from joinedup.wellbeing.models import (
    CaseAttachment,
    CaseLegalHold,
    CaseQuestionnaire,
    Referral,
    SurveillanceEnrolment,
    SurveillanceProgramme,
    WellbeingProgramme,
)

# The statement month: the recharge fixtures hold October 2026's pools and readings.
MONTH = "2026-10"
TAX_YEAR = 2026


@dataclass
class PartnerObjects:
    """One object of each kind belonging to one partner."""

    partner: Partner
    employment: Employment
    post_id: int
    secondment: Secondment
    cost_share: CostSplitShare
    bank_change: BankDetailsChange
    member: Any
    membership: Membership
    token: ApiToken
    absence: Absence
    transfer: TupeTransfer
    run: PayRun
    payslip: Payslip
    flag: VarianceFlag
    journal: Journal
    account: Account
    cost_centre: CostCentre
    period: Period
    event: AuditEvent
    recharge_run: RechargeRun
    programme: ChangeProgramme
    structure: ProposedStructure
    at_risk: AtRisk
    redeployment: Redeployment
    vr_window: VrWindow
    vr_interest: VrInterest
    consultation: Consultation
    entry: ConsultationEntry
    document: ConsultationDocument
    transfer_plan: TransferPlan
    transfer_member: TransferPlanMember
    vr_delegation: VrDelegation
    businesscase: BusinessCase
    payables: SamplePayables
    supplier: Supplier
    supplier_bank_change: SupplierBankChange
    requisition: Requisition
    order: PurchaseOrder
    contract: Contract
    case_option: Option
    case_line: OptionLine
    case_baseline: Baseline
    article: Article
    notification: Notification
    ticket: Ticket
    ticket_attachment: TicketAttachment
    # A signed link to the ticket's satisfaction question (naming one of its events).
    survey_token: str
    service_level: ServiceLevelAgreement
    asset: Asset
    licence: SoftwareLicence
    # Occupational health: a sent referral by an HR officer, its open case, a note; a
    # surveillance programme with an enrolment, and a wellbeing programme.
    oh_referral: Referral
    oh_case: OhCase
    # A legal hold on that case (wellbeing/retention_runs.py).
    oh_legal_hold: CaseLegalHold
    oh_attachment: CaseAttachment
    oh_questionnaire: CaseQuestionnaire
    surveillance_programme: SurveillanceProgramme
    surveillance_enrolment: SurveillanceEnrolment
    wellbeing_programme: WellbeingProgramme
    # Data protection: the partner's record of processing of its users, and a processor engaged
    # (and approved) for it.
    privacy_record: ProcessingRecord
    processor_engagement: ProcessorEngagement
    # A user of the partner (a viewer) who works for that processor, and a legal hold on the
    # partner's tickets (privacy/retention.py).
    processor_user: ProcessorUser
    retention_hold: RetentionHold
    # A subject-access request from the sample employee, just logged.
    subject_access_request: SubjectAccessRequest
    # An open access review of the partner's roles, its nominee the partner's HR member, and the
    # line of that member's role.
    access_review: AccessReview
    access_review_line: AccessReviewLine
    # A breach recorded by the partner (its row in the breach log), undecided.
    breach: AffectedPartner


# A path parameter's name -> the value naming an object of the partner whose objects are given.
# ``None`` as the kind marks a parameter that names no partner-owned object (a month, a format).
@dataclass(frozen=True)
class ParameterKind:
    kind: str | None
    value: Callable[[PartnerObjects], Any]


PATH_PARAMETERS: dict[str, ParameterKind] = {
    "partner_id": ParameterKind("partner", lambda o: o.partner.pk),
    "code": ParameterKind("partner", lambda o: o.partner.code),
    "person_id": ParameterKind("person", lambda o: o.employment.person_id),
    "employment_id": ParameterKind("employment", lambda o: o.employment.pk),
    "post_id": ParameterKind("post", lambda o: o.post_id),
    "secondment_id": ParameterKind("secondment", lambda o: o.secondment.pk),
    # A charge to decide: a share of this partner's employee charged to a third partner, so that
    # neither the asker's employer side nor its charged side is involved.
    "share_id": ParameterKind("cost-split share", lambda o: o.cost_share.pk),
    # Web: /charges/<charge_kind>/<request_id>/decision, asked about a secondment.
    "charge_kind": ParameterKind(None, lambda o: "secondment"),
    # Administration and bank changes: a user who works only for this partner, their role, their
    # API token, and a bank change they asked for about one of its staff.
    "change_id": ParameterKind("bank change", lambda o: o.bank_change.pk),
    "user_id": ParameterKind("user", lambda o: o.member.pk),
    "membership_id": ParameterKind("membership", lambda o: o.membership.pk),
    "token_id": ParameterKind("API token", lambda o: o.token.pk),
    "request_id": ParameterKind("secondment", lambda o: o.secondment.pk),
    "transfer_id": ParameterKind("TUPE transfer", lambda o: o.transfer.pk),
    "absence_id": ParameterKind("absence", lambda o: o.absence.pk),
    "run_id": ParameterKind("pay run", lambda o: o.run.pk),
    "payslip_id": ParameterKind("payslip", lambda o: o.payslip.pk),
    "flag_id": ParameterKind("variance flag", lambda o: o.flag.pk),
    "journal_id": ParameterKind("journal", lambda o: o.journal.pk),
    "account_id": ParameterKind("account", lambda o: o.account.pk),
    "cost_centre_id": ParameterKind("cost centre", lambda o: o.cost_centre.pk),
    "period_id": ParameterKind("period", lambda o: o.period.pk),
    "event_id": ParameterKind("audit event", lambda o: o.event.pk),
    # The shared-services body's run: no partner's staff but its own may read it.
    "recharge_run_id": ParameterKind("recharge run", lambda o: o.recharge_run.pk),
    # Workforce change: a programme led by the partner and involving no other, a structure of it
    # that deletes the sample post, and the sample employment it puts at risk.
    "programme_id": ParameterKind("change programme", lambda o: o.programme.pk),
    "structure_id": ParameterKind("proposed structure", lambda o: o.structure.pk),
    "at_risk_id": ParameterKind("person at risk", lambda o: o.at_risk.pk),
    # An offer to that person of a post at their own employer (host and employer alike).
    "redeployment_id": ParameterKind("redeployment", lambda o: o.redeployment.pk),
    # A voluntary redundancy window of the programme, and the sample employee's interest in it.
    "window_id": ParameterKind("voluntary redundancy window", lambda o: o.vr_window.pk),
    "interest_id": ParameterKind("voluntary redundancy interest", lambda o: o.vr_interest.pk),
    # Collective consultation on that programme by the partner, a meeting in its log with a
    # document attached.
    "consultation_id": ParameterKind("consultation", lambda o: o.consultation.pk),
    "entry_id": ParameterKind("consultation log entry", lambda o: o.entry.pk),
    "document_id": ParameterKind("consultation document", lambda o: o.document.pk),
    # A TUPE transfer plan of that programme to the shared-services body (involved in it for the
    # purpose), with the sample employment on its staff list.
    "plan_id": ParameterKind("transfer plan", lambda o: o.transfer_plan.pk),
    "member_id": ParameterKind("person on a transfer plan", lambda o: o.transfer_member.pk),
    # A line of the partner's scheme of delegation for voluntary redundancy (its HR officer's).
    "delegation_id": ParameterKind("voluntary redundancy delegation", lambda o: o.vr_delegation.pk),
    # A business case of the shared-services body in which this partner alone is involved.
    "case_id": ParameterKind("business case", lambda o: o.businesscase.pk),
    # Purchasing's payables: an approved invoice of a supplier of the partner's, and the draft
    # payment run (and its one payment) that pays it.
    "purchase_invoice_id": ParameterKind("purchase invoice", lambda o: o.payables.invoice.pk),
    "payment_run_id": ParameterKind("payment run", lambda o: o.payables.run.pk),
    "supplier_payment_id": ParameterKind("supplier payment", lambda o: o.payables.payment.pk),
    # Purchasing: a supplier registered by the partner's buyer (the register is the partnership's,
    # so it names no partner's object: its routes carry the partner too), a change of its bank
    # details waiting, a requisition waiting for approval and an order issued from another.
    "supplier_id": ParameterKind(None, lambda o: o.supplier.pk),
    "bank_change_id": ParameterKind(None, lambda o: o.supplier_bank_change.pk),
    "requisition_id": ParameterKind("requisition", lambda o: o.requisition.pk),
    "order_id": ParameterKind("purchase order", lambda o: o.order.pk),
    # A contract the partner let, which no other partner calls off.
    "contract_id": ParameterKind("contract", lambda o: o.contract.pk),
    # An option of that case with one line, and the partner's own baseline row in it.
    "option_id": ParameterKind("business case option", lambda o: o.case_option.pk),
    "line_id": ParameterKind("business case line", lambda o: o.case_line.pk),
    "baseline_id": ParameterKind("business case baseline", lambda o: o.case_baseline.pk),
    # A service-desk ticket raised by one of the partner's employees, with an internal note.
    "ticket_id": ParameterKind("service-desk ticket", lambda o: o.ticket.pk),
    "attachment_id": ParameterKind("service-desk ticket attachment", lambda o: o.ticket_attachment.pk),
    # The signed link to a ticket's satisfaction question (servicedesk/satisfaction.py).
    "token": ParameterKind("service-desk satisfaction question", lambda o: o.survey_token),
    # The service desk: a version of the partner's service-level agreement.
    "agreement_id": ParameterKind("service-level agreement", lambda o: o.service_level.pk),
    # The service desk's asset register: a laptop of the partner deployed with the sample
    # employee, and a licence the partner holds itself (shared with no one).
    "asset_id": ParameterKind("asset", lambda o: o.asset.pk),
    "licence_id": ParameterKind("software licence", lambda o: o.licence.pk),
    "month": ParameterKind(None, lambda o: MONTH),
    "tax_year": ParameterKind(None, lambda o: TAX_YEAR),
    # Web: /payroll/runs/<run_id>/<action> and the import templates /people/import/templates/<kind>.<fmt>.
    "action": ParameterKind(None, lambda o: "approve"),
    "kind": ParameterKind(None, lambda o: "people"),
    "fmt": ParameterKind(None, lambda o: "csv"),
    # The service desk: a published help article for this partner's staff only, and a
    # notification to one of its users.
    "article_id": ParameterKind("help article", lambda o: o.article.pk),
    "notification_id": ParameterKind("notification", lambda o: o.notification.pk),
    # Web: a table of a business case's board pack, /businesscase/<case_id>/realisation/<table>.<fmt>.
    "table": ParameterKind(None, lambda o: "functions"),
    # Occupational health (the wellbeing API): an HR officer's referral of the sample employee,
    # sent, and the case opened from it, with one clinical note.
    "referral_id": ParameterKind("occupational-health referral", lambda o: o.oh_referral.pk),
    "oh_case_id": ParameterKind("occupational-health case", lambda o: o.oh_case.pk),
    "oh_legal_hold_id": ParameterKind(
        "legal hold on an occupational-health case", lambda o: o.oh_legal_hold.pk
    ),
    # A PDF a clinician attached to that case (web and API downloads name the case and it).
    "oh_attachment_id": ParameterKind("occupational-health case attachment", lambda o: o.oh_attachment.pk),
    # A PHQ-9 sent to the employee on that case, unanswered (the employee's answer route names it).
    "oh_questionnaire_id": ParameterKind(
        "occupational-health questionnaire", lambda o: o.oh_questionnaire.pk
    ),
    "sar_id": ParameterKind("subject-access request", lambda o: o.subject_access_request.pk),
    # A breach the partner recorded (the breach log names the breach; the partner's row is found
    # through it).
    "breach_id": ParameterKind("personal data breach", lambda o: o.breach.breach_id),
    # Occupational health (ohsurvweb): a health-surveillance programme of the partner's, the
    # sample employee's enrolment in it (checked once), and a wellbeing programme with counts.
    "surveillance_programme_id": ParameterKind(
        "health-surveillance programme", lambda o: o.surveillance_programme.pk
    ),
    "enrolment_id": ParameterKind("health-surveillance enrolment", lambda o: o.surveillance_enrolment.pk),
    "wellbeing_programme_id": ParameterKind("wellbeing programme", lambda o: o.wellbeing_programme.pk),
    # Data protection: a record of processing of the partner's, and its engagement of a processor.
    "record_id": ParameterKind("record of processing", lambda o: o.privacy_record.pk),
    "engagement_id": ParameterKind("processor engagement", lambda o: o.processor_engagement.pk),
    "processor_user_id": ParameterKind("processor's user", lambda o: o.processor_user.pk),
    "retention_hold_id": ParameterKind("legal hold on a record type", lambda o: o.retention_hold.pk),
    # A retention schedule is named by its record type (rules/retention.toml), with the partner.
    "record_type": ParameterKind(None, lambda o: "tickets"),
    "review_id": ParameterKind("access review", lambda o: o.access_review.pk),
    "review_line_id": ParameterKind("access review line", lambda o: o.access_review_line.pk),
}

# Every role of partnership.permissions.ROLE_PERMISSIONS, held by one council user each.
ROLES = list(Role)


class AttackTestCase(RechargeTestCase):
    """The recharge fixtures (people, ledgers, October's pools) plus, for the council and the
    constabulary each, one object of every kind, and ``role_users``: a council user per role."""

    council_objects: PartnerObjects
    police_objects: PartnerObjects
    recharge_run: RechargeRun
    role_users: dict[str, Any]
    tokens: dict[str, str]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.recharge_run = recharge_run(actor=cls.shared_finance, month=MONTH)
        cls.council_objects = cls.objects_of(cls.council, cls.council_emp, cls.council_post.pk)
        cls.police_objects = cls.objects_of(cls.police, cls.police_emp, cls.police_post.pk)
        cls.role_users = {role: cls.make_user(f"council-{role}", [(cls.council, role)]) for role in ROLES}
        cls.tokens = {
            role: api_token_create(actor=FIXTURES, user=u, scope=TokenScope.WRITE)[1]
            for role, u in cls.role_users.items()
        }

    @classmethod
    def objects_of(cls, partner: Partner, employment: Employment, post_id: int) -> PartnerObjects:
        other = cls.fire
        second = cls.hire(partner, "Tupe", "Candidate", f"TC{partner.pk:06d}B", f"{partner.code}-T1")
        transfer = tupe_transfer(
            actor=cls.shared_hr,
            from_partner=partner,
            to_partner=cls.shared,
            transfer_date=date(2026, 9, 1),
            reference=f"TUPE-{partner.code}",
            employments=[second],
        ).transfer
        run = payrun_calculate(
            actor=FIXTURES,
            run=payrun_create(
                actor=FIXTURES, partner=partner, frequency="monthly", pay_date=date(2026, 11, 25)
            ),
        )
        journal = journal_post(
            actor=FIXTURES,
            partner=partner,
            date=date(2026, 5, 15),
            lines=[
                LineInput(account="4200", debit=1250, cost_centre="UNALLOCATED"),
                LineInput(account="B100", credit=1250),
            ],
            description="Stationery",
        )
        split = cost_split_set(
            actor=cls.shared_hr,
            employment=employment,
            effective_from=date(2026, 8, 1),
            effective_to=date(2026, 8, 31),
            shares=[(partner, Decimal(50)), (other, Decimal(50))],
            reason="Attack fixture: half charged to another partner",
        )
        member = cls.make_user(f"{partner.code.lower()}.attack.hr", [(partner, Role.HR_OFFICER)])
        programme = change.programme_create(
            actor=cls.shared_hr,
            partner=partner,
            name=f"Restructure of {partner.code}",
            owner=cls.shared_hr,
            start_date=date(2026, 1, 5),
        )
        post = Post.objects.for_partner(partner).get(pk=post_id)
        change.scope_add(actor=cls.shared_hr, programme=programme, posts=[post])
        structure = change.structure_create(
            actor=cls.shared_hr, programme=programme, name="Smaller team", effective_date=date(2026, 5, 1)
        )
        change.structure_delete_post(actor=cls.shared_hr, structure=structure, post=post)
        at_risk = change.at_risk_identify(actor=cls.shared_hr, structure=structure)[0]
        vr_window = change.vr_window_open(
            actor=cls.shared_hr,
            programme=programme,
            partner=partner,
            opens=date(2026, 6, 1),
            closes=date(2026, 6, 30),
            eligibility="partner",
        )
        # Made directly: only the employee may express interest, and the sample employee has no
        # sign-in of their own.
        vr_interest = VrInterest.objects.create(
            partner=partner, window=vr_window, employment=employment, leaving_date=date(2026, 9, 30)
        )
        consultation.union_recognise(actor=cls.shared_hr, partner=partner, union="UNISON")
        consulting = consultation.consultation_open(
            actor=cls.shared_hr,
            programme=programme,
            partner=partner,
            start_date=date(2026, 3, 2),
            reasons="A smaller team",
        )
        meeting = consultation.entry_add(
            actor=cls.shared_hr,
            consultation=consulting,
            side="management",
            kind="meeting",
            occurred_on=date(2026, 3, 3),
            title="First meeting",
            attendees="HR; UNISON",
            body="Minutes",
        )
        document = consultation.document_attach(
            actor=cls.shared_hr,
            entry=meeting,
            filename="minutes.txt",
            content=b"Minutes of the first meeting",
        )
        change.programme_involve(actor=cls.shared_hr, programme=programme, partner=cls.shared)
        transfer_plan = transfer_services.plan_create(
            actor=cls.shared_hr,
            programme=programme,
            name="HR team to the shared service",
            kind="tupe",
            receiving_partner=cls.shared,
            transfer_date=date(2026, 9, 1),
        )
        transfer_member = transfer_services.plan_add_member(
            actor=cls.shared_hr, plan=transfer_plan, employment=employment
        )
        case = businesscase.case_create(
            actor=FIXTURES, owner=cls.shared, name=f"Back office of {partner.code}", partners=[partner]
        )
        case_option = businesscase.option_add(actor=FIXTURES, case=case, kind="shared_service", name="Shared")
        case_line = businesscase.line_add(
            actor=FIXTURES,
            option=case_option,
            line=businesscase.LineInput(name="Set-up", kind="cost", amounts=(Decimal("1000.00"),)),
        )
        case_baseline = businesscase.baseline_set(
            actor=FIXTURES,
            case=case,
            partner=partner,
            figures=businesscase.BaselineFigures(
                function="payroll",
                staff_cost=Decimal("1000.00"),
                fte=Decimal("1.00"),
                non_staff_cost=Decimal(0),
            ),
        )
        bank_change = bank_change_request(
            actor=member,
            person=employment.person,
            partner=partner,
            sort_code="309634",
            account_number="87654321",
            account_name="ATTACK FIXTURE",
        )
        buying = cls.purchasing_of(partner)
        requester = cls.make_user(f"{partner.code.lower()}.attack.requester", [(partner, Role.EMPLOYEE)])
        ticket = servicedesk.raise_ticket(
            actor=requester,
            details=servicedesk.TicketIn(
                service="ict", ticket_type="incident", subject="Attack fixture", description="A ticket"
            ),
        )
        servicedesk.add_note(actor=FIXTURES, ticket=ticket, body="Internal")
        ticket_attachment = servicedesk.add_attachment(
            actor=requester, ticket=ticket, filename="screen.txt", content=b"Error 42"
        )
        return PartnerObjects(
            **buying,
            service_level=service_levels.agreement_add(
                actor=FIXTURES,
                partner=partner,
                effective_from=date(2026, 4, 1),
                nation="england-and-wales",
                business_hours="08:30-17:00",
                targets=[service_levels.TargetEntry(p, 60, 480) for p in service_levels.PRIORITIES],
                note="Attack fixture",
            ),
            **cls.assets_of(partner, employment),
            **cls.wellbeing_of(partner, employment),
            **cls.privacy_of(partner),
            **cls.access_review_of(partner, member),
            subject_access_request=privacy_sar.sar_log(
                actor=FIXTURES, partner=partner, person_id=employment.person_id, received_on=date(2026, 11, 2)
            ),
            breach=cls.breach_of(partner),
            partner=partner,
            ticket=ticket,
            ticket_attachment=ticket_attachment,
            survey_token=survey_token(ticket_id=ticket.pk, resolution_id=ticket_attachment.event_id),
            bank_change=bank_change,
            member=member,
            membership=Membership.objects.get(user=member, partner=partner),
            token=api_token_create(actor=FIXTURES, user=member)[0],
            cost_share=split.shares.for_partners([other]).get(charged_partner=other),
            employment=employment,
            post_id=post_id,
            secondment=secondment_create(
                actor=cls.shared_hr,
                employment=employment,
                host_partner=other,
                role_title="Analyst",
                start_date=date(2026, 5, 1),
                end_date=date(2026, 6, 30),
            ),
            absence=absence_request(
                actor=cls.shared_hr,
                employment=employment,
                kind="annual_leave",
                start_date=date(2026, 7, 6),
                end_date=date(2026, 7, 7),
            ),
            transfer=transfer,
            run=run,
            payslip=Payslip.objects.for_partner(partner).filter(run=run).order_by("pk")[0],
            flag=VarianceFlag.objects.create(
                partner=partner, run=run, employment=employment, kind="net_change", detail="test"
            ),
            journal=journal,
            account=Account.objects.for_partner(partner).get(code="4200"),
            cost_centre=CostCentre.objects.for_partner(partner).get(code="UNALLOCATED"),
            period=Period.objects.for_partner(partner).order_by("start_date")[0],
            event=AuditEvent.objects.for_partner(partner).order_by("seq")[0],
            recharge_run=cls.recharge_run,
            programme=programme,
            structure=structure,
            at_risk=at_risk,
            # Made directly: the sample structure deletes the only post in scope, so no vacancy
            # suits; the isolation checks need the row, not a match.
            redeployment=Redeployment.objects.create(
                partner=partner, at_risk=at_risk, vacancy=post, host_partner=partner
            ),
            vr_window=vr_window,
            vr_interest=vr_interest,
            consultation=consulting,
            entry=meeting,
            document=document,
            transfer_plan=transfer_plan,
            transfer_member=transfer_member,
            vr_delegation=change.vr_delegation_set(
                actor=FIXTURES,
                partner=partner,
                user=member,
                title="Head of HR",
                up_to=Decimal(50000),
                source="Attack fixture: scheme of delegation, para 1",
            ),
            payables=sample_payables(
                partner,
                enterer=cls.shared_hr,
                verifier=cls.ops_admin,
                payer=cls.council_finance if partner == cls.council else cls.police_finance,
            ),
            businesscase=case,
            case_option=case_option,
            case_line=case_line,
            case_baseline=case_baseline,
            article=knowledge.article_create(
                actor=FIXTURES,
                service="hr",
                title=f"Leave rules at {partner.code}",
                body="Ask your manager.",
                published=True,
                partners=[partner],
            ),
            notification=notify(
                user=member,
                partner=partner,
                subject="Attack fixture",
                text="Only theirs.",
                link="",
                email=False,
            ),
        )

    @classmethod
    def assets_of(cls, partner: Partner, employment: Employment) -> dict[str, Any]:
        asset = servicedesk_assets.asset_register(
            actor=FIXTURES,
            partner=partner,
            details=servicedesk_assets.AssetDetails(
                tag=f"{partner.code}-LT-1",
                kind="laptop",
                make="Dell",
                model="Latitude",
                cost=Decimal("800.00"),
            ),
        )
        asset = servicedesk_assets.asset_change_status(actor=FIXTURES, asset=asset, to="in_stock")
        licence = servicedesk_assets.licence_add(
            actor=FIXTURES,
            partner=partner,
            details=servicedesk_assets.LicenceDetails(
                product=f"Mapping for {partner.code}",
                vendor="Esri",
                seats=5,
                annual_cost=Decimal("5000.00"),
                starts_on=date(2026, 4, 1),
                ends_on=date(2099, 3, 31),
            ),
        )
        servicedesk_assets.seat_assign(actor=FIXTURES, licence=licence, employment=employment)
        return {
            "asset": servicedesk_assets.asset_assign(actor=FIXTURES, asset=asset, employment=employment),
            "licence": licence,
        }

    @classmethod
    def access_review_of(cls, partner: Partner, nominee: Any) -> dict[str, Any]:
        """An open access review of the partner's roles, due in a month, decided by ``nominee``."""
        due_on = timezone.localdate() + timedelta(days=30)
        review = privacy_access_review.review_open(
            actor=FIXTURES, partner=partner, nominee_id=nominee.pk, due_on=due_on
        )
        line = AccessReviewLine.objects.for_partner(partner).get(review=review, user=nominee)
        return {"access_review": review, "access_review_line": line}

    @classmethod
    def breach_of(cls, partner: Partner) -> AffectedPartner:
        """A breach the partner recorded, its people counted, nothing decided yet."""
        return privacy_breach.breach_record(
            actor=FIXTURES,
            partner=partner,
            facts=privacy_breach.BreachFacts(
                summary=f"Payslips of {partner.code} e-mailed to the wrong list",
                occurred_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
                aware_at=datetime(2026, 11, 2, 11, 0, tzinfo=UTC),
                data_categories="Names, pay",
                cause="Autocomplete",
            ),
            impact=privacy_breach.Impact(people_affected=12, people_categories="Employees"),
        )

    @classmethod
    def privacy_of(cls, partner: Partner) -> dict[str, Any]:
        """The partner's records of processing, a UK processor engaged and approved for its
        users' record with one of the partner's viewers working for it, and a legal hold on the
        partner's tickets."""
        privacy_records.records_generate(actor=FIXTURES, partner=partner)
        processor = privacy_processors.processor_register(
            actor=FIXTURES,
            partner=partner,
            details=privacy_processors.ProcessorDetails(
                name=f"Payroll bureau for {partner.code}", kind="contractor", country="GB"
            ),
        )
        engagement = privacy_processors.engagement_propose(
            actor=FIXTURES,
            partner=partner,
            processor=processor,
            details=privacy_processors.EngagementDetails(
                record_keys=("partnership.users",), review_due=date(2027, 3, 31)
            ),
        )
        contractor = cls.make_user(f"{partner.code.lower()}.attack.contractor", [(partner, Role.VIEWER)])
        return {
            "privacy_record": ProcessingRecord.objects.for_partner(partner).get(key="partnership.users"),
            "processor_engagement": privacy_processors.engagement_approve(
                actor=FIXTURES, engagement=engagement, record_keys=("partnership.users",)
            ),
            "processor_user": privacy_processors.processor_user_link(
                actor=FIXTURES, partner=partner, processor=processor, user=contractor
            ),
            "retention_hold": privacy_retention.place_retention_hold(
                actor=FIXTURES,
                partner=partner,
                record_type="tickets",
                reference=f"ATTACK/{partner.code}",
                reason="Attack fixture hold",
            ),
        }

    @classmethod
    def wellbeing_of(cls, partner: Partner, employment: Employment) -> dict[str, Any]:
        """Occupational health's objects of the partner: an HR officer's referral of the sample
        employee, sent, and the case opened from it with one clinical note; a hearing programme with
        the employee enrolled and checked once; a wellbeing programme with a month's counts."""
        referrer = cls.make_user(f"{partner.code.lower()}.attack.ohreferrer", [(partner, Role.HR_OFFICER)])
        referral = wellbeing_cases.referral_send(
            actor=referrer,
            referral=wellbeing_cases.referral_create(
                actor=referrer,
                employment=employment,
                reason="Attack fixture referral",
                consent_date=date(2026, 2, 2),
            ),
        )
        case = wellbeing_cases.case_open(actor=FIXTURES, referral=referral)
        hold = wellbeing_retention.place_legal_hold(
            actor=FIXTURES, case=case, reason="Attack fixture hold", reference=f"ATTACK/{partner.code}"
        )
        wellbeing_notes.note_add(actor=cls.oh_clinician, case=case, text="Attack fixture note")
        wellbeing_cases.adjustment_record_create(
            actor=FIXTURES, case=case, what="Attack fixture adjustment", starts_on=date(2026, 2, 2)
        )
        attachment = wellbeing_attachments.attachment_add(
            actor=cls.oh_clinician, case=case, filename="fixture.pdf", content=b"%PDF-1.4 attack fixture"
        )
        programme = surveillance.programme_create(
            actor=FIXTURES,
            partner=partner,
            details=surveillance.ProgrammeDetails(
                code="NOISE", name=f"Hearing checks at {partner.code}", kind="audiometry", basis="noise"
            ),
        )
        enrolment = surveillance.enrol(
            actor=FIXTURES,
            programme=programme,
            employment=employment,
            enrolled_on=date(2026, 1, 5),
            first_due_on=date(2026, 2, 2),
        )
        surveillance.check_record(
            actor=FIXTURES, enrolment=enrolment, done_on=date(2026, 2, 2), outcome="fit"
        )
        eap = wellbeing_programmes.programme_create(
            actor=FIXTURES, partner=partner, name=f"Employee assistance at {partner.code}", service="eap"
        )
        wellbeing_programmes.usage_record(
            actor=FIXTURES, programme=eap, month=date(2026, 10, 1), measure="referrals", counts={"stress": 12}
        )
        return {
            "oh_referral": referral,
            "oh_case": case,
            "oh_legal_hold": hold,
            "oh_attachment": attachment,
            "oh_questionnaire": wellbeing_questionnaires.questionnaire_send(
                actor=cls.oh_clinician, case=case, key="phq9"
            ),
            "surveillance_programme": programme,
            "surveillance_enrolment": enrolment,
            "wellbeing_programme": eap,
        }

    @classmethod
    def purchasing_of(cls, partner: Partner) -> dict[str, Any]:
        code = partner.code.lower()
        buyer = cls.make_user(f"{code}.attack.buyer", [(partner, Role.PURCHASING_OFFICER)])
        finance = cls.make_user(f"{code}.attack.finance", [(partner, Role.FINANCE_OFFICER)])
        asker = cls.make_user(f"{code}.attack.manager", [(partner, Role.MANAGER)])
        supplier = purchasing.supplier_create(
            actor=buyer, partner=partner, name=f"Supplies for {partner.code} Ltd"
        )
        purchasing.supplier_contact_add(
            actor=buyer, partner=partner, supplier=supplier, name="Accounts", phone="01962 000222"
        )
        purchasing.delegation_set(
            actor=finance,
            partner=partner,
            role=Role.FINANCE_OFFICER,
            title="Finance",
            up_to=None,
            source="Attack",
        )
        line = purchasing_orders.LineIn(
            description="Paper",
            quantity=Decimal(2),
            unit_price=Decimal("10.00"),
            vat_rate=Decimal("20.00"),
            cost_centre=CostCentre.objects.for_partner(partner).get(code="UNALLOCATED"),
            account=Account.objects.for_partner(partner).get(code="4200"),
        )

        def submitted() -> Requisition:
            made = purchasing_orders.requisition_create(
                actor=asker, partner=partner, title="Paper", supplier=supplier, lines=[line]
            )
            return purchasing_orders.requisition_submit(actor=asker, requisition=made)

        ordered = purchasing_orders.requisition_approve(actor=finance, requisition=submitted())
        return {
            "supplier": supplier,
            "supplier_bank_change": purchasing.bank_change_enter(
                actor=buyer,
                partner=partner,
                supplier=supplier,
                sort_code="309634",
                account_number="11223344",
                account_name="ATTACK FIXTURE",
                notified_by="Attack fixture",
            ),
            "requisition": submitted(),
            "order": purchasing_orders.order_issue(actor=buyer, requisition=ordered),
            "contract": purchasing_contracts.contract_create(
                actor=buyer,
                partner=partner,
                reference=f"{partner.code}-C-1",
                title="Paper",
                supplier=supplier,
                category=Category.objects.get_or_create(code="ATTACK", defaults={"name": "Attack"})[0],
                value=Decimal("1000.00"),
                start_date=date(2026, 4, 1),
                end_date=date(2027, 3, 31),
                owner=buyer,
                extensions=[purchasing_contracts.ExtensionIn(months=12)],
            ),
        }
