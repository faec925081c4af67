"""Data protection and partner exit (issue 17): each partner stays the controller of its people's
data. This app keeps the partner's records of processing (UK GDPR Article 30), its processors and
their transfers, the subject-access request log and its exports, retention schedules and legal
holds, the access review and the breach log, and the partner's exit export.

It sits above every other domain: a subject-access export and an exit export read what each of
them holds about a person or a partner, through their selectors.

May import: businesscase, change, recharges, purchasing, servicedesk, wellbeing, payroll, people,
ledger, partnership, audit, core. Nothing imports it but the interfaces (web, api, cli), the demo
and the benchmarks.
"""
