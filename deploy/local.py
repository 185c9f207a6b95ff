"""The whole platform on one machine: the services and the gateway as processes.

`make run` uses it (`python -m deploy.local`), starting again a part that stops (`Keeper`);
the system tests use `Platform` to start, stop and restart each part the same way.
"""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from services.common.broker import broker_reachable, unreachable_message
from services.common.config import (SERVICE_NAMES, ConfigurationError, development_mail_url,
                                    load_settings)

BIN = Path(sys.executable).parent


class Platform:
    """The services and the gateway as processes. With `replicas`, each of them runs that many
    times, as on Kubernetes: the first keeps the part's name (`referrals`, `gateway`), the others
    are `referrals-2`..., and the gateway's second, third... replicas listen on
    `other_gateway_ports`."""

    def __init__(self, env: dict, port: int = 8000, log_dir: Path | None = None,
                 replicas: int = 1, other_gateway_ports: tuple = ()):
        self.env = {**os.environ, **env}
        self.port = port
        self.log_dir = log_dir
        self.replicas = replicas
        self.gateway_ports = [port, *other_gateway_ports]
        assert len(self.gateway_ports) >= replicas, "a port for each of the gateway's replicas"
        self.processes = {}

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    @property
    def urls(self) -> list:
        """Each of the gateway's replicas' address."""
        return [f"http://localhost:{port}" for port in self.gateway_ports[:self.replicas]]

    def replica_names(self, part: str) -> list:
        return [part] + [f"{part}-{number}" for number in range(2, self.replicas + 1)]

    def admin(self, *args):
        subprocess.run([BIN / "qubi-admin", *args], env=self.env, check=True)

    def prepare(self):
        self.admin("migrate")
        self.admin("declare")
        self.admin("seed")

    def start_service(self, name: str):
        """Starts the service `name` (`referrals`), or the replica `name` (`referrals-2`)."""
        self.processes[name] = self._spawn(name, [BIN / "qubi-service", name.split("-")[0]])

    def start_gateway(self, name: str = "gateway"):
        replica = int(name.partition("-")[2] or 1)
        port = self.gateway_ports[replica - 1]
        self.processes[name] = self._spawn(name, [
            BIN / "gunicorn", "--config", "python:gateway.serving",
            "--bind", f"0.0.0.0:{port}", "--graceful-timeout", "5",
            "gateway.app:create_app()",
        ])

    def start(self):
        for name in SERVICE_NAMES:
            for replica in self.replica_names(name):
                self.start_service(replica)
        for replica in self.replica_names("gateway"):
            self.start_gateway(replica)

    def start_again(self, name: str):
        if name == "gateway":
            self.start_gateway()
        elif name.startswith("gateway-"):
            self.start_gateway(name)
        else:
            self.start_service(name)

    def stop(self, name: str, sig=signal.SIGTERM):
        process = self.processes.pop(name, None)
        if process and process.poll() is None:
            process.send_signal(sig)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def stop_all(self, timeout: float = 15, ask: bool = True):
        """Asks every process to stop at once (unless they were already asked: `ask=False`),
        then waits for them together; what is still running after `timeout` seconds is killed."""
        processes = [process for process in self.processes.values() if process.poll() is None]
        self.processes.clear()
        for process in processes if ask else ():
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in processes:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def wait_ready(self, timeout: float = 60) -> bool:
        """Until every replica of the gateway says the platform is ready."""
        deadline = time.monotonic() + timeout
        waiting = self.urls
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with code {process.returncode}")
            waiting = [url for url in waiting if not self._ready(url)]
            if not waiting:
                return True
            time.sleep(0.5)
        return False

    @staticmethod
    def _ready(url: str) -> bool:
        try:
            return requests.get(f"{url}/readyz", timeout=10).status_code == 200
        except requests.RequestException:
            return False

    def _spawn(self, name, command):
        output = None
        if self.log_dir:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            output = open(self.log_dir / f"{name}.log", "ab")
        return subprocess.Popen([str(part) for part in command], env=self.env, stdout=output,
                                stderr=subprocess.STDOUT if output else None)


