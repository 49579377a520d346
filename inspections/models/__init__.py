"""The inspections app's models, for Django alone: it finds an app's models in its `models`
module. Each model lives in the package of its step (directory, planning, draws), and the
product imports it from there, never through this module."""

from inspections.directory.models import *  # noqa: F403
from inspections.draws.models import *  # noqa: F403
from inspections.planning.models import *  # noqa: F403
