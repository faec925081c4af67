"""The demo service desk's past (issue 15): September to November 2026 at the council, the
constabulary and the fire service, so that the monthly service-level report, its PDF and the ICT
tickets driver of the October recharge (the council's ICT agreement is live from October:
bench/demo/recharges.py) have real figures to show.

Each partner, each month: six tickets raised on the month's first three Mondays and worked
through the services — two ICT P3s answered and resolved the same day; one ICT P3 left two days
unanswered and resolved eight days on (response and resolution breached at every partner); one
ICT P3 that waits on its requester for two days (the clock paused) then is resolved; one ICT P2
resolved in two hours; one payroll query answered the same day and resolved the next. In
November one ICT P3 more, raised on the 23rd, is still being worked.

The services stamp each step now; the steps' events and the ticket's times are then dated to the
plan below (times in Europe/London), as a desk's history would have them. The audit trail keeps
the true time each was written: the demo seeded it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from joinedup.servicedesk import services
from joinedup.servicedesk.business_time import LONDON
from joinedup.servicedesk.models import Category, Team, Ticket, TicketEvent

MONTHS = ((2026, 9), (2026, 10), (2026, 11))
REQUESTERS = {"WCC": "council.employee", "WPOL": "police.employee", "WFRS": "fire.employee"}
# (service, category, impact, urgency, subject, which Monday (0-2), hour raised, plan)
# A plan is (hours after raising, step) pairs; steps are named below.
PLANS: list[tuple[str, str, str, str, str, int, int, list[tuple[float, str]]]] = [
    (
        "ict",
        "Laptop or desktop",
        "low",
        "high",
        "Laptop fan loud",
        0,
        9,
        [(1, "work"), (3, "resolve"), (24, "close")],
    ),
    ("ict", "Account and password", "low", "high", "Password expired", 1, 10, [(2, "reply"), (6, "resolve")]),
    ("ict", "Printer", "low", "high", "Printer offline all week", 0, 14, [(48, "work"), (193, "resolve")]),
    (
        "ict",
        "Software",
        "low",
        "high",
        "Spreadsheet add-in missing",
        1,
        9,
        [(0.5, "work"), (1, "wait"), (48, "work"), (50, "resolve")],
    ),
    (
        "ict",
        "Mobile phone",
        "high",
        "medium",
        "Duty phone not receiving calls",
        2,
        9,
        [(0.25, "work"), (2, "resolve")],
    ),
    ("payroll", "Payslip query", "low", "high", "Tax code changed", 2, 11, [(3, "reply"), (26, "resolve")]),
]
STILL_OPEN = ("ict", "Laptop or desktop", "low", "high", "Docking station flickers", (2026, 11, 23, 9), 1)


def mondays(year: int, month: int) -> list[datetime]:
    first = datetime(year, month, 1, tzinfo=LONDON)
    monday = first + timedelta(days=(7 - first.weekday()) % 7)
    return [monday + timedelta(weeks=n) for n in range(3)]


def _step(name: str, agent: Any, requester: Any, ticket: Ticket) -> None:
    if name == "work":
        services.set_status(actor=agent, ticket=ticket, status="in_progress")
    elif name == "wait":
        services.set_status(
            actor=agent, ticket=ticket, status="waiting_requester", body="Which version do you need?"
        )
    elif name == "reply":
        services.reply(actor=agent, ticket=ticket, body="Thanks: we are on it.")
    elif name == "resolve":
        services.resolve(actor=agent, ticket=ticket, resolution="Sorted: please check and let us know.")
    elif name == "close":
        services.close(actor=requester, ticket=ticket)


def _worked(
    *,
    agent: Any,
    requester: Any,
    team: Team,
    category: Category,
    subject: str,
    impact: str,
    urgency: str,
    raised: datetime,
    plan: list[tuple[float, str]],
) -> Ticket:
    ticket = services.raise_ticket(
        actor=requester,
        details=services.TicketIn(
            service=category.service,
            ticket_type="incident",
            subject=subject,
            description=f"{subject}. Raised through My tickets.",
            impact=impact,
            urgency=urgency,
            category=category,
        ),
    )
    events = TicketEvent.objects.for_partner(ticket.partner_id).filter(ticket=ticket)
    events.update(at=raised)
    services.assign(actor=agent, ticket=ticket, team=team, assignee=agent)
    stamps: dict[str, datetime] = {}
    last = raised + timedelta(minutes=5)
    events.filter(at__gt=raised).update(at=last)
    for hours, name in plan:
        when = raised + timedelta(hours=hours)
        _step(name, agent, requester, ticket)
        events.filter(at__gt=last).update(at=when)
        stamps[name] = last = when
    fields = {"raised_at": raised}
    if "resolve" in stamps:
        fields["resolved_at"] = stamps["resolve"]
    if "close" in stamps:
        fields["closed_at"] = stamps["close"]
    Ticket.objects.for_partner(ticket.partner_id).filter(pk=ticket.pk).update(**fields)
    return ticket


def seed_demo_servicedesk_history(
    *, users: dict[str, Any], teams: dict[str, Team], categories: dict[tuple[str, str], Category]
) -> int:
    """The three months' tickets of every partner; how many."""
    agent = users["shared.desk"]
    planned: list[tuple[str, str, str, str, str, datetime, list[tuple[float, str]]]] = []
    for year, month in MONTHS:
        days = mondays(year, month)
        for service, category, impact, urgency, subject, monday, hour, plan in PLANS:
            planned.append(
                (service, category, impact, urgency, subject, days[monday].replace(hour=hour), plan)
            )
    service, category, impact, urgency, subject, (y, m, d, h), hours = STILL_OPEN
    planned.append(
        (service, category, impact, urgency, subject, datetime(y, m, d, h, tzinfo=LONDON), [(hours, "work")])
    )
    for username in REQUESTERS.values():
        for service, category, impact, urgency, subject, raised, plan in planned:
            _worked(
                agent=agent,
                requester=users[username],
                team=teams[service],
                category=categories[(service, category)],
                subject=subject,
                impact=impact,
                urgency=urgency,
                raised=raised,
                plan=plan,
            )
    return len(planned) * len(REQUESTERS)
