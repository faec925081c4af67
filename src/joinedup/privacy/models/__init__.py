"""The privacy app's models, one module per part."""

from joinedup.privacy.models.access_review import *  # noqa: F403
from joinedup.privacy.models.breach import *  # noqa: F403
from joinedup.privacy.models.exit import *  # noqa: F403
from joinedup.privacy.models.processing import *  # noqa: F403
from joinedup.privacy.models.retention import *  # noqa: F403
from joinedup.privacy.models.sar import *  # noqa: F403