class Keeper:
    """Keeps `make run`'s processes running: one that stops by itself is started again, after
    1 s, then 2, 4... (the second and later stops within a minute); one that stops more than
    `MAX_STOPS_PER_MINUTE` times within a minute is left stopped while the rest keep running."""
    MAX_STOPS_PER_MINUTE = 5

    def __init__(self, platform: Platform, say=print, clock=time.monotonic):
        self.platform = platform
        self.say = say
        self.clock = clock
        self.stops = {}  # name -> when it stopped, within the last minute
        self.starting = {}  # name -> when it is started again

    def check(self):
        now = self.clock()
        for name, process in list(self.platform.processes.items()):
            if name not in self.starting and process.poll() is not None:
                self._stopped(name, process.returncode, now)
        for name, when in list(self.starting.items()):
            if when <= now:
                del self.starting[name]
                self.platform.start_again(name)

    def _stopped(self, name: str, returncode: int, now: float):
        stops = [when for when in self.stops.get(name, []) if now - when < 60] + [now]
        self.stops[name] = stops
        part = "the gateway" if name == "gateway" else f"the {name} service"
        how = (f"killed by signal {-returncode}" if returncode < 0
               else f"exit code {returncode}")
        if len(stops) > self.MAX_STOPS_PER_MINUTE:
            del self.platform.processes[name]
            self.say(f"{part} stopped ({how}), {len(stops)} times within a minute: not "
                     "starting it again; the rest of the platform keeps running.")
            return
        delay = 2 ** (len(stops) - 1)
        self.starting[name] = now + delay
        self.say(f"{part} stopped ({how}); starting it again in {delay} s.")


DEMO_USERS = ["citta", "coord8", "coord3", "asc8", "asc4", "partner8a", "partner8b", "partner2"]


def main():
    # every email kept as a file to read, unless a mail server is named
    environ = {} if "SMTP_URL" in os.environ else {"SMTP_URL": development_mail_url()}
    # a developer's machine: the public development secrets, unless QUBI_ENV says otherwise
    environ["QUBI_ENV"] = os.environ.get("QUBI_ENV") or "development"
    try:
        settings = load_settings({**os.environ, **environ})
    except ConfigurationError as error:
        sys.exit(f"make run: {error}")
    if not broker_reachable(settings.amqp_uri):
        sys.exit(unreachable_message(settings.amqp_uri))
    platform = Platform(environ, port=settings.port)
    platform.prepare()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    interrupted = False
    try:
        platform.start()
        if not platform.wait_ready():
            sys.exit("The platform did not become ready within a minute; see the lines above.")
        print(f"\nRete QuBì is running at {platform.url}\n"
              f"  API:      {platform.url}/api/v1/networks\n"
              f"  API docs: {platform.url}/api/v1/docs\n"
              f"  Mail:     {settings.mail_transport.where}\n"
              f"  SMS:      {settings.sms_where}\n"
              f"  Demo logins (password '{settings.demo_password}'): {', '.join(DEMO_USERS)}\n"
              f"Press Ctrl-C to stop.\n", flush=True)
        keeper = Keeper(platform, say=lambda line: print(line, file=sys.stderr, flush=True))
        while platform.processes:
            keeper.check()
            time.sleep(1)
        sys.exit("Every part of the platform stopped too often to be started again.")
    except KeyboardInterrupt:
        print("\nStopping...", flush=True)
        interrupted = True
    finally:
        # a second signal (Ctrl-C pressed again, a supervisor's TERM after the terminal's) must
        # not cut the stopping short and leave the processes behind
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        # Ctrl-C reached every process of the terminal already: then they are only waited for
        platform.stop_all(ask=not interrupted)


if __name__ == "__main__":
    main()
