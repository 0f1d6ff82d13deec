"""The project's settings with the benchmark's baseline views added (bench/baseline.py).

The server under test runs with this settings module, so that each scenario and its bare
baseline are served by the same processes, pool and database.
"""

from motcua.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
