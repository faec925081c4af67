"""Occupational health and wellbeing (issue 16): referrals, cases, fitness-for-work outcomes,
health surveillance and wellbeing programmes for every partner.

It holds special-category health data (UK GDPR Article 9), so it keeps joinedup's strictest
separation: clinicians (``oh_clinician``) read clinical content of their partners' cases; OH
administrators (``oh_admin``) run referrals and appointments without it; managers see the
fitness-for-work outcomes of their own referrals; employees see their own case; nobody else sees
either, and every read of clinical content leaves an access event the person can see.

May import: people, partnership, audit, core.
"""
