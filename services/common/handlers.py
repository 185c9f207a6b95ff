"""Event handlers that never lose an event and never apply one twice.

`@bus_handler("directory", "organization_registered")` marks a service method `(self, event)`
in two steps. The method first gathers what it needs, asking other services if it must, with no
transaction open (a transaction held while waiting on another service would hold SQLite's lock
all that time); it returns what to write, a function of the transaction, or None. The write
then runs in one transaction that also records the `event_id`, so a redelivered event changes
nothing; one already recorded is acknowledged before anything is asked.

A handler that fails is retried after a delay (a retry queue whose TTL sends it back), and past
`HANDLER_MAX_ATTEMPTS` the message goes to the service's dead-letter queue, where an operator
lists and replays it.
"""
import functools
import logging

from kombu import Exchange
from nameko.amqp.publish import Publisher
from nameko.events import EventHandler
from nameko.messaging import Consumer

from services.common.events import dead_letter_queue, handler_queue, retry_queue

log = logging.getLogger(__name__)

ATTEMPTS_HEADER = "x-qubi-attempts"
ERROR_HEADER = "x-qubi-error"
ORIGIN_HEADER = "x-qubi-queue"
DEFAULT_EXCHANGE = Exchange("")


class BusHandler(EventHandler):

    def setup(self):
        config = self.container.config
        self.queue = handler_queue(self.source_service, self.event_type,
                                   self.container.service_name, self.method_name, config)
        self.max_attempts = int(config.get("HANDLER_MAX_ATTEMPTS", 5))
        self.retry_queue = retry_queue(self.queue.name,
                                       config.get("HANDLER_RETRY_DELAY_MS", 2000), config)
        self.dead_letters = dead_letter_queue(self.container.service_name, config)
        self.publisher = Publisher(config["AMQP_URI"],
                                   declare=[self.retry_queue, self.dead_letters])
        Consumer.setup(self)  # not EventHandler.setup: it would rebuild the queue its own way

    def handle_result(self, message, worker_ctx, result=None, exc_info=None):
        if exc_info is not None:
            try:
                self._retry_or_dead_letter(message, exc_info[1])
            except Exception:
                log.exception("could not set aside a failed event; returning it to its queue")
                self.queue_consumer.requeue_message(message)
                return result, exc_info
        self.queue_consumer.ack_message(message)
        return result, exc_info

    def _retry_or_dead_letter(self, message, error):
        attempts = int(message.headers.get(ATTEMPTS_HEADER, 0)) + 1
        target = self.retry_queue if attempts < self.max_attempts else self.dead_letters
        headers = dict(message.headers)
        headers.update({ATTEMPTS_HEADER: attempts, ORIGIN_HEADER: self.queue.name,
                        ERROR_HEADER: f"{type(error).__name__}: {error}"[:500]})
        self.publisher.publish(message.payload, exchange=DEFAULT_EXCHANGE,
                               routing_key=target.name, headers=headers)
        log.warning("event %s failed (attempt %d of %d) -> %s",
                    message.payload.get("event_id") if isinstance(message.payload, dict) else "?",
                    attempts, self.max_attempts, target.name)


def bus_handler(source_service: str, event_type: str):
    """Decorates `method(self, event) -> write(tx) | None` of a service that has a `db` (common
    Database)."""

    def decorate(method):
        handler = method.__name__

        @functools.wraps(method)
        def once(self, event):
            if self.db.already_processed(event["event_id"], handler):
                return
            write = method(self, event)
            with self.db.transaction() as tx:
                if tx.first_time(event["event_id"], handler) and write is not None:
                    write(tx)

        return BusHandler.decorator(source_service, event_type)(once)

    return decorate
