"""A real SMS gateway for the tests: Kannel's bearerbox and smsbox, with an SMSC of type `fake`
that Kannel's own `fakesmsc` (package kannel-extras) connects to, on free ports, in a directory
of their own. What the platform sends arrives at fakesmsc, which the test reads; what a phone
would send, the test types into fakesmsc."""
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import unquote_plus

import requests

BEARERBOX, SMSBOX = "/usr/sbin/bearerbox", "/usr/sbin/smsbox"
FAKESMSC = "/usr/lib/kannel/test/fakesmsc"
MISSING = ("Kannel is needed for the SMS tests: apt-get install kannel kannel-extras "
           "(bearerbox, smsbox and fakesmsc)")
USERNAME, PASSWORD = "qubi", "kannel-test-password"
CONFIG = """
group = core
admin-port = {admin_port}
admin-password = {password}
admin-allow-ip = "127.0.0.1"
smsbox-port = {smsbox_port}
box-allow-ip = "127.0.0.1"
dlr-storage = internal
log-file = "{directory}/bearerbox.log"
log-level = 0

group = smsc
smsc = fake
smsc-id = fake
port = {fake_port}
connect-allow-ip = "127.0.0.1"

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {smsbox_port}
sendsms-port = {sendsms_port}
log-file = "{directory}/smsbox.log"
log-level = 0

group = sendsms-user
username = {username}
password = {password}
max-messages = 3
concatenation = true

group = sms-service
keyword = default
get-url = "{inbound_url}"
max-messages = 0
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def require_kannel():
    missing = [path for path in (BEARERBOX, SMSBOX, FAKESMSC) if not Path(path).exists()]
    assert not missing, MISSING


class Kannel:
    """Kannel with its fake SMSC, calling back `inbound_url` with what phones send."""

    def __init__(self, directory: Path, inbound_url: str):
        require_kannel()
        self.directory = directory
        ports = {name: free_port()
                 for name in ("admin_port", "smsbox_port", "sendsms_port", "fake_port")}
        self.ports = ports
        self.sendsms_url = f"http://127.0.0.1:{ports['sendsms_port']}/cgi-bin/sendsms"
        self.config = directory / "kannel.conf"
        self.config.write_text(CONFIG.format(directory=directory, username=USERNAME,
                                             password=PASSWORD, inbound_url=inbound_url,
                                             **ports))
        self.processes = []
        self.phone_log = directory / "fakesmsc.log"

    def start(self) -> "Kannel":
        self._start([BEARERBOX, "-v", "1", str(self.config)], "bearerbox.out")
        _wait_for_port(self.ports["fake_port"])
        self.phone = self._start([FAKESMSC, "-H", "127.0.0.1", "-r", str(self.ports["fake_port"]),
                                  "-i", "0", "-v", "0"], self.phone_log.name,
                                 stdin=subprocess.PIPE)
        self._start([SMSBOX, "-v", "1", str(self.config)], "smsbox.out")
        _wait_for_port(self.ports["sendsms_port"])
        return self

    def _start(self, command, log_name, **kwargs):
        log = open(self.directory / log_name, "wb")
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, **kwargs)
        self.processes.append((process, log))
        return process

    def stop(self):
        for process, log in reversed(self.processes):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()

    def received(self) -> list:
        """The SMS the phones received: (to, text), in order."""
        messages = []
        for line in self.phone_log.read_text(errors="replace").splitlines():
            if "Got message" not in line:
                continue
            sender, receiver, kind, data = line.split(": <", 1)[1].rstrip(">").split(" ", 3)
            messages.append((receiver, unquote_plus(data) if kind == "data" else data))
        return messages

    def send_from_phone(self, number: str, text: str):
        """An SMS a phone sends to the platform's number."""
        self.phone.stdin.write(f"{number} 1234 text {text}\n".encode())
        self.phone.stdin.flush()

    def status(self) -> str:
        return requests.get(f"http://127.0.0.1:{self.ports['admin_port']}/status.txt",
                            params={"password": PASSWORD}, timeout=5).text


def _wait_for_port(port: int, seconds: float = 15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"Kannel did not listen on port {port} within {seconds} s")

