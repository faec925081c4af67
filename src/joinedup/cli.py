"""The ``joinedup`` command: Django's management commands with joinedup's settings.

joinedup demo | serve | migrate | createuser | token create|revoke | audit verify | worker
"""

from __future__ import annotations

import os
import sys

from joinedup.core.request_context import set_request_id


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "joinedup.settings")
    # Django is imported once the settings module is named.
    from django.core.management import execute_from_command_line

    # CLI changes are audited like web ones: give the whole command one request id.
    set_request_id(f"cli-{os.getpid()}")
    args = list(sys.argv if argv is None else ["joinedup", *argv])
    args[0] = "joinedup"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
