"""Typed domain errors. They cross nameko RPC as themselves (not as RemoteError), so the
gateway can map each to its RFC 9457 problem."""
from nameko.exceptions import deserialize_to_instance

from services.common.checks import coded


class DomainError(Exception):
    """`detail` says it in English for the API and the logs; `code` and `params`, when given,
    name it for the pages and emails, which say it in their language from the `errors`
    catalogue: rewording `detail` changes no page."""
    status = 400
    title = "Bad request"
    extra = {}  # more members of the problem, for the client to act on

    def __init__(self, detail=None, code=None, params=None):
        # all in args: nameko rebuilds an error from them on the other side of the bus
        if code is not None:
            super().__init__(detail, code, params or {})
        else:
            super().__init__(*(() if detail is None else (detail,)))

    def __str__(self):
        return self.detail

    @property
    def detail(self) -> str:
        return self.args[0] if self.args and self.args[0] else self.title

    @property
    def code(self) -> str | None:
        return self.args[1] if len(self.args) > 1 else None

    @property
    def params(self) -> dict:
        return (self.args[2] if len(self.args) > 2 else None) or {}


@deserialize_to_instance
class NotAuthenticated(DomainError):
    status = 401
    title = "Not authenticated"


@deserialize_to_instance
class MfaRequired(NotAuthenticated):
    """The password was right; the account asks for its second factor (`otp`) too."""
    extra = {"mfa_required": True}


@deserialize_to_instance
class Forbidden(DomainError):
    status = 403
    title = "Forbidden"


@deserialize_to_instance
class NotFound(DomainError):
    status = 404
    title = "Not found"


@deserialize_to_instance
class Conflict(DomainError):
    status = 409
    title = "Conflict"


@deserialize_to_instance
class Gone(DomainError):
    """A one-time link that was used, revoked or has expired."""
    status = 410
    title = "Gone"


@deserialize_to_instance
class Invalid(DomainError):
    """Invalid input: `errors` maps each bad field (dotted path) to its reasons in English,
    `codes` to the same reasons as [code, params] (reasons.py), which the pages say."""

    status = 422
    title = "Invalid input"

    def __init__(self, errors, detail="Some fields are not valid.", codes=None):
        codes = codes if codes is not None else flatten_messages(errors, coded)
        errors = flatten_messages(errors)
        Exception.__init__(self, errors, detail, codes)
        self.errors, self.codes = errors, codes

    @property
    def detail(self) -> str:
        return self.args[1]

    @property
    def code(self) -> str:
        return "invalid"

    def joined(self, other: "Invalid") -> "Invalid":
        """This refusal and `other`'s as one: each field's reasons together."""
        errors, codes = {}, {}
        for refusal in (self, other):
            for field, reasons in refusal.errors.items():
                errors.setdefault(field, []).extend(reasons)
                codes.setdefault(field, []).extend(refusal.codes.get(field, []))
        return Invalid(errors, self.detail, codes)

    @property
    def params(self) -> dict:
        return {}


def flatten_messages(messages, each=str, prefix="") -> dict:
    """marshmallow's nested {"municipi": {0: [..]}} becomes {"municipi.0": [..]}, each reason
    as `each` gives it (its English by default)."""
    flat = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                flat.update(flatten_messages(value, each, path))
            else:
                flat[path] = [each(reason) for reason in _listed(value)]
    else:
        flat[prefix or "_schema"] = [each(reason) for reason in _listed(messages)]
    return flat


def _listed(value) -> list:
    return [value] if isinstance(value, str) else list(value)


@deserialize_to_instance
class Unavailable(DomainError):
    """A service this one needs did not answer in time."""

    status = 503
    title = "Service unavailable"


@deserialize_to_instance
class AnswerTooLarge(DomainError):
    """An answer bigger than a service may send on the bus (MAX_ANSWER_BYTES), sent instead."""

    status = 500
    title = "Answer too large"
