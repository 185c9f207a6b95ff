"""Declaring the queues of every event handler before any service runs, so that an event
published while its consumer is down waits in the consumer's queue instead of being dropped."""
import inspect

from kombu import Connection
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

from services.common.events import dead_letter_queue, handler_queue, retry_queue
from services.common.handlers import BusHandler


def service_queues(service_cls, config) -> list:
    queues = []
    for method_name, member in inspect.getmembers(service_cls, callable):
        for entrypoint in getattr(member, ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if isinstance(entrypoint, BusHandler):
                queue = handler_queue(entrypoint.source_service, entrypoint.event_type,
                                      service_cls.name, method_name, config)
                delay = config.get("HANDLER_RETRY_DELAY_MS", 2000)
                queues += [queue, retry_queue(queue.name, delay, config)]
    if queues:
        queues.append(dead_letter_queue(service_cls.name, config))
    return queues


def declare_topology(service_classes, config) -> list:
    """Declares (idempotently) every handler, retry and dead-letter queue; returns their names."""
    declared = []
    with Connection(config["AMQP_URI"]) as connection:
        channel = connection.default_channel
        for service_cls in service_classes:
            for queue in service_queues(service_cls, config):
                queue.bind(channel).declare()
                declared.append(queue.name)
    return declared
