"""The walls between the parts, as pyproject.toml's [tool.importlinter] states them: the gateway
imports only services.common and the services' contracts, no service imports another,
services.common imports no service, a contract imports no SQLAlchemy and no service's insides,
and no cycle between the modules of one package."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_are_kept():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
