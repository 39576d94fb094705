"""uvicorn entry point: `uvicorn services.staffing.app:app`."""
from .bootstrap import create_app

app = create_app()
