"""The JSON API under /api/v1/ (django-ninja) and its OpenAPI document.

One router module per domain (``people``, ``payroll``, ``ledger``, ``recharges``, ``audit``,
``partnership``); authentication and the error mapping (401/403/404/422, declared for every
operation) in ``main`` and ``auth``. Endpoints parse, call one selector or service, and render;
no business rule lives here. May import: any domain and the platform; nothing imports it but
``joinedup.urls``.
"""
