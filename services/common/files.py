"""Files written whole: under a temporary name, then renamed, so a reader of the directory never
sees half of one, and writing it again replaces it rather than adding one."""
import tempfile
from pathlib import Path


def keep(directory: Path, name: str, data: bytes) -> str | None:
    """Writes `data` as `directory/name`; None, or what went wrong."""
    temporary = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".", suffix=".tmp",
                                         delete=False) as file:
            temporary = Path(file.name)
            file.write(data)
        temporary.replace(directory / name)
        return None
    except OSError as error:
        if temporary:
            temporary.unlink(missing_ok=True)
        return f"{type(error).__name__}: {error}"[:500]
