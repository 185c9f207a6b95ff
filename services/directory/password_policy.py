"""Which passwords people may choose (NIST SP 800-63B 3.1.1.2): at least 12 characters, long
ones welcome, no rules of composition; refused when common or known from breaches (the 30,000
most frequent passwords of public breaches, as the zxcvbn package ships them), made of one
repeated or sequential run, or built on the person's own username or on the platform's name."""
import functools

from services.common import checks
from services.common.errors import Invalid
from services.directory.contract.people import PASSWORD_MAX_LENGTH as MAX_LENGTH

MIN_LENGTH = 12
PLATFORM_WORDS = ("qubi", "retequbi")
RUNS = "abcdefghijklmnopqrstuvwxyz0123456789"


@functools.cache
def _breached() -> frozenset:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def reasons(password: str, username: str | None = None) -> list:
    """Why `password` may not be chosen; none when it may."""
    if len(password) < MIN_LENGTH:
        return [checks.reason("password_short",
                              "At least {min} characters: a few words make a good one.",
                              min=MIN_LENGTH)]
    if len(password) > MAX_LENGTH:
        return [checks.reason("too_long", "At most {max} characters.", max=MAX_LENGTH)]
    folded = password.lower()
    compact = "".join(folded.split())
    if folded in _breached() or compact in _breached():
        return [checks.reason("password_breached", "This password is among those known from data "
                                                   "breaches: choose another.")]
    if len(set(compact)) <= 2 or compact in RUNS or compact in RUNS[::-1]:
        return [checks.reason("password_run",
                              "A repeated or sequential run of characters is easy to guess.")]
    name = (username or "").lower()
    if len(name) >= 4 and name in folded:
        return [checks.reason("password_has_username",
                              "The password may not contain your username.")]
    stripped = "".join(ch for ch in compact if ch.isalnum())
    if any(stripped.startswith(word) and len(set(stripped[len(word):])) <= 2
           for word in PLATFORM_WORDS):
        return [checks.reason("password_platform_name", "The platform's name with a few characters "
                                                        "around it is easy to guess.")]
    return []


def require_acceptable(password: str, username: str | None = None, field: str = "password"):
    found = reasons(password, username)
    if found:
        raise Invalid({field: found})
