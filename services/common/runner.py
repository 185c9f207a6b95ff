"""`qubi-service <name>`: runs one QuBì service (several replicas may run at once)."""
import eventlet

eventlet.monkey_patch()  # noqa: E402  before anything opens a socket

import argparse  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402

from psycogreen.eventlet import patch_psycopg  # noqa: E402

from services.common.broker import broker_reachable, unreachable_message  # noqa: E402
from services.common.config import SERVICE_NAMES, ConfigurationError, load_settings  # noqa: E402
from services.common.logs import setup_logging  # noqa: E402
from services.common.memory import freeze_what_is_loaded  # noqa: E402
from services.common.registry import service_class  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(prog="qubi-service", description=__doc__)
    parser.add_argument("service", help=", ".join(SERVICE_NAMES))
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except ConfigurationError as error:
        sys.exit(f"qubi-service: {error}")
    if not broker_reachable(settings.amqp_uri):
        sys.exit(unreachable_message(settings.amqp_uri))

    patch_psycopg()
    setup_logging(args.service)
    service = service_class(args.service)
    freeze_what_is_loaded()
    serve(service, settings.nameko_config())


def serve(service, config: dict):
    """Runs `service` until SIGTERM or SIGINT, then stops it once. (nameko's own `run` starts a
    stop for every signal, and a second one, as a supervisor sends after the terminal's Ctrl-C or
    after a signal to the whole process group, left the service hung half stopped.)"""
    from nameko.runners import ServiceRunner  # imported late: it must see the patched modules

    runner = ServiceRunner(config)
    runner.add_service(service)
    stopping = []

    def stop_once(_signal, _frame):
        if not stopping:
            stopping.append(True)
            eventlet.spawn_n(runner.stop)  # a signal handler cannot wait: a green thread can

    signal.signal(signal.SIGTERM, stop_once)
    signal.signal(signal.SIGINT, stop_once)
    runner.start()
    waiting = eventlet.spawn(runner.wait)
    while True:
        try:
            return waiting.wait()
        except InterruptedError:  # a signal came while the main green thread waited
            continue


if __name__ == "__main__":
    main()
