"""Service desk (issue 15): one front door for every shared service, with each partner's service
levels measured to the minute. So far its foundation: the business-hours clock
(``business_time.py``, pure: business minutes between two instants on a calendar of local
opening hours and a UK nation's bank holidays, with pauses, and its inverse for due times) and
the ``joinedup servicedesk business-time`` calculator. Tickets, service levels, queues, assets
and self-service come next.

May import: people, partnership, audit, core.
Entry points: ``business_time.business_minutes`` and ``business_time.due_at``; the
``joinedup servicedesk`` command.
"""
