"""The event envelope and the bus topology every service shares.

Events travel on the nameko events exchange of their source service (`<service>.events`,
routing key = event type), so nameko's own `event_handler` queues would bind to them too.
"""
import uuid
from datetime import datetime, timezone

from kombu import Exchange, Queue
from nameko.standalone.events import get_event_exchange

DEAD_LETTER_SUFFIX = "dead-letters"


def envelope(event_type: str, payload: dict, version: int = 1) -> dict:
    return {
        "event_id": str(uuid.uuid4()),
        "event_type": event_type,
        "occurred_at": datetime.now(timezone.utc).isoformat(),
        "version": version,
        "payload": payload,
    }


def events_exchange(source_service: str, config: dict) -> Exchange:
    return get_event_exchange(source_service, config)


def handler_queue_name(source_service, event_type, service_name, method_name) -> str:
    # nameko's SERVICE_POOL naming: one queue per handler, shared by the replicas
    return f"evt-{source_service}-{event_type}--{service_name}.{method_name}"


def queue_arguments(config: dict) -> dict:
    """Quorum queues are for a RabbitMQ cluster; a single local node uses classic ones."""
    return {"x-queue-type": "quorum"} if config.get("QUORUM_QUEUES") else {}


def handler_queue(source_service, event_type, service_name, method_name, config) -> Queue:
    return Queue(
        handler_queue_name(source_service, event_type, service_name, method_name),
        exchange=events_exchange(source_service, config),
        routing_key=event_type,
        durable=True,
        queue_arguments=queue_arguments(config),
    )


def retry_queue(queue_name: str, delay_ms: int, config: dict) -> Queue:
    """Messages wait here `delay_ms`, then the broker dead-letters them back to the handler queue."""
    arguments = {
        "x-message-ttl": int(delay_ms),
        "x-dead-letter-exchange": "",
        "x-dead-letter-routing-key": queue_name,
        **queue_arguments(config),
    }
    return Queue(f"{queue_name}.retry", durable=True, queue_arguments=arguments)


def dead_letter_queue(service_name: str, config: dict) -> Queue:
    return Queue(f"{service_name}.{DEAD_LETTER_SUFFIX}", durable=True,
                 queue_arguments=queue_arguments(config))
