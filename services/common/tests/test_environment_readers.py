"""`Settings` (services/common/config.py) is the only reader of the environment: every other
module of the services, the gateway and the deploy tools is handed its settings."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
READER = "services/common/config.py"
# modules that read the environment to hand it on, not to be configured by it
LAUNCHERS = {
    "deploy/local.py": "starts the platform's processes with this environment and its own "
                       "additions (QUBI_ENV, SMTP_URL)",
}


def environment_reads(tree) -> list:
    """Lines that read os.environ or call os.getenv; `os.environ[name] = value`, which sets a
    variable for the processes started after it, is no read."""
    written = {id(target.value) for node in ast.walk(tree) if isinstance(node, ast.Assign)
               for target in node.targets if isinstance(target, ast.Subscript)}
    reads = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "os" and any(
                alias.name in ("environ", "environb", "getenv") for alias in node.names):
            reads.append(node.lineno)
        if (isinstance(node, ast.Attribute) and node.attr in ("environ", "environb", "getenv")
                and isinstance(node.value, ast.Name) and node.value.id == "os"
                and id(node) not in written):
            reads.append(node.lineno)
    return reads


def test_only_the_settings_read_the_environment():
    found = {}
    for folder in ("services", "gateway", "deploy"):
        for path in (ROOT / folder).rglob("*.py"):
            name = path.relative_to(ROOT).as_posix()
            if "/tests/" in name or name in (READER, *LAUNCHERS):
                continue
            reads = environment_reads(ast.parse(path.read_text(), name))
            if reads:
                found[name] = reads
    assert found == {}, f"read the environment outside {READER}: {found}"


def test_the_scan_sees_a_read_and_not_a_write():
    assert environment_reads(ast.parse("import os\nos.environ.get('X')")) == [2]
    assert environment_reads(ast.parse("import os\nos.getenv('X')")) == [2]
    assert environment_reads(ast.parse("from os import environ")) == [1]
    assert environment_reads(ast.parse("import os\nos.environ['X'] = 'y'")) == []
