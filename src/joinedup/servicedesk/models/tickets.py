"""Tickets: what a partner's staff ask the shared service desk, and everything that happens to it.

**Teams and categories are the partnership's**, not a partner's: one shared desk (the
shared-services body's) answers every partner's staff, so the ICT team or the payroll queries
team and the categories it sorts by are the same whichever partner a ticket comes from; a
partner-owned copy of each would only drift apart and split the queues. Tickets, their events
and attachments are the partner's own: guarded (``PartnerScopedManager``) and under row-level
security by declaration.

A ticket's partner is its requester's: the partner on which they may raise tickets (an
employee's role) and, when their sign-in is linked to a person, their employment there
(``requester_employment``). Its reference is numbered in the partner's own series
(``WCC-000123``) from ``TicketSequence``, one row per partner advanced by an UPDATE, which
locks the row on PostgreSQL and the database on SQLite, so two tickets raised at once never get
the same number.

``TicketEvent`` is the append-only history (SERVICEDESK-CONTRACT.md): each change to a ticket
writes one event with the ticket's status and priority after it; the service-level clocks and
reports are computed from these events alone. Events are never updated or deleted.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from joinedup.core.tenancy import PartnerScopedManager

__all__: list[str] = [
    "Category",
    "EventKind",
    "Level",
    "Priority",
    "Service",
    "Team",
    "Ticket",
    "TicketAsset",
    "TicketAttachment",
    "TicketEvent",
    "TicketSequence",
    "TicketStatus",
    "TicketType",
]


class Service(models.TextChoices):
    ICT = "ict", "ICT"
    HR = "hr", "HR"
    PAYROLL = "payroll", "Payroll"
    FINANCE = "finance", "Finance"
    PURCHASING = "purchasing", "Purchasing"
    OH_ADMIN = "oh_admin", "Occupational-health administration"


class TicketType(models.TextChoices):
    INCIDENT = "incident", "Incident"
    REQUEST = "request", "Service request"
    QUERY = "query", "Query"
    COMPLAINT = "complaint", "Complaint"


class Priority(models.TextChoices):
    P1 = "p1", "Critical"
    P2 = "p2", "High"
    P3 = "p3", "Medium"
    P4 = "p4", "Low"


class Level(models.TextChoices):
    """Impact and urgency (servicedesk/priority.py says what each means)."""

    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class TicketStatus(models.TextChoices):
    NEW = "new", "New"
    ASSIGNED = "assigned", "Assigned"
    IN_PROGRESS = "in_progress", "In progress"
    WAITING_REQUESTER = "waiting_requester", "Waiting on requester"
    WAITING_THIRD_PARTY = "waiting_third_party", "Waiting on third party"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    REOPENED = "reopened", "Reopened"


class EventKind(models.TextChoices):
    CREATED = "created", "Raised"
    STATUS = "status", "Status changed"
    ASSIGNED = "assigned", "Assigned"
    REPLY = "reply", "Reply"
    NOTE = "note", "Internal note"
    PRIORITY = "priority", "Priority changed"
    ATTACHMENT = "attachment", "Attachment"
    RATED = "rated", "Rated"
    # Service-level notices (``sla_warnings``): internal, about the clocks, never a change of
    # status or priority (the event carries the ticket's current ones, and the clocks skip it).
    WARNING = "warning", "Service-level warning"
    BREACH = "breach", "Service-level breach"


class Team(models.Model):
    """A team of the shared service desk that works one service's tickets (for every partner)."""

    name = models.CharField(max_length=100, unique=True)
    service = models.CharField(max_length=20, choices=Service.choices)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="servicedesk_teams", blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(service__in=Service.values), name="servicedesk_team_service_known"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """A category of a service's tickets ("Laptop or desktop", "Payslip query")."""

    service = models.CharField(max_length=20, choices=Service.choices)
    name = models.CharField(max_length=100)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "categories"
        ordering = ["service", "name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="servicedesk_category_unique"),
            models.CheckConstraint(
                condition=Q(service__in=Service.values), name="servicedesk_category_service_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()}: {self.name}"


class TicketSequence(models.Model):
    """The last ticket number given in a partner's series."""

    partner = models.OneToOneField("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    last = models.PositiveIntegerField(default=0)

    objects = PartnerScopedManager["TicketSequence"]()

    def __str__(self) -> str:
        return f"ticket numbers of {self.partner_id}: {self.last}"


class Ticket(models.Model):
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    reference = models.CharField(max_length=30, help_text="The partner's code and number: WCC-000123.")
    service = models.CharField(max_length=20, choices=Service.choices)
    ticket_type = models.CharField("type", max_length=20, choices=TicketType.choices)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    impact = models.CharField(max_length=10, choices=Level.choices)
    urgency = models.CharField(max_length=10, choices=Level.choices)
    priority = models.CharField(max_length=2, choices=Priority.choices)
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requester_employment = models.ForeignKey(
        "people.Employment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The requester, or the agent who raised it on their behalf.",
    )
    # The person the ticket is about (a new starter's account, someone else's payslip), when
    # not the requester.
    about_person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(max_length=200)
    description = models.TextField()
    status = models.CharField(max_length=20, choices=TicketStatus.choices, default=TicketStatus.NEW)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Complaints follow the complaints procedure's stages: 1 (answered by the service), then 2
    # (reviewed afresh) when the complainant is not satisfied. Empty for other types.
    complaint_stage = models.PositiveSmallIntegerField(null=True, blank=True)

    objects = PartnerScopedManager["Ticket"]()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "number"], name="servicedesk_ticket_number"),
            models.UniqueConstraint(fields=["partner", "reference"], name="servicedesk_ticket_reference"),
            models.CheckConstraint(
                condition=Q(status__in=TicketStatus.values), name="servicedesk_ticket_status"
            ),
            models.CheckConstraint(
                condition=Q(priority__in=Priority.values), name="servicedesk_ticket_priority"
            ),
            models.CheckConstraint(
                condition=(Q(ticket_type="complaint") & Q(complaint_stage__in=[1, 2]))
                | (~Q(ticket_type="complaint") & Q(complaint_stage__isnull=True)),
                name="servicedesk_ticket_complaint_stage",
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "status", "raised_at"], name="servicedesk_ticket_queue"),
            models.Index(fields=["requester", "raised_at"], name="servicedesk_ticket_requester"),
            # The monthly report's tickets: not resolved (NULL) or resolved since the month's
            # start, one range each on this index instead of reading all the partner's tickets.
            models.Index(fields=["partner", "resolved_at"], name="servicedesk_ticket_resolved"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED)


