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


def test_no_line_is_longer_than_the_cap_and_a_cut_says_so():
    upload = "nome,municipio\n" * 70_000  # about a megabyte, quoted in a message
    shown = line("could not read %s", fields={"body": upload})
    text = JsonFormatter("referrals").format(logging.LogRecord(
        "qubi", logging.ERROR, __file__, 1, "could not read %s", (upload,), None))
    assert len(text) <= 8192 and "characters cut" in json.loads(text)["message"]
    assert "characters cut" in shown["body"] and len(json.dumps(shown)) <= 8192


def test_a_line_of_many_long_fields_keeps_what_names_it():
    fields = {f"field_{number}": "x" * 2000 for number in range(10)}
    token = log_context.current.set({"request_id": "req-7"})
    try:
        text = JsonFormatter("gateway").format(_record_with(fields))
    finally:
        log_context.current.reset(token)
    shown = json.loads(text)
    assert len(text) <= 8192 and shown["request_id"] == "req-7"
    assert shown["message"] == "answered" and "field_0" not in shown and shown["cut"]


def _record_with(fields):
    record = logging.LogRecord("qubi", logging.INFO, __file__, 1, "answered", None, None)
    record.fields = fields
    return record


def test_no_line_shows_the_password_of_a_brokers_url():
    said = line("Error connecting to broker at pyamqp://guest:********@127.0.0.1:5673/;"
                "pyamqp://qubi:s3cret@node2:5672/;pyamqp://qubi:s3cret@node3:5672/qubi")
    assert "s3cret" not in said["message"]
    assert "pyamqp://qubi:***@node2:5672/;pyamqp://qubi:***@node3:5672/qubi" in said["message"]
    assert line("see https://example.org/a:b@c")["message"] == "see https://example.org/a:b@c"
