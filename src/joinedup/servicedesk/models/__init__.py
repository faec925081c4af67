"""The service desk's records, one module per part of issue 15 (so each part reads on its own):
tickets and their event histories (``tickets``), service-level agreements and business-hours
calendars (``levels``), the asset register and licences (``assets``), the knowledge base
(``knowledge``), the requesters' satisfaction with resolutions (``satisfaction``). Django finds
models through this package; import them from here."""

from joinedup.servicedesk.models.assets import *  # noqa: F403
from joinedup.servicedesk.models.knowledge import *  # noqa: F403
from joinedup.servicedesk.models.levels import *  # noqa: F403
from joinedup.servicedesk.models.notifications import *  # noqa: F403
from joinedup.servicedesk.models.satisfaction import *  # noqa: F403
from joinedup.servicedesk.models.tickets import *  # noqa: F403
