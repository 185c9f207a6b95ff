"""docker-compose.yml, deploy/Dockerfile and deploy/postgres-init.sql agree with the code.

Fast and offline: no docker, no broker, no database. Compose `${VAR:-default}` values are
read with their defaults (what `docker compose up` uses when the variable is not set).
"""
import importlib
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from cryptography.fernet import Fernet

from services.common.config import (DEVELOPMENT_CONTEXT_KEY, DEVELOPMENT_DATA_KEY,
                                    DEVELOPMENT_SECRET, SERVICE_NAMES, ConfigurationError,
                                    load_settings)

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
INIT_SQL = ROOT / "deploy" / "postgres-init.sql"
ADMIN_MODULE = ROOT / "services" / "admin.py"

INFRASTRUCTURE = ("rabbitmq", "postgres")
APPLICATION = (*SERVICE_NAMES, "gateway")
PUBLISHED_PORTS = {8000, 5672, 15672, 8025}
VARIABLE = re.compile(r"\$\{(\w+)(?::?-([^}]*))?\}")
REQUIRED = re.compile(r"\$\{(\w+):\?[^}]+\}")  # compose refuses to start while it is unset
SECRETS = ("QUBI_SECRET_KEY", "PERSONAL_DATA_KEYS", "CONTEXT_KEYS")


def with_defaults(value: str) -> str:
    """`${NAME:-default}` -> `default` (and `${NAME}` -> ``), as compose does with NAME unset."""
    return VARIABLE.sub(lambda match: match.group(2) or "", str(value))


def command_words(service: dict) -> list[str]:
    command = service.get("command", [])
    words = shlex.split(command) if isinstance(command, str) else [str(word) for word in command]
    return [with_defaults(word) for word in words]


def environment(service: dict) -> dict:
    env = service.get("environment", {})
    if isinstance(env, list):  # the `- NAME=value` form
        env = dict(item.split("=", 1) for item in env)
    return {name: with_defaults(value) for name, value in env.items()}


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


@pytest.fixture(scope="module")
def built(services):
    """The application containers: every service built from the project's Dockerfile."""
    return {name: service for name, service in services.items() if "build" in service}


def test_infrastructure_and_application_services_exist(services):
    for name in INFRASTRUCTURE:
        assert name in services, f"no {name} service"
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    for name in APPLICATION:
        assert name in services, f"no {name} service"
    assert "rabbitmq-diagnostics" in str(services["rabbitmq"]["healthcheck"]["test"])
    assert "pg_isready -U qubi" in str(services["postgres"]["healthcheck"]["test"])
    liveness = load_settings({**environment(services["gateway"]), "QUBI_ENV": "test"})
    assert f"localhost:{liveness.liveness_port}/healthz" in str(
        services["gateway"]["healthcheck"]["test"])


def test_every_application_container_builds_from_the_dockerfile(built):
    assert set(APPLICATION) | {"migrate"} <= set(built)
    for name, service in built.items():
        assert service["build"]["context"] == ".", name
        assert service["build"]["dockerfile"] == "deploy/Dockerfile", name


def test_application_containers_wait_for_a_healthy_broker_and_database(built):
    for name, service in built.items():
        depends_on = service.get("depends_on")
        assert isinstance(depends_on, dict), f"{name}: depends_on needs conditions"
        for needed in INFRASTRUCTURE:
            assert depends_on.get(needed, {}).get("condition") == "service_healthy", (
                f"{name} does not wait for a healthy {needed}")
    for name in APPLICATION:
        condition = built[name]["depends_on"].get("migrate", {}).get("condition")
        assert condition == "service_completed_successfully", f"{name} does not wait for migrate"


def test_every_database_url_names_a_database_the_init_script_creates(built):
    created = set(re.findall(r"CREATE\s+DATABASE\s+(\w+)\s+OWNER\s+qubi",
                             INIT_SQL.read_text(encoding="utf-8"), re.IGNORECASE))
    assert created >= set(SERVICE_NAMES)
    for name, service in built.items():
        urls = {var: url for var, url in environment(service).items()
                if var.endswith("_DATABASE_URL")}
        assert {f"{s.upper()}_DATABASE_URL" for s in SERVICE_NAMES} <= set(urls), name
        for var, url in urls.items():
            parts = urlsplit(url)
            assert parts.scheme.startswith("postgresql"), f"{name}: {var}={url}"
            assert parts.hostname == "postgres", f"{name}: {var}={url}"
            assert parts.path.lstrip("/") in created, f"{name}: {var} names no created database"


def test_every_qubi_service_command_names_a_real_service(services):
    commanded = []
    for name, service in services.items():
        words = command_words(service)
        if words[:1] != ["qubi-service"]:
            continue
        assert len(words) == 2, f"{name}: {words}"
        target = words[1]
        assert (ROOT / "services" / target / "service.py").is_file(), f"{name}: {target}"
        module = importlib.import_module(f"services.{target}.service")
        assert isinstance(getattr(module, f"{target.capitalize()}Service", None), type), target
        commanded.append(target)
    assert sorted(commanded) == sorted(SERVICE_NAMES)


