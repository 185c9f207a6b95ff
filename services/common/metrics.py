"""Prometheus metrics of a nameko service, on its own port (METRICS_PORT; 0 = off): workers per
entrypoint (count, duration, errors), the outbox backlog and the dead-letter queue's depth.

Each process serves its own registry, so replicas are scraped one by one, as Prometheus does
with the pods of a Deployment.
"""
import logging
import time

from kombu import Connection
from nameko.extensions import DependencyProvider
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

from services.common.database import Database
from services.common.events import dead_letter_queue

log = logging.getLogger(__name__)


class ServiceMetrics(DependencyProvider):

    def setup(self):
        self.port = int(self.container.config.get("METRICS_PORT", 0) or 0)
        self.registry = CollectorRegistry()
        labels = ["service", "entrypoint"]
        self.workers = Counter("qubi_workers_total", "Workers run, per entrypoint", labels,
                               registry=self.registry)
        self.errors = Counter("qubi_worker_errors_total", "Workers that raised (domain errors "
                              "included)", labels, registry=self.registry)
        self.durations = Histogram("qubi_worker_seconds", "Worker duration", labels,
                                   registry=self.registry)
        self.backlog = Gauge("qubi_outbox_backlog", "Events written but not yet published",
                             ["service"], registry=self.registry)
        self.dead_letters = Gauge("qubi_dead_letters", "Messages in the service's dead-letter "
                                  "queue", ["service"], registry=self.registry)
        self.backlog.labels(self.container.service_name).set_function(self._outbox_backlog)
        self.dead_letters.labels(self.container.service_name).set_function(self._dead_letters)
        self._started = {}

    def start(self):
        if self.port:
            start_http_server(self.port, registry=self.registry)
            log.info("metrics on port %d", self.port)

    def worker_setup(self, worker_ctx):
        self._started[worker_ctx.call_id] = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        labels = (self.container.service_name, worker_ctx.entrypoint.method_name)
        self.workers.labels(*labels).inc()
        self.durations.labels(*labels).observe(
            time.perf_counter() - self._started.pop(worker_ctx.call_id, time.perf_counter()))
        if exc_info is not None:
            self.errors.labels(*labels).inc()

    def _outbox_backlog(self) -> float:
        database = next((d for d in self.container.dependencies if isinstance(d, Database)), None)
        return database.store.backlog() if database and database.store else 0

    def _dead_letters(self) -> float:
        config = self.container.config
        try:
            with Connection(config["AMQP_URI"], connect_timeout=2) as connection:
                queue = dead_letter_queue(self.container.service_name, config)
                _, count, _ = queue.bind(connection.default_channel).queue_declare(passive=True)
                return count
        except Exception:  # no handler queues yet, or the broker is away: nothing to show
            return 0
