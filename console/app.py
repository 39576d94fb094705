"""uvicorn entry point: `uvicorn console.app:app`."""
from .bootstrap import create_app

app = create_app()
