"""Running the whole platform on one machine: broker, services, gateway (for `make run` and the tests)."""
