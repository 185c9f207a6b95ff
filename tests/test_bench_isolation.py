"""Every bench, `make chaos` included, starts its platform on a vhost of its own: beside a
running `make run` (or another bench), two platforms on one vhost answer each other's RPCs,
and `make chaos` lost referrals that way."""
import ast
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"


def platforms_without_their_vhost() -> list:
    found = []
    for path in sorted(BENCH.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Platform":
                given = node.args[0] if node.args else None
                keys = {key.value for key in getattr(given, "keys", []) if
                        isinstance(key, ast.Constant)}
                if "AMQP_URI" not in keys:
                    found.append(f"{path.name}:{node.lineno}")
    return found


def test_every_bench_platform_is_given_a_vhost_of_its_own():
    assert platforms_without_their_vhost() == []
    sources = {path.name: path.read_text() for path in BENCH.glob("*.py")}
    starting = [name for name, text in sources.items() if "Platform(" in text]
    assert len(starting) >= 6
    assert all("bench_settings(" in sources[name] or "own_vhost(" in sources[name]
               for name in starting)
