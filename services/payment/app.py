"""uvicorn entry point: `uvicorn services.payment.app:app`."""
from .bootstrap import create_app

app = create_app()
