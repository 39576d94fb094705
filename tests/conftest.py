import os

# Tests run the platform in demo mode (demo secret allowed) unless a test says otherwise.
os.environ.setdefault("CONSORTIUM_DEMO_MODE", "true")
