"""Encryption at rest with the data keys (Fernet: AES-128-CBC with HMAC-SHA256).

Keys come from PERSONAL_DATA_KEYS, newest first. Values are always written with the newest key
and read with any of them, so a key is rotated by putting a new one in front, running
`qubi-admin rotate-keys` (which rewrites every value with the newest key), then dropping the old.
The referrals service seals families' personal data with them, the directory the two-factor
secrets, and a one-time link crosses the bus sealed (only the notifications service opens it).
"""
import json

from cryptography.fernet import Fernet, MultiFernet
from nameko.extensions import DependencyProvider


class Cipher:
    def __init__(self, keys):
        self._fernet = MultiFernet([Fernet(key) for key in keys])

    def seal(self, value) -> bytes | None:
        if value is None:
            return None
        return self._fernet.encrypt(json.dumps(value, ensure_ascii=False).encode())

    def open(self, token: bytes | None):
        if token is None:
            return None
        return json.loads(self._fernet.decrypt(token))

    def seal_text(self, value) -> str:
        """Sealed as text, for an event payload."""
        return self.seal(value).decode()

    def open_text(self, token: str):
        return self.open(token.encode())

    def rotate(self, token: bytes | None) -> bytes | None:
        return None if token is None else self._fernet.rotate(token)


class DataCipher(DependencyProvider):
    """The service's `Cipher`, made once from PERSONAL_DATA_KEYS."""

    def setup(self):
        self.cipher = Cipher(self.container.config["PERSONAL_DATA_KEYS"])

    def get_dependency(self, worker_ctx):
        return self.cipher
