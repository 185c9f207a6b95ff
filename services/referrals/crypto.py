"""Encryption at rest of families' personal data (Fernet: AES-128-CBC with HMAC-SHA256).

Keys come from PERSONAL_DATA_KEYS, newest first. Data is always written with the newest key and
read with any of them, so a key is rotated by putting a new one in front, running
`qubi-admin rotate-keys` (which rewrites every value with the newest key), then dropping the old.
"""
import json

from cryptography.fernet import Fernet, MultiFernet
from nameko.extensions import DependencyProvider
from sqlalchemy import select

from services.referrals.models import Consent, Family, Note


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

    def rotate(self, token: bytes | None) -> bytes | None:
        return None if token is None else self._fernet.rotate(token)


def rotate_all(session, cipher: Cipher) -> int:
    """Rewrites every encrypted value with the newest key; returns how many."""
    rotated = 0
    for model, column in ((Family, "personal"), (Consent, "given_by"), (Note, "body")):
        for row in session.execute(select(model)).scalars():
            if getattr(row, column) is not None:
                setattr(row, column, cipher.rotate(getattr(row, column)))
                rotated += 1
    return rotated


class PersonalDataCipher(DependencyProvider):
    def setup(self):
        self.cipher = Cipher(self.container.config["PERSONAL_DATA_KEYS"])

    def get_dependency(self, worker_ctx):
        return self.cipher
