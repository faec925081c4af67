"""Service-desk fixtures on the people fixtures: requesters with sign-ins linked to their
employments (one of them working for the council and the constabulary), a line manager, the
shared desk's agent on every partner, an agent of the constabulary only, and an ICT team."""

from __future__ import annotations

from datetime import date
from typing import Any

from joinedup.partnership.models import Role
from joinedup.people.services import employment_change_terms
from joinedup.servicedesk import services
from joinedup.servicedesk.models import Category, Team, Ticket
from joinedup.testing.people import PeopleTestCase


class ServiceDeskTestCase(PeopleTestCase):
    ada: Any
    mary: Any
    manager: Any
    agent: Any
    police_agent: Any
    ict: Team
    laptops: Category

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        everyone = [cls.council, cls.police, cls.fire, cls.shared]
        # Ada works for the council; Mary for the council and the constabulary.
        cls.ada = cls.make_user("ada.lovelace", [(cls.council, Role.EMPLOYEE)])
        cls.link(cls.council_emp, cls.ada)
        cls.mary = cls.make_user("mary.seacole", [(cls.council, Role.EMPLOYEE), (cls.police, Role.EMPLOYEE)])
        cls.link(cls.shared_person_council, cls.mary)
        # Ada's line manager, through an employment of their own.
        cls.manager = cls.make_user(
            "maggie.manager", [(cls.council, Role.MANAGER), (cls.council, Role.EMPLOYEE)]
        )
        managing = cls.hire(cls.council, "Maggie", "Manager", "AA222222B", "WCC000099")
        cls.link(managing, cls.manager)
        employment_change_terms(
            actor=cls.shared_hr,
            employment=cls.council_emp,
            effective_from=date(2024, 1, 1),
            reason="New manager",
            changes={"line_manager": managing},
        )
        cls.agent = cls.make_user("shared.desk", [(p, Role.SERVICE_DESK_AGENT) for p in everyone])
        cls.police_agent = cls.make_user("police.desk", [(cls.police, Role.SERVICE_DESK_AGENT)])
        cls.ict = Team.objects.create(name="ICT service desk", service="ict")
        cls.ict.members.add(cls.agent)
        cls.laptops = Category.objects.create(service="ict", name="Laptop or desktop")

    @staticmethod
    def link(employment: Any, user: Any) -> None:
        person = employment.person
        person.user = user
        person.save()

    @classmethod
    def details(cls, **overrides: Any) -> services.TicketIn:
        values: dict[str, Any] = {
            "service": "ict",
            "ticket_type": "incident",
            "subject": "Laptop will not start",
            "description": "It shows a black screen since this morning.",
            "impact": "low",
            "urgency": "high",
        }
        values.update(overrides)
        return services.TicketIn(**values)

    def raise_for(self, user: Any, **overrides: Any) -> Ticket:
        partner = overrides.pop("partner", None)
        return services.raise_ticket(actor=user, details=self.details(**overrides), partner=partner)
