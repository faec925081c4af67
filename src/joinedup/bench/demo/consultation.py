"""The demo's collective consultation on "One HR and payroll service for Wessex": the council
consults on its part of the programme, declaring 104 posts at risk across its back-office teams
(the HR team's, already in the proposed structure, and the payroll and transactional teams that
follow), so 45 days apply (TULRCA 1992 s.188(1A)(a)). It began 20 days before the demo was
seeded, so it is in progress whenever the demo is fresh: two meetings with their minutes, a
question answered, a proposal and UNISON's counter-proposal.

Each partner recognises its unions (the council UNISON, GMB and Unite; the constabulary UNISON
and, for officers, the Police Federation; the fire service the FBU, UNISON and GMB), and the demo
union rep (``union.rep``, Uma Reid) speaks for UNISON at all three. Seeding twice adds nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from joinedup.bench.demo import SEEDER
from joinedup.bench.demo.change import PROGRAMME
from joinedup.change import consultation_services as consultation
from joinedup.change.models import ChangeProgramme, Consultation
from joinedup.core.dates import people_date
from joinedup.partnership.models import Partner

RECOGNISED = {
    "WCC": ("UNISON", "GMB", "UNITE"),
    "WPOL": ("UNISON", "POLFED"),
    "WFRS": ("FBU", "UNISON", "GMB"),
}
DECLARED = 104


def seed_demo_consultation(
    *, partners: dict[str, Partner], users: dict[str, Any], say: Callable[[str], None]
) -> None:
    programme = ChangeProgramme.objects.for_partner(partners["WSS"]).filter(name=PROGRAMME).first()
    council = partners["WCC"]
    if programme is None or Consultation.objects.for_partner(council).filter(programme=programme).exists():
        return
    hr, rep = users["council.hr"], users["union.rep"]
    for code, unions in RECOGNISED.items():
        for union in unions:
            consultation.union_recognise(actor=SEEDER, partner=partners[code], union=union)
        consultation.union_rep_appoint(actor=SEEDER, partner=partners[code], user=rep, union="UNISON")
    start = timezone.localdate() - timedelta(days=20)

    def day(n: int) -> date:
        return start + timedelta(days=n)

    consulting = consultation.consultation_open(
        actor=hr,
        programme=programme,
        partner=council,
        start_date=start,
        declared_number=DECLARED,
        reasons=(
            "The council's HR, payroll and transactional finance services move to Wessex Shared "
            "Services, which will serve the council, the constabulary and the fire service with one "
            "team. The HR team's posts are in the proposed structure; the payroll and transactional "
            "teams' follow in the next phase."
        ),
        selection_method=(
            "Staff whose posts are deleted are ring-fenced to the shared posts, selected on skills, "
            "experience and an interview; voluntary redundancy is offered first."
        ),
        dismissal_method="Dismissals, if any, on or after 1 April 2027, with contractual notice.",
    )
    consultation.consultation_hr1_sent(actor=hr, consultation=consulting, sent_on=day(-1))
    proposal = consultation.entry_add(
        actor=hr,
        consultation=consulting,
        side="management",
        kind="proposal",
        occurred_on=day(0),
        title="The proposed shared HR and payroll team",
        body="A head of HR and payroll, four HR advisers and two payroll officers at Wessex Shared Services.",
    )
    first = consultation.entry_add(
        actor=hr,
        consultation=consulting,
        side="management",
        kind="meeting",
        occurred_on=day(2),
        title="First consultation meeting",
        attendees="Cara Hughes (HR); Uma Reid (UNISON); GMB and Unite branch officers",
        body=(
            "HR presented the proposals, the reasons and the numbers. The unions asked for the business "
            "case, the selection criteria in writing and whether voluntary redundancy will be offered "
            "before any compulsory redundancy."
        ),
    )
    consultation.document_attach(
        actor=hr,
        entry=first,
        filename="minutes-first-meeting.txt",
        content=b"Minutes of the first consultation meeting\n\nPresent: HR, UNISON, GMB, Unite.\n",
    )
    question = consultation.entry_add(
        actor=rep,
        consultation=consulting,
        side="union",
        kind="question",
        occurred_on=day(3),
        title="Will voluntary redundancy be offered before any compulsory redundancy?",
    )
    consultation.entry_add(
        actor=hr,
        consultation=consulting,
        side="management",
        kind="answer",
        occurred_on=day(9),
        title="Yes: a voluntary redundancy window opens before selection",
        body="Expressions of interest will be invited from everyone in scope for four weeks.",
        reply_to=question,
    )
    consultation.entry_add(
        actor=hr,
        consultation=consulting,
        side="management",
        kind="meeting",
        occurred_on=day(14),
        title="Second consultation meeting",
        attendees="Cara Hughes (HR); Uma Reid (UNISON); GMB branch secretary",
        body="The selection criteria were tabled. UNISON said it would put a counter-proposal in writing.",
    )
    consultation.entry_add(
        actor=rep,
        consultation=consulting,
        side="union",
        kind="counter",
        occurred_on=day(16),
        title="Five shared HR advisers, and secondment rather than transfer",
        body=(
            "Keep five adviser posts, not four, so that each partner keeps a named business partner; "
            "second staff to Wessex Shared Services for two years rather than transfer them, keeping "
            "their employer's terms and pension."
        ),
        reply_to=proposal,
    )
    say(f"  Consultation: {DECLARED} proposed at the council, 45 days from {people_date(start)}")
