"""marshmallow's checks with coded reasons: why a field is not valid, named by a code with
parameters as well as said in English.

A reason is a `Reason`: a string (the English the API shows and marshmallow carries) that also
holds its `code` and `params`, which cross the bus in `Invalid.codes`; the pages say the code in
their language from the `errors` catalogue, so rewording the English changes no page. The
validators here are marshmallow's, each refusing with a `Reason`; a field of ours refuses with
`<key>_<field>` for each message it defines (`CodedField`); marshmallow's own fields' messages
("Missing data for required field.") are coded by the message the installed marshmallow gives
them (`library_code`), not by words written here.
"""
import functools
import inspect

import phonenumbers
from marshmallow import Schema, ValidationError, fields, validate


class Reason(str):
    def __new__(cls, code: str, english: str, params: dict):
        made = super().__new__(cls, english)
        made.code, made.params = code, params
        return made


def reason(code: str, english: str, **params) -> Reason:
    """One reason: `english` may name `{params}`; the catalogue's words name the same ones."""
    return Reason(code, english.format(**params) if params else english, params)


def coded(text) -> list:
    """[code, params] of one reason as marshmallow or a service gave it: ["", {}] when it has
    no code (the page then shows the English)."""
    if isinstance(text, Reason):
        return [text.code, _plain(text.params)]
    return [library_code(str(text)) or "", {}]


def _plain(params: dict) -> dict:
    return {name: value if isinstance(value, (str, int, float, bool, type(None)))
            else ", ".join(map(str, value)) if isinstance(value, (list, tuple, set))
            else str(value) for name, value in params.items()}


def library_code(message: str) -> str | None:
    return _library_codes().get(message)


@functools.cache
def _library_codes() -> dict:
    """marshmallow's own messages (required, null, not a valid integer...) -> a code, as
    `<key>` for those every field shares and `<key>_<field>` for a field's own."""
    shared = fields.Field.default_error_messages
    found = {message: key for key, message in shared.items()}
    found.update({message: key for key, message in Schema._default_error_messages.items()})
    field_classes = sorted((cls for _, cls in inspect.getmembers(fields, inspect.isclass)
                            if issubclass(cls, fields.Field)),  # a base before its subclasses
                           key=lambda cls: (len(cls.__mro__), cls.__name__))
    for field_class in field_classes:
        for key, message in field_class.default_error_messages.items():
            message = message.replace("{obj_type}", getattr(field_class, "OBJ_TYPE", "{obj_type}"))
            if "{" not in message and shared.get(key) != message:  # filled in: not matched
                found.setdefault(message, field_code(field_class, key))
    return found


def library_codes() -> set:
    """Every code `library_code` may give (the catalogues must have words for each)."""
    return set(_library_codes().values())


class CodedField:
    """A field of ours: each message it defines itself refuses as `<key>_<field>`."""

    def make_error(self, key: str, **kwargs) -> ValidationError:
        error = super().make_error(key, **kwargs)
        own = next((cls for cls in type(self).__mro__
                    if key in cls.__dict__.get("default_error_messages", {})), None)
        if own is None or own.__module__.startswith("marshmallow"):
            return error
        return ValidationError(Reason(field_code(own, key), error.messages[0], kwargs))


def field_code(field_class: type, key: str) -> str:
    return f"{key}_{field_class.__name__.lower()}"


def own_field_codes() -> set:
    """The codes of the messages our fields define (loaded modules only)."""
    found, pending = set(), list(CodedField.__subclasses__())
    while pending:
        field_class = pending.pop()
        pending.extend(field_class.__subclasses__())
        found.update(field_code(field_class, key)
                     for key in field_class.__dict__.get("default_error_messages", {}))
    return found


class _Coded:
    """A marshmallow validator whose refusal is a `Reason`: its own `code` when given (with
    its own `error`), else the code of the default message it refused with."""
    message_codes = {}  # attribute naming one of the validator's messages -> its code
    code = None

    def __init__(self, *args, code: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if code is not None:
            self.code = code
        elif getattr(self, "error", None) and self.error != getattr(self, "default_message", None):
            raise ValueError(f"{type(self).__name__} with its own error needs its own code")

    def _format_error(self, value, *message):
        english = super()._format_error(value, *message)
        code = self.code or next((code for attribute, code in self.message_codes.items()
                                  if message and getattr(self, attribute, None) == message[0]),
                                 self.code)
        return Reason(self.refined(code), english, self.params())

    def refined(self, code: str) -> str:
        return code

    def params(self) -> dict:
        return {}


class Length(_Coded, validate.Length):
    message_codes = {"message_min": "too_short", "message_max": "too_long",
                     "message_all": "length_between", "message_equal": "length_equal"}

    def refined(self, code):
        return "empty" if code == "too_short" and self.min == 1 else code

    def params(self):
        return {name: getattr(self, name) for name in ("min", "max", "equal")
                if getattr(self, name) is not None}


class Range(_Coded, validate.Range):
    message_codes = {"message_min": "at_least", "message_max": "at_most",
                     "message_all": "between"}

    def params(self):
        return {name: getattr(self, name) for name in ("min", "max")
                if getattr(self, name) is not None}


class OneOf(_Coded, validate.OneOf):
    code = "one_of"

    def params(self):
        return {"choices": self.choices_text}


class Regexp(_Coded, validate.Regexp):
    code = "not_matching"


class Email(_Coded, validate.Email):
    code = "not_an_email"


class Phone(fields.String):
    """A phone number as people write it ("02 1234 5678", "+41 44 668 18 00"), read as
    `region` dials it when it has no country code, checked against the numbering plans
    (phonenumbers) and kept in the international format ("+39 02 1234 5678")."""

    def __init__(self, *args, region: str = "IT", **kwargs):
        super().__init__(*args, **kwargs)
        self.region = region

    def _deserialize(self, value, attr, data, **kwargs):
        number = phone_number(super()._deserialize(value, attr, data, **kwargs), self.region)
        if number is None:
            raise ValidationError(reason("phone_form", "Not a phone number."))
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_number(text: str, region: str = "IT"):
    """The phone number `text` says, as `region` dials it without a country code; None when
    it is none of the numbering plans' numbers."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def phone_as_dialled(number: str, region: str = "IT") -> str:
    """A number `Phone` kept, as people in `region` write it: "02 1234 5678" for their own,
    the international format for others; as it is when it does not read as a number (kept
    before numbers were checked)."""
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return number
    local = phonenumbers.region_code_for_number(parsed) == region
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL if local
                                      else phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def stated(**openapi):
    """A check made by a function, with what the OpenAPI document says of it (a pattern, a
    description of what the pattern cannot say)."""
    def decorate(check):
        check.openapi = openapi
        return check

    return decorate


def across_fields(rule: str):
    """A schema's check across its fields (a `validates_schema` method), stated in words in the
    schema's description in the OpenAPI document."""
    def decorate(method):
        method.openapi_rule = rule
        return method

    return decorate


def refuse(code: str, english: str, field: str | None = None, **params):
    """marshmallow's ValidationError with a coded reason (from a schema's own checks)."""
    return ValidationError(reason(code, english, **params), field or "_schema")
