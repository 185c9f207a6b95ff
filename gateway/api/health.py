"""Liveness, readiness and metrics."""
import hmac

from flask import Response, abort, current_app, request

from gateway.api import Blueprint
from gateway.api.common import answers, call
from gateway.metrics import exposition
from gateway.problems import ProblemSchema
from services.common.broker import broker_reachable
from services.common.config import SERVICE_NAMES
from services.common.errors import DomainError, NotAuthenticated

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
    "content": {"text/plain": {"schema": {"type": "string"}}}}},
         security=[{"metricsToken": []}])
@blp.alt_response(401, schema=ProblemSchema, description="Without the metrics token")
@blp.alt_response(404, schema=ProblemSchema,
                  description="Off: no METRICS_TOKEN is set, outside development")
def prometheus_metrics():
    """The gateway's metrics, for Prometheus, sent as `Authorization: Bearer <METRICS_TOKEN>`.
    Without METRICS_TOKEN they are open in development and tests and off anywhere else."""
    settings = current_app.config["QUBI_SETTINGS"]
    if settings.metrics_token:
        given = request.headers.get("Authorization", "").encode()
        if not hmac.compare_digest(given, f"Bearer {settings.metrics_token}".encode()):
            raise NotAuthenticated("Send `Authorization: Bearer <METRICS_TOKEN>`.",
                                   "metrics_token_needed")
    elif not settings.development:
        abort(404)
    body, content_type = exposition(bool(settings.prometheus_multiproc_dir))
    return Response(body, content_type=content_type)
