"""The web console (工作台): server-rendered pages in Chinese for the people who use the platform.

A client of the gateway's public HTTP API only: it never reads a service's database and never touches
Kafka. It runs as its own process (devstack, docker-compose) so that a slow page never stalls the
gateway's event loop, and so that the gateway stays a JSON API that the console calls like any program.
"""
