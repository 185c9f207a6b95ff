"""gunicorn settings for the gateway: `gunicorn --config python:gateway.serving ...`.

Workers from the settings (services/common/config.py), the same for `make run`, compose and
Kubernetes: GUNICORN_WORKER_CLASS (eventlet), GUNICORN_WORKERS (2) and GUNICORN_THREADS (8, for
gthread).
A request spends most of its time waiting for a service's answer; eventlet's green threads
wait for it at a fraction of the CPU that threads cost (a third less per request, measured
with bench.gateway), and each worker serves up to 1,000 connections at once.

With LIVENESS_PORT set, the master answers the liveness probe there (gateway/liveness.py).
An address longer than the gateway reads is answered as a problem (gateway/long_lines.py).

Settings that would be refused (services/common/config.py) stop the master before it binds
its port or forks a worker, with one line saying why. Log lines in JSON (gateway/logs.py; the
access line is the gateway's own); the application out of the cycle collector's sight once a
worker has loaded it (services/common/memory.py); and the Prometheus multiprocess directory
ready before the workers start: PROMETHEUS_MULTIPROC_DIR emptied of a previous run's samples,
or, when it is unset, a temporary directory made for this run and removed at its end.
"""
import os
import shutil
import sys
import tempfile
from pathlib import Path

from gunicorn.glogging import Logger

from gateway import liveness
from gateway.logs import LOGGING
from gateway.long_lines import LONGEST_REQUEST_LINE, worker_class as long_lines_answered
from services.common.config import ConfigurationError, load_settings
from services.common.memory import freeze_what_is_loaded


class GatewayLogger(Logger):
    def access(self, resp, req, environ, request_time):
        """Nothing: the gateway writes its own access line (gateway.logs.log_request), without
        the query string; gunicorn would format one per request only to drop it."""


try:
    _settings = load_settings()
except ConfigurationError as error:
    sys.exit(f"gateway: {error}")

logconfig_dict = LOGGING
logger_class = GatewayLogger
worker_class = long_lines_answered(_settings.gunicorn_worker_class)
limit_request_line = LONGEST_REQUEST_LINE
workers = _settings.gunicorn_workers
threads = _settings.gunicorn_threads
_temporary = []  # the directory made here, if any
_liveness = []  # the master's liveness server, if LIVENESS_PORT is set


def on_starting(server):
    """Runs in the master before any worker is forked (workers inherit the environment)."""
    directory = _settings.prometheus_multiproc_dir
    if not directory:
        directory = tempfile.mkdtemp(prefix="qubi-gateway-metrics-")
        _temporary.append(directory)
        # for the workers: their settings and prometheus_client read it from the environment
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
    Path(directory).mkdir(parents=True, exist_ok=True)
    for stale in Path(directory).glob("*.db"):
        stale.unlink()


def when_ready(server):
    if _settings.liveness_port:
        _liveness.append(liveness.serve(server, _settings.liveness_port))


def post_fork(server, worker):
    """A worker does not answer liveness: it lets go of the master's socket."""
    for listener in _liveness:
        listener.socket.close()


def post_worker_init(worker):
    """The worker has loaded the application: what it holds now, it holds until it exits."""
    freeze_what_is_loaded()


def on_exit(server):
    for directory in _temporary:
        shutil.rmtree(directory, ignore_errors=True)