def test_the_gateway_command_serves_a_callable_app_factory(services):
    words = command_words(services["gateway"])
    assert words[0] == "gunicorn"
    assert "0.0.0.0:8000" in words
    target = words[-1]
    match = re.fullmatch(r"([\w.]+):(\w+)(\(\))?", target)
    assert match, f"not a gunicorn module:callable target: {target}"
    assert match.group(1, 2) == ("gateway.app", "create_app")
    factory = getattr(importlib.import_module(match.group(1)), match.group(2))
    assert callable(factory)


def test_migrate_uses_only_existing_qubi_admin_subcommands(services):
    words = command_words(services["migrate"])
    assert words[:2] == ["sh", "-c"], words
    script = words[2]
    used = re.findall(r"qubi-admin\s+([\w-]+)", script)
    assert used == ["migrate", "declare", "seed"], used
    defined = set(re.findall(r"add_parser\(\s*[\"']([\w-]+)[\"']",
                             ADMIN_MODULE.read_text(encoding="utf-8")))
    assert set(used) <= defined, f"unknown qubi-admin subcommands: {set(used) - defined}"


def test_the_published_ports(services):
    published = set()
    for service in services.values():
        for port in service.get("ports", []):
            if isinstance(port, dict):  # the long syntax
                published.add(int(port["published"]))
            elif ":" in str(port):  # [host_ip:]published:target[/protocol]
                published.add(int(str(port).split(":")[-2]))
    assert PUBLISHED_PORTS <= published


def test_the_services_mail_reaches_the_mail_catcher(services):
    """Every email lands in Mailpit, whose web page (8025) shows it."""
    catcher = services["mailpit"]
    assert catcher["image"].startswith("axllent/mailpit:")
    assert catcher.get("healthcheck", {}).get("test"), "mailpit has no healthcheck"
    smtp_port = int(environment(catcher)["MP_SMTP_BIND_ADDR"].rsplit(":", 1)[1])
    ui_port = int(environment(catcher)["MP_UI_BIND_ADDR"].rsplit(":", 1)[1])
    assert f"{ui_port}:{ui_port}" in [str(port) for port in catcher["ports"]]
    url = urlsplit(environment(services["notifications"])["SMTP_URL"])
    assert (url.scheme, url.hostname, url.port) == ("smtp", "mailpit", smtp_port)
    condition = services["notifications"]["depends_on"].get("mailpit", {}).get("condition")
    assert condition == "service_healthy", "notifications does not wait for the mail catcher"


def test_the_governance_documents_outlive_the_container_and_are_the_qubi_users(compose, services):
    """The meetings' documents are kept in a named volume mounted where the service keeps them;
    the image makes that folder the qubi user's, so a new volume is writable by it."""
    governance = services["governance"]
    where = load_settings({**environment(governance), "QUBI_ENV": "test"}).governance_documents
    mounted = dict(reversed(str(volume).split(":")[:2]) for volume in governance["volumes"])
    assert mounted.get(where) in compose["volumes"], f"no named volume at {where}"
    dockerfile = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(rf"mkdir -p {re.escape(where)}\b", dockerfile)
    assert re.search(r"chown -R qubi:qubi /home/qubi/var\b", dockerfile)


def test_compose_carries_no_secret_and_starts_only_with_the_operators_own(built):
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    for development_value in (DEVELOPMENT_SECRET, DEVELOPMENT_DATA_KEY, DEVELOPMENT_CONTEXT_KEY):
        assert development_value not in text
    own = {"QUBI_SECRET_KEY": "s" * 48, "CONTEXT_KEYS": "c" * 48,
           "PERSONAL_DATA_KEYS": Fernet.generate_key().decode()}
    for name, service in built.items():
        env = service["environment"]
        for secret in SECRETS:
            required = REQUIRED.fullmatch(str(env.get(secret, "")))
            assert required and required.group(1) == secret, f"{name}: {secret} has a default"
        settings = load_settings({**environment(service), **own})
        assert not settings.development, f"{name} runs in development by default"
        with pytest.raises(ConfigurationError):  # nor do the code's development secrets do
            load_settings({**environment(service), **own, "QUBI_SECRET_KEY": DEVELOPMENT_SECRET})


def test_the_dockerfile_installs_the_project(built):
    text = DOCKERFILE.read_text(encoding="utf-8")
    instructions = [line.strip() for line in text.splitlines()
                    if line.strip() and not line.lstrip().startswith("#")]
    assert instructions[0].startswith("FROM python:3.11-slim")
    copies = " ".join(line for line in instructions if line.startswith("COPY"))
    for source in ("pyproject.toml", "services/", "gateway/"):
        assert source in copies, f"the Dockerfile does not copy {source}"
    assert re.search(r"pip install --no-cache-dir \.(\s|$)", text)
    users = [line for line in instructions if line.startswith("USER")]
    assert users and users[-1].split()[1] not in ("root", "0"), "the image runs as root"


def test_the_gateway_counts_its_rate_limits_in_the_redis_it_waits_for(services):
    gateway = services["gateway"]
    settings = load_settings({**environment(gateway), "QUBI_ENV": "test"})
    assert urlsplit(settings.redis_url).hostname == "redis"
    assert gateway["depends_on"]["redis"]["condition"] == "service_healthy"
    assert "redis-cli" in str(services["redis"]["healthcheck"]["test"])
