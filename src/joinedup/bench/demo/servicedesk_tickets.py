"""The demo's service desk (issue 15): the shared desk's teams and categories, and three dozen
tickets from the council's, the constabulary's and the fire service's staff, all through the
services, at every stage of the workflow.

shared.desk (Dev Patel, an agent on every partner) works them. council.employee (Evan Morgan),
police.employee and fire.employee raise them; council.manager (Evan's line manager) sees Evan's.
Some wait on their requester, some on a third party; some are resolved or closed; one was
reopened; and one complaint went to stage 2 of the complaints procedure. Each has an internal
note the requester never sees."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from joinedup.bench.demo.servicedesk_history import seed_demo_servicedesk_history
from joinedup.partnership.models import Partner
from joinedup.servicedesk import services
from joinedup.servicedesk.models import Category, Team

AGENT = "shared.desk"
TEAMS = [
    ("ICT service desk", "ict"),
    ("HR and payroll queries", "payroll"),
    ("Finance and purchasing", "finance"),
]
CATEGORIES = {
    "ict": ["Laptop or desktop", "Account and password", "Printer", "Software", "Mobile phone"],
    "hr": ["Contract and terms", "Absence", "Recruitment"],
    "payroll": ["Payslip query", "Overtime and allowances", "Pension"],
    "finance": ["Invoice query", "Expenses"],
    "purchasing": ["Requisition help", "Supplier set-up"],
    "oh_admin": ["Referral appointment"],
}
TEAM_OF = {"ict": 0, "hr": 1, "payroll": 1, "finance": 2, "purchasing": 2, "oh_admin": 1}

# Who raises it (council: council.employee, manager: council.manager, police, fire: their
# .employee), the service, the type, impact and urgency (h/m/l), what happens after it is raised,
# the category and the subject.
REQUESTERS = {
    "council": "council.employee",
    "manager": "council.manager",
    "police": "police.employee",
    "fire": "fire.employee",
}
LEVELS = {"h": "high", "m": "medium", "l": "low"}
TABLE = """
council | ict | incident | lh | closed | Laptop or desktop | Laptop will not start
council | ict | request | ll | in_progress | Software | Install Power BI Desktop
council | payroll | query | lm | waiting | Overtime and allowances | October overtime missing
council | hr | complaint | mm | complaint | Absence | Sickness absence recorded wrongly
manager | ict | request | lm | resolved | Account and password | New starter account for Monday
manager | hr | query | ll | assigned | Recruitment | Advert for a second business support officer
manager | finance | query | lm | third_party | Invoice query | Invoice from Hampshire Legal paid twice?
manager | ict | incident | mm | reopened | Printer | Second-floor printer jams
council | oh_admin | request | lm | new | Referral appointment | Move my occupational-health appointment
manager | purchasing | query | ll | closed | Requisition help | Which category for translation services?
council | ict | incident | mh | resolved | Account and password | Locked out after password change
manager | payroll | query | ll | waiting | Pension | Pension contribution rate from April
police | ict | incident | hh | in_progress | Mobile phone | Control room phones dropping calls
police | ict | request | ll | assigned | Software | Licence for the case-file editor
police | payroll | query | lm | waiting | Payslip query | Shift allowance on my payslip
police | hr | query | ll | closed | Contract and terms | Police Staff Council terms: annual leave
police | finance | query | lm | resolved | Expenses | Mileage claim for September
police | ict | incident | mh | third_party | Laptop or desktop | Docking station not detected
police | purchasing | request | lm | new | Supplier set-up | Set up a new forensic supplier
police | ict | incident | ll | closed | Printer | Custody suite printer out of toner
police | hr | request | ml | in_progress | Recruitment | Vetting status of a new starter
police | oh_admin | query | ll | resolved | Referral appointment | Occupational-health letter not received
police | ict | request | lm | waiting | Account and password | Shared mailbox for the fleet team
police | payroll | query | mm | assigned | Overtime and allowances | Rest-day working not paid
fire | ict | incident | hm | in_progress | Mobile phone | Station tablets not syncing rotas
fire | payroll | query | lm | waiting | Payslip query | Grey Book retained pay query
fire | hr | query | ll | closed | Absence | Carry-over of annual leave
fire | ict | request | ll | resolved | Software | Access to the fleet maintenance system
fire | finance | query | ll | third_party | Invoice query | Purchase card statement missing
fire | ict | incident | lm | new | Printer | Station 4 printer offline
fire | purchasing | query | lm | assigned | Requisition help | Breathing apparatus order approval
fire | payroll | query | ml | in_progress | Pension | Firefighters' pension transfer-in
fire | ict | incident | lh | resolved | Account and password | Two-factor app lost with old phone
fire | hr | request | ll | waiting | Contract and terms | Change to flexible working pattern
fire | oh_admin | request | ll | closed | Referral appointment | Fitness test appointment
fire | ict | request | ll | reopened | Laptop or desktop | Second monitor for the control room
"""


def _tickets() -> list[tuple[str, str, str, str, str, str, str, str]]:
    """The table's rows: requester, service, type, category, impact, urgency, subject, outcome."""
    rows = []
    for line in TABLE.strip().splitlines():
        who, service, kind, levels, outcome, category, subject = (cell.strip() for cell in line.split("|"))
        impact, urgency = LEVELS[levels[0]], LEVELS[levels[1]]
        rows.append((REQUESTERS[who], service, kind, category, impact, urgency, subject, outcome))
    return rows


