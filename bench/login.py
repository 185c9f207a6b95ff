"""Logging in over HTTP: with a password, and with a password and a TOTP code, p50/p99 beside a
no-op RPC round trip measured in the same run (on a vhost of the bench's own).

Each login is a different person (a code is good once, so one person logs in once a 30-second
step); the password hash is scrypt's, as in production, made once for all of them.

    .venv/bin/python -m bench.login [--logins 100]
"""
import argparse
import tempfile
import time
from pathlib import Path

import pyotp
import requests

from bench.measure import summary, table, timings_ms
from bench.preflight import own_vhost, settings_or_exit
from deploy.local import Platform
from services.common.database import Store
from services.common.rpc import SignedClusterRpcProxy
from services.common.sealing import Cipher
from services.directory.models import Base, User
from services.directory.passwords import hash_password
from tests.platform import free_port

PASSWORD = "una frase lunga da misurare"


def main(argv=None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=100)
    args = parser.parse_args(argv)
    settings = settings_or_exit()
    workdir = Path(tempfile.mkdtemp(prefix="qubi-login-bench-"))
    with own_vhost(settings, "qubi-bench-login") as amqp_uri:
        platform = Platform({"QUBI_VAR_DIR": str(workdir), "AMQP_URI": amqp_uri,
                             "SMTP_URL": f"file://{workdir}/mail",
                             "LOGIN_RATE_PER_MINUTE": "100000"}, port=free_port())
        platform.prepare()
        secrets = _people(workdir, settings, args.logins)
        platform.start()
        try:
            assert platform.wait_ready(), "the platform did not start"
            url = f"{platform.url}/api/v1/auth/token"
            with_password = _time_logins(url, [{"username": f"bench-password-{i}"}
                                               for i in range(args.logins)])
            with_code = _time_logins(url, [
                {"username": f"bench-totp-{i}", "otp": pyotp.TOTP(secret).now()}
                for i, secret in enumerate(secrets)])
            config = {"AMQP_URI": amqp_uri, "CONTEXT_KEYS": list(settings.context_keys)}
            with SignedClusterRpcProxy(config, timeout=10) as cluster:
                noop = summary("no-op RPC (baseline)", timings_ms(cluster.directory.ping, 300))
        finally:
            platform.stop_all()
    report = table([noop, summary("login with a password", with_password),
                    summary("login with a password and a TOTP code", with_code)], baseline=noop)
    print(f"\n## Login\n\n{report}\n")
    return report


def _people(workdir: Path, settings, count: int) -> list:
    """`count` people who log in with a password, and `count` with a password and a code."""
    cipher = Cipher(settings.personal_data_keys)
    password_hash = hash_password(PASSWORD)
    secrets = [pyotp.random_base32() for _ in range(count)]
    store = Store(f"sqlite:///{workdir}/directory.sqlite3", Base.metadata)
    with store.transaction() as tx:
        tx.session.add_all(User(username=f"bench-password-{i}", password_hash=password_hash,
                                roles=["city"], municipi=[]) for i in range(count))
        tx.session.add_all(User(username=f"bench-totp-{i}", password_hash=password_hash,
                                roles=["social_worker"], municipi=[8], mfa_enabled=True,
                                mfa_secret=cipher.seal(secret))
                           for i, secret in enumerate(secrets))
    store.dispose()
    return secrets


def _time_logins(url: str, bodies: list) -> list:
    with requests.Session() as http:
        samples = []
        for body in bodies:
            started = time.perf_counter()
            answer = http.post(url, json={**body, "password": PASSWORD}, timeout=30)
            samples.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 200, answer.text
    return samples


if __name__ == "__main__":
    main()
