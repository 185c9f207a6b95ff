"""Prometheus metrics of the gateway: HTTP requests by route template and status (a
histogram, whose `_count` is the number of requests), and RPC calls by service, method and
outcome.

Under gunicorn each worker writes its samples to files in PROMETHEUS_MULTIPROC_DIR (prepared
by gateway/serving.py before the workers start) and `/metrics` adds up every worker's.
prometheus_client reads that variable when it is imported, so it must be set before then.
"""
from prometheus_client import (CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Histogram,
                               generate_latest)
from prometheus_client.multiprocess import MultiProcessCollector

HTTP_SECONDS = Histogram("qubi_gateway_http_request_duration_seconds",
                         "HTTP requests answered by the gateway, by route template and status",
                         ["method", "route", "status"])
RPC_SECONDS = Histogram("qubi_gateway_rpc_duration_seconds",
                        "RPC calls from the gateway to the services, by outcome",
                        ["service", "method", "outcome"])
UNMATCHED = "<unmatched>"  # the route of a path that matches none: never the raw path
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def observe_request(method: str, route: str | None, status: int, seconds: float):
    method = method if method in METHODS else "OTHER"  # labels from a closed set only
    HTTP_SECONDS.labels(method, route or UNMATCHED, str(status)).observe(seconds)


def observe_rpc(service: str, method: str, seconds: float, outcome: str):
    """The RpcPool's `on_call` hook."""
    RPC_SECONDS.labels(service, method, outcome).observe(seconds)


def exposition(multiprocess: bool) -> tuple[bytes, str]:
    """The text format of every metric (of every worker, when `multiprocess`), and its content
    type."""
    registry = REGISTRY
    if multiprocess:
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    return generate_latest(registry), CONTENT_TYPE_LATEST
