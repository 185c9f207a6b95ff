"""A real SMTP server for the tests (aiosmtpd in its own process), keeping what it receives in
a Maildir; it can be stopped and started again to play a mail server that is down."""
import mailbox
import socket
import subprocess
import sys
import time
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.handlers import Mailbox

ROOT = Path(__file__).resolve().parents[1]


class RefusingMailbox(Mailbox):
    """Keeps every message, but refuses addresses that start with "nobody" (a bounce)."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    def __init__(self, maildir: Path):
        self.maildir = maildir
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}",
             "-c", "tests.smtp.RefusingMailbox", str(self.maildir)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the test SMTP server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def messages(self) -> list:
        box = mailbox.Maildir(self.maildir, create=True)
        return [message_from_bytes(box.get_bytes(key), policy=policy.default) for key in box.keys()]


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()
