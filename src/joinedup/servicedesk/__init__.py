"""Service desk and assets (issue 15): one front door for every shared service, with each
partner's service levels measured to the minute. Tickets with their append-only event history,
dated service-level agreements and the clocks computed from that history (``business_time.py``,
``clocks.py``: pure), queues and notifications, email in, the asset register and licences, the
knowledge base, the one-click satisfaction question on each resolution (``satisfaction.py``),
and the monthly service-level report with satisfaction (``reports.py``; arithmetic in
``service_levels.py``, pure).

May import: people, partnership, audit, core.
Entry points: ``services`` (tickets), ``satisfaction``, ``assets``, ``knowledge``, ``levels``,
``reports``; the ``joinedup servicedesk`` command.
"""
