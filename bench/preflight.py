"""What every bench does before it measures: RabbitMQ there (or one clear line), services up.

The benches run the platform on this machine as `make run` does: in development, unless
QUBI_ENV says otherwise."""
import os
import sys
import time

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
