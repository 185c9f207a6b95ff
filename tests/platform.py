"""The whole platform as a user meets it, for the system tests: six service processes and the
gateway under gunicorn, over HTTP, on the real RabbitMQ (and PostgreSQL when
TEST_DATABASE_URL says so), with a real SMTP server. One platform serves the whole session."""
import socket
import uuid
from contextlib import contextmanager
from urllib.parse import urlparse

import pytest
import requests
import trustme

from deploy.local import Platform
from tests.databases import make_databases
from tests.smtp import SmtpServer


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def platform_settings(vhost_pipeline, request, tmp_path_factory, name, **settings):
    """The environment of a platform with a vhost and databases of its own: the tests'
    settings and `settings` on top."""
    broker = urlparse(request.config.getoption("RABBIT_AMQP_URI"))
    with vhost_pipeline.get() as vhost:
        databases = make_databases(f"qubi_{name}_{uuid.uuid4().hex[:6]}",
                                   tmp_path_factory.mktemp(name))
        env = {f"{service.upper()}_DATABASE_URL": url for service, url in databases.items()}
        env.update(AMQP_URI=f"{broker.scheme}://{broker.netloc}/{vhost}",
                   QUBI_SECRET_KEY="system-test-secret-long-enough-for-hs256",
                   RPC_TIMEOUT="2", OUTBOX_SWEEP_SECONDS="1", **settings)
        yield env


@contextmanager
def started_platform(vhost_pipeline, request, tmp_path_factory, name, log_dir, port=None,
                     **settings):
    """Every process of the platform (platform_settings), stopped at the end."""
    with platform_settings(vhost_pipeline, request, tmp_path_factory, name, **settings) as env:
        running = Platform(env, port=port or free_port(), log_dir=log_dir)
        running.prepare()
        running.start()
        try:
            assert running.wait_ready(), f"not ready; logs in {log_dir}"
            yield running
        finally:
            running.stop_all()


@pytest.fixture(scope="session")
def platform(vhost_pipeline, request, tmp_path_factory):
    smtp = SmtpServer(tmp_path_factory.mktemp("mail") / "maildir").start()
    port = free_port()
    webhook_ca = trustme.CA()  # what the tests' webhook receivers show (webhook_receiver.py)
    webhook_ca_file = tmp_path_factory.mktemp("webhooks") / "ca.pem"
    webhook_ca.cert_pem.write_to_path(str(webhook_ca_file))
    try:
        with started_platform(vhost_pipeline, request, tmp_path_factory, "sys",
                              tmp_path_factory.mktemp("logs"), port=port, GUNICORN_WORKERS="1",
                              # families registering at once come from addresses of their own
                              # (X-Forwarded-For), not all from the tests' one
                              TRUSTED_PROXIES="1",
                              SMTP_URL=smtp.url, PUBLIC_URL=f"http://localhost:{port}",
                              QUIET_HOURS="", WEBHOOK_CA_FILE=str(webhook_ca_file),
                              WEBHOOK_ALLOW_PRIVATE="1",
                              WEBHOOK_FIRST_RETRY_SECONDS="1") as running:
            running.smtp, running.webhook_ca = smtp, webhook_ca
            yield running
    finally:
        smtp.stop()


class Client:
    def __init__(self, platform, username=None):
        self.base = platform.url + "/api/v1"
        self.headers = {}
        if username:
            answer = requests.post(f"{self.base}/auth/token",
                                   json={"username": username, "password": "qubi-demo"}, timeout=10)
            assert answer.status_code == 200, answer.text
            self.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"

    def get(self, path, **kwargs):
        return requests.get(self.base + path, headers=self.headers, timeout=10, **kwargs)

    def post(self, path, **kwargs):
        return requests.post(self.base + path, headers=self.headers, timeout=10, **kwargs)

    def patch(self, path, **kwargs):
        return requests.patch(self.base + path, headers=self.headers, timeout=10, **kwargs)

    def delete(self, path, **kwargs):
        return requests.delete(self.base + path, headers=self.headers, timeout=10, **kwargs)


def referral_body(receiver_org, **changes):
    from datetime import datetime, timedelta, timezone

    now = datetime.now(timezone.utc)
    body = {"to_organization_id": receiver_org, "needs": ["educational"], "urgency": "high",
            "summary": "Bambina di 3 anni: serve uno spazio 0-6 vicino a casa.",
            "family": {"reference": f"SYS-{now.timestamp()}", "guardian_name": "Giulia Verdi",
                       "phone": "3330001112", "municipio": 8, "zone": "Gallaratese",
                       "children": [{"age": 3}]},
            "consent": {"given_by": "Giulia Verdi", "method": "written",
                        "obtained_at": (now - timedelta(hours=1)).isoformat(),
                        "expires_at": (now + timedelta(days=90)).isoformat()}}
    body.update(changes)
    return body


def forward_body(new_receiver_org, reason="no_capacity"):
    """A receiver's proposal to pass the family on to `new_receiver_org`, with the guardian's
    consent naming it."""
    consent = {**referral_body(new_receiver_org)["consent"], "organization_id": new_receiver_org}
    return {"to_organization_id": new_receiver_org, "reason": reason, "consent": consent}
