"""Server-rendered pages (GOV.UK Frontend, htmx).

The root holds the layout, ``forms`` (GOV.UK field toolkit and ``submit``/``attempt``/``outcome``,
the one way a page calls a service and shows its refusal), ``current`` (the partner being worked
for), ``exports`` (CSV/XLSX downloads) and the site pages; one package per domain
(``people/``, ``payroll/``, ``ledger/``, ``recharges/``) with its views, forms, urls and
templates. Views hold no rules. May import: any domain and the platform; nothing imports it
but ``joinedup.urls``.
"""
