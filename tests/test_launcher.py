"""`make run` starts again a part of the platform that stops, says so, waits longer each time,
and leaves alone one that keeps stopping while the rest run on: its `Keeper`, with processes
and a clock of the test's own (nothing is started)."""
from deploy.local import Keeper, Platform


class Process:
    def __init__(self, returncode=None):
        self.returncode = returncode

    def poll(self):
        return self.returncode


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class Launched(Platform):
    """A platform whose processes are the test's: each start is a new running `Process`."""

    def __init__(self):
        super().__init__({})
        self.started = []
        for name in ("directory", "events", "gateway"):
            self.processes[name] = Process()

    def start_service(self, name):
        self.started.append(name)
        self.processes[name] = Process()

    def start_gateway(self):
        self.start_service("gateway")


def keeper():
    said, clock = [], Clock()
    return Keeper(Launched(), say=said.append, clock=clock), said, clock


def test_a_service_that_stops_is_started_again_after_a_second_and_it_is_said():
    keeping, said, clock = keeper()
    keeping.platform.processes["directory"].returncode = 1
    keeping.check()
    assert said == ["the directory service stopped (exit code 1); starting it again in 1 s."]
    assert keeping.platform.started == []
    clock.now += 1
    keeping.check()
    assert keeping.platform.started == ["directory"]
    assert keeping.platform.processes["directory"].poll() is None


def test_each_stop_within_a_minute_waits_twice_as_long_and_the_sixth_is_the_last():
    keeping, said, clock = keeper()
    for delay in (1, 2, 4, 8, 16):
        keeping.platform.processes["gateway"].returncode = -9
        keeping.check()
        assert said[-1] == (f"the gateway stopped (killed by signal 9); starting it again in "
                            f"{delay} s.")
        clock.now += delay
        keeping.check()
    assert keeping.platform.started == ["gateway"] * 5
    keeping.platform.processes["gateway"].returncode = 3
    keeping.check()
    assert said[-1] == ("the gateway stopped (exit code 3), 6 times within a minute: not "
                        "starting it again; the rest of the platform keeps running.")
    assert sorted(keeping.platform.processes) == ["directory", "events"]
    clock.now += 60
    keeping.check()
    assert keeping.platform.started == ["gateway"] * 5


def test_a_stop_more_than_a_minute_after_the_last_waits_a_second_again():
    keeping, said, clock = keeper()
    keeping.platform.processes["events"].returncode = 1
    keeping.check()
    clock.now += 61
    keeping.check()
    keeping.platform.processes["events"].returncode = 1
    keeping.check()
    assert said[-1] == "the events service stopped (exit code 1); starting it again in 1 s."
