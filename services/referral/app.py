"""uvicorn entry point: `uvicorn services.referral.app:app`."""
from .bootstrap import create_app

app = create_app()
