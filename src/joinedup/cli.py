"""The ``joinedup`` command: Django's management commands with joinedup's settings.

joinedup demo | serve | migrate | createuser | token create|revoke|list | unlock | otp reset|code
         | audit verify | backup PATH | worker
"""

from __future__ import annotations

import os
import sys

from joinedup.core.request_context import set_request_id

# These serve callers who bring their own context (a signed-in user, a task's own), or seed
# in a context of their own, so they get no command-wide system context.
SERVES_CALLERS = {"serve", "runserver", "worker", "demo", "help", "--help", "-h", "version", "--version"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "joinedup.settings")
    # Django is imported once the settings module is named.
    from django.core.management import execute_from_command_line

    # CLI changes are audited like web ones: give the whole command one request id.
    set_request_id(f"cli-{os.getpid()}")
    args = list(sys.argv if argv is None else ["joinedup", *argv])
    args[0] = "joinedup"
    if len(args) < 2 or args[1] in SERVES_CALLERS:
        execute_from_command_line(args)
        return
    import django

    django.setup()
    from joinedup.core import rls

    if not rls.enforced():
        execute_from_command_line(args)
        return
    # An operator's command acts for no one caller: under row-level security it runs in a
    # system context named after the command (its services still authorise the acting user).
    words = [word for word in args[1:3] if not word.startswith("-")]
    rls.process_context(f"command line: joinedup {' '.join(words)}")
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
