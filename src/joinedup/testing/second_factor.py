"""Signing in with the second factor in tests: a session marked as having passed it (as
django-otp's ``login`` marks one after a right code), and the code an authenticator app would
show now for a user's device, for tests that type it into the sign-in pages."""

from __future__ import annotations

import time
from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.partnership.second_factor import authenticator_of, requires_second_factor

# A fixed key for test and demo authenticators (hex, as django-otp stores it): 20 bytes.
KNOWN_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test key, "12345678901234567890"


def give_authenticator(user: Any, *, key: str = KNOWN_KEY) -> TOTPDevice:
    """A confirmed authenticator app for ``user`` with a known key (the test's own set-up,
    not the enrolment flow, which has its own tests)."""
    found = authenticator_of(user)
    if found is not None:
        return found
    return TOTPDevice.objects.create(user=user, name="Authenticator app", key=key, confirmed=True)


def sign_in(client: Client, user: Any, *, second_factor: bool = True) -> Client:
    """``client`` signed in as ``user``. With ``second_factor`` (the default), a user who must
    have one — or has one — gets an authenticator if they lack it, and the session is marked
    as having passed it; without, the session has given only the password."""
    client.force_login(user)
    if second_factor and (requires_second_factor(user) or authenticator_of(user) is not None):
        device = give_authenticator(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def code_for(user: Any, *, confirmed: bool = True) -> str:
    """The code ``user``'s authenticator app shows now — or, when this time step's code was
    spent already, the next step's, which the server accepts too (one step of tolerance).
    ``confirmed=False``: the app the user is setting up."""
    device = TOTPDevice.objects.get(user=user, confirmed=confirmed)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    step = max(totp.t(), device.last_t + 1)
    if step > totp.t() + device.tolerance:
        raise AssertionError(f"{user}'s codes for this time step and the next are spent.")
    totp.time = device.t0 + step * device.step
    return f"{totp.token():0{device.digits}d}"
