import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "joinedup.settings")
application = get_wsgi_application()

from joinedup.core.db import use_web_statement_timeout  # noqa: E402 - needs Django set up

use_web_statement_timeout()
