"""Adapters of the payment service; importing the package registers every table on the one metadata."""
from . import tables, tables_roster  # noqa: F401
