"""A partner system's webhook receiver for the tests: an HTTPS server (its certificate from the
tests' CA, which the platform trusts through WEBHOOK_CA_FILE) that keeps each post it is sent;
it can be stopped and started again on the same port to play a receiver that is down."""
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.platform import free_port


class WebhookReceiver:
    def __init__(self, ca):
        self.port = free_port()
        self.posts = []  # (headers, body) of each post, in the order they came
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("localhost").configure_cert(self.context)
        self.server = None

    @property
    def url(self) -> str:
        return f"https://localhost:{self.port}/hooks/qubi"

    def start(self) -> "WebhookReceiver":
        posts = self.posts

        class Taking(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                posts.append((dict(self.headers), body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Taking)
        self.server.socket = self.context.wrap_socket(self.server.socket, server_side=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
