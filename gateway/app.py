"""uvicorn entry point: `uvicorn gateway.app:app`."""
from .api import create_app

app = create_app()
