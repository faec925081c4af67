"""Partners, the shared-services body, users, roles held per partner, API tokens.

Owns: ``permissions.authorise`` (the one answer to "may this actor do X on partner P", for web,
API and CLI), the permission-checked reads of the audit trail (``audit_trail``), the CLI's
``--partner`` / ``--as`` parsing (``cli``). May import: audit, core.
Entry points: ``joinedup createuser``, ``joinedup token create|revoke``.
"""
