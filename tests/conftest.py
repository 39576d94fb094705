import os

# Tests run the platform in demo mode (demo secret allowed) unless a test says otherwise.
os.environ.setdefault("CONSORTIUM_DEMO_MODE", "true")
# The tests run on the local memory-only broker (Tansu): its profile (platform_common/kafka_io.BrokerProfile).
os.environ.setdefault("CONSORTIUM_BROKER_PROFILE", "tansu")

import logging

# kafka-python logs every refused connection; the outage tests cause those on purpose.
logging.getLogger("kafka").setLevel(logging.CRITICAL)


import pytest  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

# No per-example deadline: on a shared, loaded machine a 0.1 ms example once took 484 ms and failed the run.
# Speed goals live in bench/, never in timed tests.
hypothesis_settings.register_profile("platform", deadline=None)
hypothesis_settings.load_profile("platform")


@pytest.fixture
def set_clock():
    """Freeze the platform's clock for one test: `set_clock("2026-11-27T02:00:00+08:00")`."""
    from tests.support.clock import frozen_clock

    stack = []

    def _set(at):  # noqa: ANN001, ANN202
        cm = frozen_clock(at)
        cm.__enter__()
        stack.append(cm)

    yield _set
    for cm in reversed(stack):
        cm.__exit__(None, None, None)
