"""Settings for the test suite: the settings of production, with the documented development keys
(tests never read a developer's .env keys)."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-any-deployment")
os.environ.setdefault("PERSONAL_DATA_KEY", "ZGV2LW9ubHktcGVyc29uYWwtZGF0YS1rZXktMDAwMDA=")

from .settings import *  # noqa: F403

# No task worker runs beside the tests: a test refreshes stored figures with work_off() as the
# worker would (or reads a small scope, which catches up inline). Otherwise every commit of a
# transactional test would refresh each stored year of the test world.
FIGURES_REFRESH_AFTER_WRITES = False
