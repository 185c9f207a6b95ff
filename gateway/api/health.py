"""Liveness and readiness."""
from flask import current_app
from flask_smorest import Blueprint

from gateway.api.common import answers
from services.common.broker import broker_reachable
from services.common.config import SERVICE_NAMES
from services.common.errors import DomainError

blp = Blueprint("health", __name__, description="Liveness and readiness")


@blp.route("/healthz")
@answers(blp, 200)
def healthz():
    """The gateway process is alive."""
    return {"status": "ok"}


@blp.route("/readyz")
@answers(blp, 200)
@blp.alt_response(503, description="RabbitMQ or a service is not answering")
def readyz():
    """RabbitMQ is reachable and every service answers."""
    rpc = current_app.extensions["rpc"]
    checks = {"rabbitmq": "ok" if broker_reachable(rpc.config["AMQP_URI"], timeout=2) else "down"}
    for service in SERVICE_NAMES:
        try:
            rpc.call(service, "health")
            checks[service] = "ok"
        except DomainError:
            checks[service] = "down"
    ready = all(state == "ok" for state in checks.values())
    return {"status": "ok" if ready else "unavailable", "checks": checks}, 200 if ready else 503
