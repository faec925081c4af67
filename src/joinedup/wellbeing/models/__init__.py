"""The wellbeing app's models, one module per part (cases, surveillance, programmes)."""

from joinedup.wellbeing.models.cases import *  # noqa: F403
from joinedup.wellbeing.models.programmes import *  # noqa: F403
from joinedup.wellbeing.models.retention import *  # noqa: F403
from joinedup.wellbeing.models.surveillance import *  # noqa: F403
