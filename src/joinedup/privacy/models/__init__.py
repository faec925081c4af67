"""The privacy app's models, one module per part."""

from joinedup.privacy.models.sar import *  # noqa: F403
