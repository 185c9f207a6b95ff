"""The gateway's log lines: JSON (services/common/logs.py), each written while serving a
request carrying that request's id (the app puts it in services/common/log_context.py for the
request), and one access line per request with the route template, never the query string.

Flask is not imported here: gunicorn's master reads this module's LOGGING before an eventlet
worker patches the standard library, and Flask must come after that."""
import logging

access_log = logging.getLogger("gateway.access")

# For logging.config.dictConfig (gunicorn's `logconfig_dict`, see gateway/serving.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "services.common.logs.JsonFormatter", "service": "gateway"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout",
                            "formatter": "json"}},
    "root": {"level": "INFO", "handlers": ["stdout"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
    },
}


def log_request(method: str, route: str | None, path: str, status: int, seconds: float):
    access_log.info("%s %s %s", method, route or path, status, extra={"fields": {
        "method": method, "route": route, "path": path, "status": status,
        "duration_ms": round(seconds * 1000, 1)}})
