import os

# Tests run the platform in demo mode (demo secret allowed) unless a test says otherwise.
os.environ.setdefault("CONSORTIUM_DEMO_MODE", "true")

import logging

# kafka-python logs every refused connection; the outage tests cause those on purpose.
logging.getLogger("kafka").setLevel(logging.CRITICAL)
