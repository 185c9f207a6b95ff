"""Is RabbitMQ there? One clear line when it is not, instead of a traceback."""
from kombu import Connection

START_HINT = ("start it with `rabbitmq-server -detached` (or `docker compose up -d rabbitmq`), "
              "or point AMQP_URI at a running broker")


def broker_reachable(amqp_uri: str, timeout: float = 3.0) -> bool:
    try:
        with Connection(amqp_uri, connect_timeout=timeout) as connection:
            connection.ensure_connection(max_retries=1, timeout=timeout)
        return True
    except Exception:
        return False


def unreachable_message(amqp_uri: str) -> str:
    return f"RabbitMQ is not reachable at {redact(amqp_uri)}: {START_HINT}."


def redact(amqp_uri: str) -> str:
    """amqp://user:secret@host/ -> amqp://user:***@host/ (each of a failover list's)"""
    if ";" in amqp_uri:
        return ";".join(redact(uri) for uri in amqp_uri.split(";"))
    scheme, sep, rest = amqp_uri.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return amqp_uri
    user = credentials.split(":", 1)[0]
    return f"{scheme}{sep}{user}:***@{host}"


def explicit_transport(amqp_uri: str) -> str:
    """`amqp://` named as the py-amqp transport (`pyamqp://`): for a plain `amqp://`, kombu
    looks for the C client librabbitmq each time it makes a connection object, which nameko does
    for every message it publishes. A failover list (`amqp://node1/;amqp://node2/`, each node
    of a cluster, tried in turn by kombu) has each of its URIs named so: kombu takes the
    transport of the URI it fails over to."""
    if ";" in amqp_uri:
        return ";".join(explicit_transport(uri) for uri in amqp_uri.split(";"))
    scheme, separator, rest = amqp_uri.partition("://")
    return f"pyamqp://{rest}" if separator and scheme == "amqp" else amqp_uri
