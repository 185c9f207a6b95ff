"""Structured logs: one JSON object a line, with the service name. Never personal data.

Fields of a line's own go in `extra={"fields": {...}}`: `log.info("answered", extra={"fields":
{"status": 200}})`."""
import json
import logging
import sys
from datetime import datetime, timezone

from services.common import log_context


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(log_context.current.get())  # the request or event a worker serves
        for key in ("request_id", "event_id"):
            if hasattr(record, key):
                line[key] = getattr(record, key)
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def setup_logging(service: str, level: str = "INFO"):
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
