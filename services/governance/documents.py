"""Documents attached to a meeting. Their type is told by their first bytes, not by what the
uploader claims, and must be one a member can open safely (contract.DOCUMENT_TYPES); their size
is at most MAX_DOCUMENT_BYTES. The bytes go to a storage (a directory on disk by default,
anything with `put`/`get` otherwise) under a name the service makes; the database keeps the
record and the SHA-256."""
import base64
import binascii
import hashlib
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Protocol

from nameko.extensions import DependencyProvider

from services.common import files
from services.common.checks import reason
from services.common.database import find, new_id
from services.common.errors import Invalid, NotFound, Unavailable
from services.governance import meetings
from services.governance.contract import DOCUMENT_TOO_LARGE, MAX_DOCUMENT_BYTES
from services.governance.models import Document

ODF = b"PK\x03\x04"
OOXML_PARTS = {"word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class Storage(Protocol):
    def put(self, key: str, data: bytes) -> None: ...

    def get(self, key: str) -> bytes: ...


class DiskStorage:
    def __init__(self, root: Path):
        self.root = Path(root)

    def put(self, key: str, data: bytes) -> None:
        error = files.keep(self.root, key, data)
        if error:
            raise Unavailable("The document could not be stored.", "storage_failed")

    def get(self, key: str) -> bytes:
        try:
            return (self.root / key).read_bytes()
        except OSError:
            raise Unavailable("The document could not be read.", "storage_failed") from None


def attach(tx, caller, storage: Storage, meeting_id: str, data: dict, now) -> Document:
    meeting = meetings.visible(tx.session, caller, meeting_id)
    content = _decoded(data["data"])
    content_type = kind_of(content, data["filename"])
    key = f"{meeting.id}-{new_id()}"
    storage.put(key, content)
    document = Document(meeting_id=meeting.id, filename=_plain_name(data["filename"]),
                        content_type=content_type, size=len(content),
                        sha256=hashlib.sha256(content).hexdigest(), storage_key=key,
                        uploaded_by_user_id=caller.user_id, uploaded_at=now)
    tx.session.add(document)
    tx.session.flush()
    return document


def read(session, caller, storage: Storage, meeting_id: str, document_id: str) -> dict:
    meeting = meetings.visible(session, caller, meeting_id)
    document = find(session, Document, document_id)
    if document is None or document.meeting_id != meeting.id:
        raise NotFound("No such document.", "document_not_found")
    content = storage.get(document.storage_key)
    return {**{name: getattr(document, name) for name in (
        "id", "filename", "content_type", "size", "uploaded_at")},
        "data": base64.b64encode(content).decode()}


def kind_of(content: bytes, filename: str) -> str:
    """The content type the bytes show, or a 422 on `data`."""
    found = _sniffed(content, filename.lower())
    if found is None:
        raise Invalid({"data": [reason("document_type", "A PDF, an office document (ODF or "
                                       "OOXML), an image (PNG, JPEG) or a text file.")]})
    return found


def _sniffed(content: bytes, filename: str) -> str | None:
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(ODF):
        return _zipped(content)
    if b"\x00" not in content:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "text/csv" if filename.endswith(".csv") else "text/plain"
    return None


def _zipped(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                with archive.open("mimetype") as declared_type:  # a few bytes, however it unpacks
                    declared = declared_type.read(100).decode("ascii", "replace").strip()
                return declared if declared in (
                    "application/vnd.oasis.opendocument.text",
                    "application/vnd.oasis.opendocument.spreadsheet") else None
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return next((kind for prefix, kind in OOXML_PARTS.items()
                 if any(name.startswith(prefix) for name in names)), None)


def _decoded(text: str) -> bytes:
    try:
        content = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid({"data": [reason("document_encoding", "The file's bytes in base64.")]}) \
            from None
    if not content:
        raise Invalid({"data": [reason("document_empty", "The file is empty.")]})
    if len(content) > MAX_DOCUMENT_BYTES:
        raise Invalid({"data": [DOCUMENT_TOO_LARGE]})
    return content


def _plain_name(filename: str) -> str:
    """The file's own name, without any folder, and nothing a header could be split with."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in name if c.isprintable() and c not in '"\r\n') or "documento"


class DocumentStorage(DependencyProvider):
    """The storage a service's workers share: a directory on disk, `GOVERNANCE_DOCUMENTS` in
    the config (Settings)."""

    def setup(self):
        self.storage = DiskStorage(Path(self.container.config["GOVERNANCE_DOCUMENTS"]))

    def get_dependency(self, worker_ctx):
        return self.storage