class TicketEvent(models.Model):
    """One thing that happened to a ticket (SERVICEDESK-CONTRACT.md). ``responds``: a response to
    the requester — a public reply by someone else, or an agent moving the ticket to in progress
    or resolved."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="events")
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    status = models.CharField(max_length=20, choices=TicketStatus.choices)
    priority = models.CharField(max_length=2, choices=Priority.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    public = models.BooleanField(default=True)
    body = models.TextField(blank=True)
    responds = models.BooleanField(default=False)
    # A reply that came by email (servicedesk/inbound.py): its Message-ID, taken once per partner,
    # so a message read again after a crash between appending and confirming is not appended twice.
    message_id = models.CharField(max_length=255, blank=True, default="")

    objects = PartnerScopedManager["TicketEvent"]()
    partner_shared_with: ClassVar[tuple[str, ...]] = ("ticket",)

    class Meta:
        indexes = [models.Index(fields=["ticket", "at"], name="servicedesk_event_ticket_at")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="servicedesk_event_kind"),
            models.CheckConstraint(
                condition=Q(public=True) | Q(responds=False), name="servicedesk_event_note_silent"
            ),
            models.UniqueConstraint(
                fields=["partner", "message_id"],
                condition=~Q(message_id=""),
                name="servicedesk_event_message_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.ticket_id} at {self.at:%Y-%m-%d %H:%M}"


class TicketAttachment(models.Model):
    """A document attached to a ticket, kept in the attachment store (core.attachments) by its
    SHA-256; ``filename`` is the uploader's name for it, cleaned. An agent's attachment may be
    internal (``public`` false), shown only to those who see internal notes."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="attachments")
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    event = models.OneToOneField(TicketEvent, on_delete=models.PROTECT, related_name="attachment")
    filename = models.CharField(max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    public = models.BooleanField(default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = PartnerScopedManager["TicketAttachment"]()
    partner_shared_with: ClassVar[tuple[str, ...]] = ("ticket", "event")

    def __str__(self) -> str:
        return self.filename


class TicketAsset(models.Model):
    """An asset of the register a ticket is about (the laptop that will not start, the printer
    on the second floor). Both are the same partner's, and so is the link: an agent links only an
    asset of the ticket's own partner (servicedesk/ticket_assets.py), the link's ``partner`` is
    theirs, and the row-level security policy reads it like any other partner-owned row."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="asset_links")
    asset = models.ForeignKey("servicedesk.Asset", on_delete=models.PROTECT, related_name="ticket_links")
    partner = models.ForeignKey("partnership.Partner", on_delete=models.PROTECT, related_name="+")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    linked_at = models.DateTimeField(default=timezone.now)

    objects = PartnerScopedManager["TicketAsset"]()
    partner_shared_with: ClassVar[tuple[str, ...]] = ("ticket", "asset")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "asset"], name="servicedesk_ticket_asset_once"),
        ]

    def __str__(self) -> str:
        return f"asset {self.asset_id} on ticket {self.ticket_id}"
