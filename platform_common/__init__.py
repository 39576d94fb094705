"""Plumbing every service of the consortium platform shares, written once.

settings, the event envelope, the transactional outbox and its relay, the idempotent
consumer loop, database helpers, auth token checks, HTTP conventions and JSON logs.
Nothing domain-specific lives here.
"""
