"""From HTML forms to the API's bodies, and from the services' `Invalid` errors back to the
form's fields.

Inputs are named by the API field path they fill (`location.zone`, `schedules.0.opens_at`),
so that the services' errors, said in the page's language by i18n.reasons_said, land next to
the right input without a table per form. Rows of a list left wholly empty are dropped, and the
errors of the rows after them are moved back to the inputs they came from.
"""
import re

from gateway.web.i18n import gettext as _

MOST_ROWS = 100  # rows of one list a form is read for (the services' own limits are lower)


class Form:
    """What a template needs to show a form again: the values given and the errors by input."""

    def __init__(self, values=None, errors=None):
        self.values = dict(values or {})
        self.errors = {}
        self.labels = {}  # input name -> its label, as the template draws the inputs
        for name, reasons in (errors or {}).items():
            self.add_error(name, *reasons)

    def add_error(self, name, *reasons):
        self.errors.setdefault(name, []).extend(reasons)

    def value(self, name, default=""):
        value = self.values.get(name)
        return default if value is None else value

    def checked(self, name, value="on") -> bool:
        given = self.values.get(name)
        if isinstance(given, (list, tuple)):
            return str(value) in [str(v) for v in given]
        return given is not None and str(given) == str(value)

    def error(self, name):
        return self.errors.get(name)

    @property
    def invalid(self) -> bool:
        return bool(self.errors)

    def label(self, name, label) -> str:
        """Called by the field macros: remembers which inputs the form has."""
        self.labels[name] = label
        return ""

    def summary(self) -> list:
        """(label or None, input id or None, reasons) of every error, in the form's order;
        errors with no input (whole-form ones) first."""
        unplaced = [(None, None, reasons) for name, reasons in self.errors.items()
                    if name not in self.labels]
        placed = [(label, field_id(name), self.errors[name])
                  for name, label in self.labels.items() if name in self.errors]
        return unplaced + placed


def field_id(name: str) -> str:
    return "f-" + str(name).replace(".", "-")


def rows_given(form, prefix: str) -> list:
    """The row numbers of `prefix` (e.g. "items." or "drop_off_points.0.schedules.") that the
    form has inputs for, in order."""
    pattern = re.compile(re.escape(prefix) + r"(\d+)(?:\.|$)")
    found = {int(match.group(1)) for name in form if (match := pattern.match(name))}
    return sorted(row for row in found if row < MOST_ROWS)


def rows_after(form, prefix: str) -> int:
    """How many rows of `prefix` to draw again: up to the last the form has."""
    rows = rows_given(form, prefix)
    return rows[-1] + 1 if rows else 0


def number(text):
    """An integer when it reads as one; the text as typed otherwise, so that the service
    names the field; None when empty."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        return text


def text_or_none(text):
    text = (text or "").strip()
    return text or None


def nest(pairs) -> tuple[dict, dict]:
    """[("location.zone", "QT8"), ("schedules.0.weekday", 3)] -> ({"location": {"zone": "QT8"},
    "schedules": [{"weekday": 3}]}, moved) where `moved` maps the paths of compacted rows back
    to the inputs they came from. A None value is left out; a list row with nothing in it is
    dropped."""
    root = {}
    for path, value in pairs:
        node = root
        parts = path.split(".")
        for part, following in zip(parts, parts[1:]):
            key = int(part) if part.isdigit() else part
            node = node.setdefault(key, {})
        last = parts[-1]
        node[int(last) if last.isdigit() else last] = value
    moved = {}
    return _lists(root, "", moved), moved


def _lists(node, prefix, moved):
    if not isinstance(node, dict):
        return node
    if node and all(isinstance(key, int) for key in node):
        rows = []
        for original in sorted(node):
            row = _lists(node[original], f"{prefix}{original}.", moved)
            if _empty(row):
                continue
            if len(rows) != original:
                moved[f"{prefix}{len(rows)}"] = f"{prefix}{original}"
            rows.append(row)
        return rows
    shaped = {}
    for key, value in node.items():
        value = _lists(value, f"{prefix}{key}.", moved)
        if value is not None:
            shaped[key] = value
    return shaped


def _empty(value) -> bool:
    if isinstance(value, dict):
        return all(_empty(v) for v in value.values())
    if isinstance(value, list):
        return all(_empty(v) for v in value)
    return value is None or value == ""


def place_errors(errors: dict, moved: dict | None = None, aliases=None) -> dict:
    """The services' error paths as input names: compacted rows moved back, and `aliases`
    for inputs that stand for other paths: {"consent": "consent_given"} for that exact path,
    {"family.children.*": "children_ages"} for that path and all below it."""
    placed = {}
    for path, reasons in errors.items():
        name = path
        for new, original in sorted((moved or {}).items(), key=lambda item: -len(item[0])):
            if name == new or name.startswith(new + "."):
                name = original + name[len(new):]
                break
        for pattern, alias in (aliases or {}).items():
            if pattern.endswith(".*"):
                stem = pattern[:-2]
                if name == stem or name.startswith(stem + "."):
                    name = alias
                    break
            elif name == pattern:
                name = alias
                break
        placed.setdefault(name, []).extend(reasons)
    return placed


def required_message() -> str:
    return _("Questo campo è obbligatorio.")
