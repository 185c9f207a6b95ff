"""What every bench does before it measures: RabbitMQ there (or one clear line), services up.

The benches run the platform on this machine as `make run` does: in development, unless
QUBI_ENV says otherwise."""
import dataclasses
import os
import sys
import time
from contextlib import contextmanager
from urllib.parse import quote, unquote, urlparse

from services.common.broker import broker_reachable, unreachable_message
from services.common.config import Settings, load_settings


def settings_or_exit() -> Settings:
    os.environ["QUBI_ENV"] = os.environ.get("QUBI_ENV") or "development"
    settings = load_settings()
    if not broker_reachable(settings.amqp_uri):
        sys.exit(unreachable_message(settings.amqp_uri))
    return settings


def rpc_config(settings: Settings) -> dict:
    """What a bench's own RPC client needs (services.common.rpc.SignedClusterRpcProxy)."""
    return {"AMQP_URI": settings.amqp_uri, "CONTEXT_KEYS": list(settings.context_keys)}


def wait_for_services(cluster, *names: str, attempts: int = 150):
    """Pings each named service through `cluster` until all answer (services just started)."""
    for _ in range(attempts):
        try:
            for name in names:
                getattr(cluster, name).ping()
            return
        except Exception:
            time.sleep(0.2)


@contextmanager
def bench_settings(name: str):
    """The settings of a bench, on a vhost of its own (`own_vhost`)."""
    settings = settings_or_exit()
    with own_vhost(settings, name) as amqp_uri:
        yield dataclasses.replace(settings, amqp_uri=amqp_uri)


@contextmanager
def own_vhost(settings: Settings, name: str):
    """A virtual host of the bench's own on the broker of `settings` (made through the
    management API on port 15672, removed at the end), so that a bench never answers the RPCs
    of a platform running beside it: the AMQP URI to use."""
    import requests

    broker = urlparse(settings.amqp_uri)
    api = f"http://{broker.hostname}:15672/api"
    auth = (unquote(broker.username or "guest"), unquote(broker.password or "guest"))
    vhost = f"{name}-{os.getpid()}"
    try:
        requests.put(f"{api}/vhosts/{vhost}", auth=auth, timeout=10).raise_for_status()
        requests.put(f"{api}/permissions/{vhost}/{auth[0]}", auth=auth, timeout=10,
                     json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
    except requests.RequestException as error:
        sys.exit(f"A bench needs RabbitMQ's management API on port 15672 for a vhost of its own "
                 f"(rabbitmq-plugins enable rabbitmq_management): {error}")
    try:
        yield broker._replace(path=f"/{quote(vhost, safe='')}").geturl()
    finally:
        requests.delete(f"{api}/vhosts/{vhost}", auth=auth, timeout=10)
