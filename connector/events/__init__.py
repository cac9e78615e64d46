"""The canonical PMS event vocabulary."""

from connector.events.models import *  # noqa: F403
from connector.events.models import __all__ as __all__