TICKETS = _tickets()


def _work(agent: Any, requester: Any, ticket: Any, team: Team, outcome: str) -> None:
    """Take a raised ticket to ``outcome`` through the services, as the agent and requester would."""
    if outcome == "new":
        return
    services.assign(actor=agent, ticket=ticket, team=team, assignee=agent)
    services.add_note(actor=agent, ticket=ticket, body="Checked the requester's details; nothing unusual.")
    if outcome == "assigned":
        return
    services.set_status(actor=agent, ticket=ticket, status="in_progress")
    if outcome == "in_progress":
        return
    if outcome == "waiting":
        services.set_status(
            actor=agent,
            ticket=ticket,
            status="waiting_requester",
            body="Could you send a screenshot or the date?",
        )
        return
    if outcome == "third_party":
        services.set_status(
            actor=agent, ticket=ticket, status="waiting_third_party", body="We have asked the supplier."
        )
        return
    services.reply(actor=agent, ticket=ticket, body="Thanks, we are looking into it.")
    services.resolve(actor=agent, ticket=ticket, resolution="Sorted: please check and let us know.")
    if outcome == "closed":
        services.close(actor=requester, ticket=ticket)
    elif outcome == "reopened":
        services.reopen(actor=requester, ticket=ticket, reason="It has happened again this morning.")
    elif outcome == "complaint":
        services.escalate_complaint(
            actor=requester, ticket=ticket, reason="The answer did not explain why the record was wrong."
        )


def seed_demo_servicedesk_tickets(
    *, partners: dict[str, Partner], users: dict[str, Any], say: Callable[[str], None]
) -> None:
    if Team.objects.exists():
        return
    agent = users[AGENT]
    teams = [Team.objects.create(name=name, service=service) for name, service in TEAMS]
    for team in teams:
        team.members.add(agent)
    categories = {
        (service, name): Category.objects.create(service=service, name=name)
        for service, names in CATEGORIES.items()
        for name in names
    }
    # Their past first (numbered first, as it was raised first): September to November 2026.
    history = seed_demo_servicedesk_history(
        users=users,
        teams={"ict": teams[TEAM_OF["ict"]], "payroll": teams[TEAM_OF["payroll"]]},
        categories=categories,
    )
    for username, service, kind, category, impact, urgency, subject, outcome in TICKETS:
        requester = users[username]
        ticket = services.raise_ticket(
            actor=requester,
            details=services.TicketIn(
                service=service,
                ticket_type=kind,
                subject=subject,
                description=f"{subject}. Raised through My tickets.",
                impact=impact,
                urgency=urgency,
                category=categories[(service, category)],
            ),
        )
        _work(agent, requester, ticket, teams[TEAM_OF[service]], outcome)
    say(
        f"Service desk: {len(TICKETS)} tickets from three partners' staff, worked by {agent.username}, "
        f"after {history} in September to November 2026"
    )
