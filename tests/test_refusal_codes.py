"""Every refusal the services and the gateway raise names its code, so that a page can say it in
its language from the `errors` catalogue (gateway/translations/<language>/LC_MESSAGES/errors.po)
instead of showing the service's English. Read from the source with `ast`: nothing is started."""
import ast
from pathlib import Path

from services.common import errors

ROOT = Path(__file__).resolve().parents[1]


def family(base) -> set:
    found = {base.__name__}
    for subclass in base.__subclasses__():
        found |= family(subclass)
    return found


# Invalid always says its code ("invalid") and names its fields' reasons instead
CODED = (family(errors.DomainError) & set(vars(errors))) - {"Invalid"}


def modules():
    for folder in ("services", "gateway"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "tests" not in relative.parts and not path.name.startswith("test_"):
                yield relative, ast.parse(path.read_text(), str(relative))


def name_of(node):
    return getattr(node, "id", None) or getattr(node, "attr", None)


def code_argument(call: ast.Call):
    """The code given to a DomainError (its second argument, or `code=`), if any."""
    given = [keyword.value for keyword in call.keywords if keyword.arg == "code"]
    if len(call.args) > 1:
        given.append(call.args[1])
    return given[0] if given and not (isinstance(given[0], ast.Constant)
                                      and given[0].value is None) else None


def constructions(tree):
    """Where an error of the family is built, and how: ("call", the call) for a class built by
    its caller; ("super", the call) for a subclass defined here that builds itself, in its
    `super().__init__`; ("raise", the raise) for a class raised with no call at all."""
    coded = set(CODED)
    building = set()  # subclasses with their own __init__
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(name_of(base) in coded for base in node.bases):
            coded.add(node.name)
            if any(isinstance(item, ast.FunctionDef) and item.name == "__init__"
                   for item in node.body):
                building.add(node.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name in building:
            for call in ast.walk(node):
                if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                        and call.func.attr == "__init__"
                        and isinstance(call.func.value, ast.Call)
                        and name_of(call.func.value.func) == "super"):
                    yield "super", call
        elif isinstance(node, ast.Call) and name_of(node.func) in coded - building:
            yield "call", node
        elif (isinstance(node, ast.Raise) and isinstance(node.exc, (ast.Name, ast.Attribute))
              and name_of(node.exc) in coded - building):
            yield "raise", node


def uncoded(relative, tree) -> list:
    """file:line of each error of the family built with no code."""
    return [f"{relative}:{node.lineno}: {ast.unparse(node)[:100]}"
            for how, node in constructions(tree)
            if how == "raise" or code_argument(node) is None]


def codes_used() -> dict:
    """Each code written as a literal where an error of the family is built: {code: where}."""
    used = {}
    for relative, tree in modules():
        for how, node in constructions(tree):
            for code in literals(code_argument(node) if how != "raise" else None):
                used.setdefault(code, f"{relative}:{node.lineno}")
    return used


def literals(node) -> list:
    """The codes an expression may give: a string, or either side of `a if test else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return literals(node.body) + literals(node.orelse)
    return []


def test_every_refusal_names_its_code():
    assert {"Forbidden", "NotFound", "NotAuthenticated", "MfaRequired", "Unavailable"} <= CODED
    found = [line for relative, tree in modules() for line in uncoded(relative, tree)]
    assert found == []


def test_an_uncoded_refusal_is_found():
    tree = ast.parse("from services.common.errors import Forbidden, NotFound\n"
                     "class Slow(NotFound):\n"
                     "    def __init__(self):\n"
                     "        super().__init__('Slow.')\n"
                     "def look(found):\n"
                     "    if not found:\n"
                     "        raise NotFound('No such thing.')\n"
                     "    raise Forbidden('Not yours.', 'thing_not_yours', {'id': found})\n")
    assert uncoded("example.py", tree) == [
        "example.py:4: super().__init__('Slow.')",
        "example.py:7: NotFound('No such thing.')"]


def test_every_code_has_its_words_in_each_language():
    from gateway.web.catalogues import catalog

    used = codes_used()
    assert len(used) > 60 and "drive_closed" in used and "role_required" in used
    italian, english = ({message.id for message in catalog(language, "errors")
                         if message.id and message.string} for language in ("it", "en"))
    assert italian == english  # no code said in one language only
    assert {code: where for code, where in used.items() if code not in italian} == {}
