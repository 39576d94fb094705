"""docker-compose.yml against the code it deploys (there is no Docker engine here to `compose up`).

What `docker compose config` would refuse, and what it cannot know: that each process's settings accept the
environment the file gives it (its own database, the broker, production mode with real secrets).
"""
import importlib
import re
from pathlib import Path

import pytest
import yaml

from devstack.components import ALL, CONSOLE

ROOT = Path(__file__).resolve().parents[3]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
SECRETS = {"CONSORTIUM_JWT_SECRET": "j" * 40, "REFERRAL_PATIENT_KEY_SECRET": "p" * 40,
           "CONSOLE_SESSION_SECRET": "c" * 40}


def _expand(value: str) -> str:
    """Compose interpolation as an operator would run it: the required secrets set, defaults otherwise."""
    def one(m: re.Match) -> str:
        name, op, rest = m.group(1), m.group(2), m.group(3)
        if name in SECRETS:
            return SECRETS[name]
        if op == ":?":
            pytest.fail(f"{name} is required by docker-compose.yml but the test sets no value for it")
        return rest if op == ":-" else ""
    return re.sub(r"\$\{(\w+)(:[-?])?([^}]*)\}", one, str(value))


def test_every_dependency_names_a_service_and_every_app_has_an_image_and_a_command():
    for name, svc in SERVICES.items():
        assert "image" in svc or "build" in svc, name
        for dep in svc.get("depends_on", {}):
            assert dep in SERVICES, f"{name} depends on unknown {dep}"


def test_kafka_is_the_official_image_in_kraft_mode_and_postgres_is_there():
    kafka = SERVICES["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    assert set(kafka["environment"]["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert SERVICES["postgres"]["image"].startswith("postgres:")


SERVICE_NAMES = [c.name for c in ALL if c.name != "gateway"]
REPLICAS = 2


def _replicas(name: str) -> list[str]:
    """The compose services that run `name`: itself (the gateway), or its numbered replicas."""
    return [name] if name in SERVICES else [f"{name}-{i}" for i in range(1, REPLICAS + 1)]


@pytest.mark.parametrize("component", [(c, r) for c in ALL for r in _replicas(c.name)], ids=lambda cr: cr[1])
def test_each_process_starts_in_production_mode_with_the_environment_compose_gives_it(component, monkeypatch):
    component, replica = component
    svc = SERVICES[replica]
    assert svc["command"][:2] == ["uvicorn", component.app]
    module, attr = component.app.split(":")
    assert hasattr(importlib.import_module(module), attr)
    env = {k: _expand(v) for k, v in svc["environment"].items()}
    assert env["CONSORTIUM_DEMO_MODE"] == "false"
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = component.settings_class()()  # refuses demo secrets outside demo mode
    url = settings.resolved_database_url()
    assert url.startswith("postgresql+psycopg://") and url.endswith(f"@postgres:5432/{component.name}")
    assert settings.common.kafka_bootstrap == "kafka:9092"
    assert not settings.common.demo_mode
    assert settings.common.topic_partitions >= settings.common.replicas == REPLICAS  # every replica gets partitions


def test_two_replicas_of_each_service_and_the_gateway_lists_every_one():
    gateway = {k: _expand(v) for k, v in SERVICES["gateway"]["environment"].items()}
    for name in SERVICE_NAMES:
        replicas = _replicas(name)
        assert len(replicas) == REPLICAS and name not in SERVICES
        port = SERVICES[replicas[0]]["command"][-2]
        assert gateway[f"GATEWAY_{name.upper()}_URL"].split(",") == [f"http://{r}:{port}" for r in replicas]
        assert all(SERVICES[r]["command"] == SERVICES[replicas[0]]["command"] for r in replicas)
        assert set(replicas) <= set(SERVICES["gateway"]["depends_on"])
    # the broker's own default for topics it would create, like the platform's
    assert SERVICES["kafka"]["environment"]["KAFKA_NUM_PARTITIONS"] >= REPLICAS


def test_the_console_starts_in_production_mode_and_knows_only_the_gateway(monkeypatch):
    svc = SERVICES["console"]
    assert svc["command"][:2] == ["uvicorn", CONSOLE.app] and "gateway" in svc["depends_on"]
    env = {k: _expand(v) for k, v in svc["environment"].items()}
    assert env["CONSORTIUM_DEMO_MODE"] == "false"
    # a client of the gateway's API: no database URL, no broker, no token-signing secret
    assert not any(k.endswith("_DATABASE_URL") or k.startswith("CONSORTIUM_KAFKA") or k == "CONSORTIUM_JWT_SECRET"
                   for k in env)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = CONSOLE.settings_class()()  # refuses the demo session secret outside demo mode
    assert settings.gateway_url == "http://gateway:8000" and not settings.demo_mode
