"""The demo partnership (`joinedup demo`): Wessex's council, police, fire and shared services."""

from joinedup.core.actors import SystemActor

# Who the audit trail says wrote the demo's set-up (the demo users act for themselves).
SEEDER = SystemActor(reason="joinedup demo: seeding the demo partnership")
