"""The personal data the service desk holds (issue 17: read by privacy's records of processing)."""

from joinedup.core.personal_data import Declaration, Retention

DECLARATIONS = (
    Declaration(
        key="servicedesk.tickets",
        record_type="Service-desk tickets: requests, replies, attachments, satisfaction answers",
        models=(
            "servicedesk.Ticket",
            "servicedesk.TicketEvent",
            "servicedesk.TicketAttachment",
            "servicedesk.SatisfactionResponse",
            "servicedesk.Notification",
        ),
        evidence="servicedesk.Ticket",
        data_categories=(
            "requester's name and employment",
            "the person a ticket is about",
            "the request and replies",
        ),
        data_subjects=("employees", "managers"),
        purpose="Providing HR, payroll, finance and ICT services to the partner's staff",
        lawful_basis="6(1)(e)",
        recipients=("none outside the shared service",),
        retention=Retention(
            period="2 years after the ticket closes", source="The partner's policy (no statutory period)"
        ),
        security_measures=(
            "Internal notes hidden from requesters",
            "Access by role; every change in the audit log",
        ),
    ),
    Declaration(
        key="servicedesk.assets",
        record_type="Asset register: equipment and licence seats assigned to people",
        models=("servicedesk.Asset", "servicedesk.AssetEvent", "servicedesk.LicenceSeat"),
        evidence="servicedesk.Asset",
        data_categories=("equipment and software assigned to a person", "assignment history"),
        data_subjects=("employees",),
        purpose="Managing the partner's equipment and software licences",
        lawful_basis="6(1)(e)",
        recipients=("none",),
        retention=Retention(
            period="Until the asset is disposed of, then 6 years",
            source="Limitation Act 1980 s.5; the partner's policy",
        ),
        security_measures=("Access by role; every change in the audit log",),
    ),
)
