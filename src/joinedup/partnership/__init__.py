"""Partners, the shared-services body, users, roles held per partner, API tokens.

Owns: ``permissions.authorise`` (the one answer to "may this actor do X on partner P", for web,
API and CLI), the permission-checked reads of the audit trail (``audit_trail``), the CLI's
``--partner`` / ``--as`` parsing (``cli``). May import: audit, core.
The second sign-in step (``second_factor``: who needs one, set-up, codes, resets; the roles that
need one are ``permissions.SECOND_FACTOR_ROLES``). Entry points: ``joinedup createuser``,
``joinedup token create|revoke|list``, ``joinedup unlock``, ``joinedup otp reset|code``.
"""
