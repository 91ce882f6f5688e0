"""Settings for the test suite: the settings of production, with the documented development keys
(tests never read a developer's .env keys)."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-any-deployment")
os.environ.setdefault("PERSONAL_DATA_KEY", "ZGV2LW9ubHktcGVyc29uYWwtZGF0YS1rZXktMDAwMDA=")

from .settings import *  # noqa: F403
