"""The gateway's log lines: JSON (services/common/logs.py), each written while serving a
request carrying that request's id, and one access line per request with the route template,
never the query string."""
import logging

from flask import g, has_request_context, request

access_log = logging.getLogger("gateway.access")

# For logging.config.dictConfig (gunicorn's `logconfig_dict`, see gateway/serving.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "gateway.logs.RequestIdFilter"}},
    "formatters": {"json": {"()": "services.common.logs.JsonFormatter", "service": "gateway"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout",
                            "formatter": "json", "filters": ["request_id"]}},
    "root": {"level": "INFO", "handlers": ["stdout"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
    },
}


class RequestIdFilter(logging.Filter):
    """Puts the id of the request being served on every line written while serving it."""

    def filter(self, record):
        if has_request_context() and "request_id" in g:
            record.request_id = g.request_id
        return True


def log_request(route: str | None, status: int, seconds: float):
    access_log.info("%s %s %s", request.method, route or request.path, status, extra={"fields": {
        "method": request.method, "route": route, "path": request.path, "status": status,
        "duration_ms": round(seconds * 1000, 1)}})
