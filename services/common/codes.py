"""Codes people read out and type: Crockford's base 32, with no I, L, O or U to misread."""
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
MISREAD = str.maketrans({"I": "1", "L": "1", "O": "0"})


def new_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def typed(code: str) -> str:
    """A code as typed: upper case, without spaces or dashes, misread letters read right."""
    return "".join(code.split()).replace("-", "").upper().translate(MISREAD)
