"""Liveness answered by the gunicorn master on a port of its own (LIVENESS_PORT), for a
Kubernetes liveness probe.

A probe answered by a worker waits behind the requests that worker is serving: under load it
would time out, and the busiest gateways would be restarted for being busy. The master serves
no request; it knows from each worker's heartbeat (which gunicorn's workers send from their
event loop, and on which the master itself kills a stuck worker after `timeout`) whether a
worker is alive. `GET /healthz` is 200 while at least one worker's heartbeat is fresh, 503
otherwise. `/healthz` on the gateway's own port stays, answered by a worker; `/readyz` is the
deep check."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def serve(arbiter, port: int) -> ThreadingHTTPServer:
    """Starts answering on `port` in a thread of the master; the server, to close in workers."""
    server = ThreadingHTTPServer(("0.0.0.0", port), _handler(arbiter))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="liveness", daemon=True).start()
    return server


def alive_workers(arbiter, now: float) -> int:
    alive = 0
    for worker in list(arbiter.WORKERS.values()):
        try:
            alive += now - worker.tmp.last_update() <= arbiter.timeout
        except (OSError, ValueError):  # a worker being reaped
            continue
    return alive


def _handler(arbiter):
    class Liveness(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path != "/healthz":
                return self._answer(404, {"status": "not found"})
            alive = alive_workers(arbiter, time.monotonic())
            self._answer(200 if alive else 503,
                         {"status": "ok" if alive else "no live worker", "workers": alive})

        def _answer(self, status: int, body: dict):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args):
            """Nothing: a probe every few seconds is not news."""

    return Liveness
