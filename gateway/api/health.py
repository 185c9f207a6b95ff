"""Liveness, readiness and metrics."""
from flask import Response, current_app

from gateway.api import Blueprint
from gateway.api.common import answers, call
from gateway.metrics import exposition
from services.common.broker import broker_reachable
from services.common.config import SERVICE_NAMES
from services.common.errors import DomainError

blp = Blueprint("health", __name__, description="Liveness, readiness and metrics")


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
    checks = {"rabbitmq": "ok" if broker_reachable(rpc.amqp_uri, timeout=2) else "down"}
    for service in SERVICE_NAMES:
        try:
            call(service, "health")
            checks[service] = "ok"
        except DomainError:
            checks[service] = "down"
    ready = all(state == "ok" for state in checks.values())
    return {"status": "ok" if ready else "unavailable", "checks": checks}, 200 if ready else 503


@blp.route("/metrics")
@blp.doc(responses={200: {
    "description": "Prometheus text format: requests by route template and status, RPC calls "
                   "by service, method and outcome",
    "content": {"text/plain": {"schema": {"type": "string"}}}}})
def prometheus_metrics():
    """The gateway's metrics, for Prometheus.

    Meant for the monitoring network: keep it off the public ingress."""
    body, content_type = exposition(
        bool(current_app.config["QUBI_SETTINGS"].prometheus_multiproc_dir))
    return Response(body, content_type=content_type)
