"""Why a field is not valid reaches a page by its code: the page says it in its language from
the `errors` catalogue, so rewording a service's English changes no page; marshmallow's own
reasons are coded too, and every code a service can give has its words in both languages."""
import ast
import importlib
import re
from pathlib import Path

import pytest
from nameko.exceptions import deserialize, serialize

from gateway.tests.support import make_app
from gateway.web.catalogues import catalog
from services.common import checks
from services.common.config import SERVICE_NAMES
from services.common.errors import Invalid
from services.common.schemas import load
from services.directory.contract.people import ResetRequestSchema

ROOT = Path(__file__).resolve().parents[2]


class RefusingDirectory:
    """The directory refusing a password reset request with `invalid`, as it crosses the bus."""

    def __init__(self, invalid):
        self.invalid = invalid

    def call(self, service, method, *args, **kwargs):
        assert (service, method) == ("directory", "request_password_reset")
        raise deserialize(serialize(self.invalid))


def reset_page(invalid, language) -> str:
    client = make_app(rpc=RefusingDirectory(invalid)).test_client()
    https = {"base_url": "https://localhost"}
    page = client.get(f"/password-reset?lang={language}", **https)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    answer = client.post("/password-reset", data={"email": "x", "csrf_token": csrf.group(1)},
                         **https)
    assert answer.status_code == 422, answer.get_data(as_text=True)[:500]
    main = re.search(r"<main.*</main>", answer.get_data(as_text=True), re.S).group(0)
    return re.sub(r'name="csrf_token" value="[^"]+"', "", main)  # a new one for each form


def refused_with(wording) -> Invalid:
    return Invalid({"email": [checks.reason("not_an_email", wording)]})


@pytest.mark.parametrize("language, words", [("it", "Non è un indirizzo email valido."),
                                              ("en", "Not an email address.")])
def test_rewording_a_services_reason_changes_no_page(language, words):
    before = reset_page(refused_with("Not an email address."), language)
    after = reset_page(refused_with("That does not look like an email address to us."), language)
    assert words in before and before == after


def test_marshmallows_own_reasons_and_a_validators_numbers_are_said_in_italian():
    with pytest.raises(Invalid) as missing:
        load(ResetRequestSchema, {"email": "a" * 400})
    page = reset_page(missing.value, "it")
    assert "Al massimo 200 caratteri." in page and "Non è un indirizzo email valido." in page
    assert "Longer than" not in page
    with pytest.raises(Invalid) as empty:
        load(ResetRequestSchema, {})
    assert "Questo campo è obbligatorio." in reset_page(empty.value, "it")


def test_a_reason_keeps_its_code_and_numbers_across_the_bus():
    with pytest.raises(Invalid) as refused:
        load(ResetRequestSchema, {"email": "a" * 400, "unexpected": 1})
    crossed = deserialize(serialize(refused.value))
    assert crossed.errors == refused.value.errors
    assert crossed.codes["unexpected"] == [["unknown", {}]]
    assert [code for code, _ in crossed.codes["email"]] == [
        code for code, _ in refused.value.codes["email"]]


def codes_services_give() -> set:
    """Every code a field's reason may carry: marshmallow's own, our fields', our validators'
    defaults, and each written in a module (checks.reason/refuse/Reason, `code=`)."""
    for service in SERVICE_NAMES:
        importlib.import_module(f"services.{service}.service")  # every field class of ours
    found = checks.library_codes() | checks.own_field_codes() | {"empty"}
    for validator in (checks.Length, checks.Range, checks.OneOf, checks.Regexp, checks.Email):
        found |= set(validator.message_codes.values()) | ({validator.code} - {None})
    for path, tree in modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _of_checks(node):
                if node.func.attr in ("reason", "refuse", "Reason"):
                    found.add(node.args[0].value)
                found |= {keyword.value.value for keyword in node.keywords
                          if keyword.arg == "code"}
    return found


def _of_checks(call) -> bool:
    return isinstance(call.func, ast.Attribute) and getattr(call.func.value, "id", "") == "checks"


def modules():
    for folder in ("services", "gateway"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "tests" not in relative.parts:
                yield relative, ast.parse(path.read_text(), str(relative))


@pytest.mark.parametrize("language", ["it", "en"])
def test_every_code_a_field_may_be_refused_with_has_its_words(language):
    words = {message.id: message.string for message in catalog(language, "errors") if message.id}
    codes = codes_services_give()
    assert {"required", "unknown", "too_long", "invalid_integer", "range_euros"} <= codes
    assert sorted(code for code in codes if not words.get(code)) == []


# the onboarding CSV's report names lines and columns of a file for the API: English only
REPORTS = {Path(f"services/directory/{name}.py")
           for name in ("onboarding", "onboarding_cells", "onboarding_file")}


def test_no_service_gives_a_reason_without_its_code():
    bare = []
    for path, tree in modules():
        if path in REPORTS:
            continue
        for node in ast.walk(tree):
            for text in _literal_reasons(node):
                bare.append(f"{path}:{text.lineno}")
    assert bare == []


def _literal_reasons(node) -> list:
    """Words written as a field's reason: the first argument of ValidationError, the items of
    the lists of an Invalid's fields, or of `errors[...] = [...]`."""
    texts = (ast.Constant, ast.JoinedStr, ast.BinOp)
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "ValidationError":
        return [node.args[0]] if node.args and isinstance(node.args[0], texts) else []
    lists = []
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Invalid" and node.args:
        given = node.args[0]
        lists = (given.values if isinstance(given, ast.Dict)
                 else [given.value] if isinstance(given, ast.DictComp) else [])
    if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript) \
            and getattr(node.targets[0].value, "id", "") == "errors":
        lists = [node.value]
    return [item for listed in lists if isinstance(listed, (ast.List, ast.ListComp))
            for item in ([listed.elt] if isinstance(listed, ast.ListComp) else listed.elts)
            if isinstance(item, texts)]


def test_the_api_answers_each_reasons_code_beside_its_english():
    client = make_app(rpc=RefusingDirectory(refused_with("Not an email address."))).test_client()
    answer = client.post("/api/v1/auth/password-reset", json={"email": "somebody@example.org"})
    assert answer.status_code == 422
    assert answer.json["errors"] == {"email": ["Not an email address."]}
    assert answer.json["codes"] == {"email": [{"code": "not_an_email", "params": {}}]}
    checked_here = client.post("/api/v1/auth/token", json={"username": "x" * 500})
    assert checked_here.status_code == 422
    assert checked_here.json["codes"]["password"] == [{"code": "required", "params": {}}]


def test_the_document_gives_every_error_answer_the_media_type_it_has():
    spec = make_app().test_client().get("/api/v1/openapi.json").json
    wrong = [f"{method.upper()} {path} {status}"
             for path, operations in spec["paths"].items()
             for method, operation in operations.items() if isinstance(operation, dict)
             for status, answer in operation.get("responses", {}).items()
             if status[0] in "45" and "application/json" in answer.get("content", {})]
    assert wrong == []
    assert set(spec["components"]["responses"]["DEFAULT_ERROR"]["content"]) == {
        "application/problem+json"}
