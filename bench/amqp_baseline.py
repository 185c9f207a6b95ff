"""The floor under every RPC: a raw AMQP request/reply round trip with kombu (a server thread
answering on a queue, the client waiting on its own reply queue), beside a no-op nameko RPC.

    .venv/bin/python -m bench.amqp_baseline [--repeat 500]
"""
import argparse
import tempfile
import threading
import uuid

from kombu import Connection, Consumer, Producer, Queue

from bench.measure import summary, table, timings_ms
from bench.preflight import bench_settings, rpc_config, wait_for_services
from deploy.local import Platform
from services.common.rpc import SignedClusterRpcProxy


def echo_server(amqp_uri: str, queue_name: str, ready: threading.Event, stop: threading.Event):
    with Connection(amqp_uri) as connection:
        requests_queue = Queue(queue_name, auto_delete=True)
        producer = Producer(connection.channel())

        def answer(body, message):
            producer.publish(body, routing_key=message.properties["reply_to"],
                             correlation_id=message.properties["correlation_id"])
            message.ack()

        with Consumer(connection, [requests_queue], callbacks=[answer]):
            ready.set()
            while not stop.is_set():
                try:
                    connection.drain_events(timeout=0.2)
                except TimeoutError:
                    pass


def raw_round_trips(amqp_uri: str, repeat: int) -> dict:
    queue_name = f"bench-echo-{uuid.uuid4().hex[:8]}"
    ready, stop = threading.Event(), threading.Event()
    server = threading.Thread(target=echo_server, args=(amqp_uri, queue_name, ready, stop),
                              daemon=True)
    server.start()
    ready.wait(10)
    with Connection(amqp_uri) as connection:
        reply_queue = Queue(f"bench-reply-{uuid.uuid4().hex[:8]}", exclusive=True, auto_delete=True)
        producer = Producer(connection.channel())
        answers = {}
        with Consumer(connection, [reply_queue], callbacks=[
                lambda body, message: (answers.__setitem__(message.properties["correlation_id"],
                                                           body), message.ack())]):
            def round_trip():
                correlation_id = uuid.uuid4().hex
                producer.publish({"ping": 1}, routing_key=queue_name, reply_to=reply_queue.name,
                                 correlation_id=correlation_id)
                while correlation_id not in answers:
                    connection.drain_events(timeout=5)
                answers.pop(correlation_id)

            samples = timings_ms(round_trip, repeat)
    stop.set()
    return summary("raw AMQP request/reply (kombu)", samples)


def main(argv=None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=500)
    args = parser.parse_args(argv)
    with bench_settings("qubi-bench-amqp-baseline") as settings:
        return measure(args, settings)


def measure(args, settings) -> str:
    raw = raw_round_trips(settings.amqp_uri, args.repeat)
    platform = Platform({"AMQP_URI": settings.amqp_uri,
                         "QUBI_VAR_DIR": tempfile.mkdtemp(prefix="qubi-amqp-bench-")})
    platform.admin("migrate")
    platform.start_service("directory")
    try:
        with SignedClusterRpcProxy(rpc_config(settings), timeout=30) as cluster:
            wait_for_services(cluster, "directory")
            noop = summary("no-op nameko RPC", timings_ms(cluster.directory.ping, args.repeat))
    finally:
        platform.stop_all()
    report = table([raw, noop], baseline=raw)
    print(f"\n## AMQP and RPC baselines\n\n{report}\n")
    return report


if __name__ == "__main__":
    main()
