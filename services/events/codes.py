"""The check-in codes of registrations (check_in.py reads them at the door)."""
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O or U to misread
LENGTH = 8  # 40 bits: not guessed at a door, short enough to read out and type


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
