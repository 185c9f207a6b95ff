"""Log lines are JSON with the service, and the request or event id of the work being done."""
import json
import logging

from services.common import log_context
from services.common.logs import JsonFormatter


def line(message, **extra):
    record = logging.LogRecord("qubi", logging.WARNING, __file__, 1, message, None, None)
    for key, value in extra.items():
        setattr(record, key, value)
    return json.loads(JsonFormatter("referrals").format(record))


def test_a_line_names_the_service_and_the_request_it_serves():
    token = log_context.current.set({"request_id": "req-1", "event_id": "evt-9"})
    try:
        shown = line("answered")
    finally:
        log_context.current.reset(token)
    assert shown["service"] == "referrals" and shown["level"] == "warning"
    assert shown["request_id"] == "req-1" and shown["event_id"] == "evt-9"
    assert "request_id" not in line("outside any worker")
