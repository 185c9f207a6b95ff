"""Outside development, every process refuses to start on the public development secrets or
without its own: one line on stderr and a non-zero exit, before it touches the broker."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from services.common.config import DEVELOPMENT_SECRET

BIN = Path(sys.executable).parent
SECRETS = ("QUBI_ENV", "QUBI_SECRET_KEY", "PERSONAL_DATA_KEYS", "CONTEXT_KEYS")
OWN = {"QUBI_SECRET_KEY": "s" * 48, "CONTEXT_KEYS": "c" * 48,
       "PERSONAL_DATA_KEYS": Fernet.generate_key().decode()}
COMMANDS = {
    "service": [BIN / "qubi-service", "directory"],
    "gateway": [BIN / "gunicorn", "--config", "python:gateway.serving", "--bind", "127.0.0.1:0",
                "gateway.app:create_app()"],
    "admin": [BIN / "qubi-admin", "migrate"],
}


def start(command, **environ) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in SECRETS}
    env.update(environ, AMQP_URI="amqp://guest:guest@127.0.0.1:1/")  # never reached
    return subprocess.run([str(part) for part in command], env=env, capture_output=True,
                          text=True, timeout=60)


def refusal(run: subprocess.CompletedProcess) -> str:
    assert run.returncode != 0
    assert "Traceback" not in run.stderr
    [line] = run.stderr.strip().splitlines()
    return line


@pytest.mark.parametrize("environment", ["prod", "staging"])
def test_a_service_on_the_development_secret_refuses_to_start_in_one_line(environment):
    line = refusal(start(COMMANDS["service"], QUBI_ENV=environment,
                         QUBI_SECRET_KEY=DEVELOPMENT_SECRET))
    assert line.startswith(f"qubi-service: QUBI_ENV={environment} is not development or test")
    assert "QUBI_SECRET_KEY is the development secret" in line


@pytest.mark.parametrize("command", COMMANDS)
def test_production_without_personal_data_keys_refuses_to_start_in_one_line(command):
    own = {key: value for key, value in OWN.items() if key != "PERSONAL_DATA_KEYS"}
    line = refusal(start(COMMANDS[command], QUBI_ENV="production", **own))
    assert "PERSONAL_DATA_KEYS is not set (`qubi-admin new-key` makes one)" in line
    assert "QUBI_SECRET_KEY" not in line and "CONTEXT_KEYS" not in line


def test_an_unset_qubi_env_is_not_development():
    line = refusal(start(COMMANDS["service"]))
    assert "QUBI_ENV is not set" in line and "set QUBI_ENV=development" in line


def test_new_secrets_are_made_without_any_settings():
    made = start([BIN / "qubi-admin", "new-secret"])
    assert made.returncode == 0
    assert len(made.stdout.strip()) >= 64 and made.stdout != start([BIN / "qubi-admin",
                                                                    "new-secret"]).stdout
