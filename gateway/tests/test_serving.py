"""What gunicorn's master loads (gateway/serving.py) before it forks the workers."""
import os
import subprocess
import sys


def test_the_master_loads_no_flask_for_the_eventlet_workers_to_trip_on():
    """The eventlet worker monkey-patches after the fork and walks every module it finds:
    Flask's context proxies there raise, one traceback per worker."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, gateway.serving; print(sorted(sys.modules))"],
        capture_output=True, text=True, check=True, env={**os.environ, "QUBI_ENV": "test"},
    ).stdout
    assert "'gateway.serving'" in loaded
    assert "'flask'" not in loaded and "'werkzeug'" not in loaded
