"""Structured logs: one JSON object a line, with the service name. Never personal data.

Fields of a line's own go in `extra={"fields": {...}}`: `log.info("answered", extra={"fields":
{"status": 200}})`.

No line is longer than MAX_LINE characters, and no field than MAX_FIELD: a long one is cut in
its middle (a traceback keeps its first and last frames), saying how much went; a line still too
long keeps only what names it and its message, cut shorter. A 1 MB upload quoted in an error
once made a 14 MB line."""
import json
import logging
import re
import sys
from datetime import datetime, timezone

from services.common import log_context

MAX_LINE = 8192
MAX_FIELD = 2048
NAMING = ("time", "level", "service", "logger", "request_id", "event_id")
# user:password@ of a URL: nameko masks the first of a failover list's (AMQP_URI naming every
# node of a cluster) when it says it cannot connect, and printed the others' as they were
CREDENTIALS = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s;]*:)[^@\s;/]+@", re.IGNORECASE)


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
            "message": _without_passwords(record.getMessage()),
        }
        line.update(log_context.current.get())  # the request or event a worker serves
        for key in ("request_id", "event_id"):
            if hasattr(record, key):
                line[key] = getattr(record, key)
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["error"] = _without_passwords(self.formatException(record.exc_info))
        line = {key: _cut(value, MAX_FIELD) for key, value in line.items()}
        text = json.dumps(line, ensure_ascii=False)
        if len(text) <= MAX_LINE:
            return text
        short = {key: line[key] for key in NAMING if key in line}
        short["message"] = _cut(line["message"], MAX_LINE // 2)
        short["cut"] = f"a line of {len(text)} characters: its other fields were left out"
        return json.dumps(short, ensure_ascii=False)


def _without_passwords(text: str) -> str:
    return CREDENTIALS.sub(r"\1***@", text) if "://" in text else text


def _cut(value, limit: int):
    """The value, or a text of about `limit` characters: its beginning and its end."""
    if not isinstance(value, str):
        if value is None or isinstance(value, (bool, int, float)):
            return value
        text = json.dumps(value, ensure_ascii=False, default=str)
        if len(text) <= limit:
            return value
        value = text
    if len(value) <= limit:
        return value
    half = limit // 2
    return f"{value[:half]} [... {len(value) - 2 * half} characters cut ...] {value[-half:]}"


def setup_logging(service: str, level: str = "INFO"):
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
