"""The master's liveness rule: alive while at least one worker's heartbeat is fresher than the
timeout after which the master would kill that worker."""
from types import SimpleNamespace

from gateway.liveness import alive_workers


def arbiter(*last_heartbeats):
    workers = {pid: SimpleNamespace(tmp=SimpleNamespace(last_update=lambda at=at: at))
               for pid, at in enumerate(last_heartbeats)}
    return SimpleNamespace(WORKERS=workers, timeout=30)


def test_a_worker_is_alive_until_its_heartbeat_is_older_than_the_timeout():
    assert alive_workers(arbiter(100, 95), now=110) == 2
    assert alive_workers(arbiter(100, 70), now=110) == 1
    assert alive_workers(arbiter(70, 60), now=110) == 0
    assert alive_workers(arbiter(), now=110) == 0
