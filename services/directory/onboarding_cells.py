"""The onboarding spreadsheet's columns, and how each of its cells is read and written: the
words for categories and weekdays, opening slots, phones (Italian ones as dialled in Italy, as
coordinators write them), yes and no (onboarding.py)."""
import re

from services.common.checks import phone_as_dialled
from services.directory.models import Organization, Service
from services.directory.text import fold

ORGANIZATION_COLUMNS = (
    "organization_name", "legal_form", "tax_code", "organization_email", "organization_phone",
    "website", "organization_description", "municipi", "level",
)
SERVICE_COLUMNS = (
    "service_name", "service_description", "category", "dimension", "min_age", "max_age",
    "languages", "free", "cost_note", "eligibility", "service_email", "service_url",
    "location_name", "address", "postal_code", "zone", "municipio", "latitude", "longitude",
    "schedules", "phones",
)
COLUMNS = ORGANIZATION_COLUMNS + SERVICE_COLUMNS

# column -> field of OrganizationCreateSchema / ServiceCreateSchema (location.* nested)
ORGANIZATION_FIELDS = {
    "organization_name": "name", "legal_form": "legal_form", "tax_code": "tax_code",
    "organization_email": "email", "organization_phone": "phone", "website": "website",
    "organization_description": "description",
}
SERVICE_FIELDS = {
    "service_name": "name", "service_description": "description", "category": "category",
    "dimension": "dimension", "min_age": "min_age", "max_age": "max_age",
    "cost_note": "cost_note", "eligibility": "eligibility", "service_email": "email",
    "service_url": "url",
}
LOCATION_FIELDS = {
    "location_name": "name", "address": "address", "postal_code": "postal_code", "zone": "zone",
    "municipio": "municipio", "latitude": "latitude", "longitude": "longitude",
}
COLUMN_OF_ORGANIZATION_FIELD = {f: c for c, f in ORGANIZATION_FIELDS.items()}
COLUMN_OF_SERVICE_FIELD = {f: c for c, f in SERVICE_FIELDS.items()}
COLUMN_OF_LOCATION_FIELD = {f: c for c, f in LOCATION_FIELDS.items()}

DELIMITERS = (",", ";", "\t")
YES = {"si", "yes", "y", "true", "vero", "1", "x"}
NO = {"no", "n", "false", "falso", "0"}
# Italian names of the programme's kinds of action and dimensions (folded), besides the codes
CATEGORY_WORDS = {
    "prossimita": "proximity", "azioni di prossimita": "proximity",
    "cittadinanza attiva": "active_citizenship", "trasversale": "cross_cutting",
    "trasversali": "cross_cutting", "azioni trasversali": "cross_cutting",
}
DIMENSION_WORDS = {
    "educativa": "educational", "educazione": "educational", "sociale": "social",
    "salute": "health", "sanitaria": "health", "sportiva": "sport", "cultura": "culture",
    "culturale": "culture", "sostegno materiale": "material_support",
    "orientamento": "orientation",
}
WEEKDAYS = {name: number for number, names in enumerate((
    ("lun", "lunedi", "mon", "monday"), ("mar", "martedi", "tue", "tuesday"),
    ("mer", "mercoledi", "wed", "wednesday"), ("gio", "giovedi", "thu", "thursday"),
    ("ven", "venerdi", "fri", "friday"), ("sab", "sabato", "sat", "saturday"),
    ("dom", "domenica", "sun", "sunday")), start=1) for name in names}
SLOT = re.compile(r"^(\d{1,2})[:.](\d{2})\s*-\s*(\d{1,2})[:.](\d{2})$")
PHONE_NOTE = re.compile(r"^(.*?)\s*\((.*)\)$")
CHUNK = 500


def split(text: str, separators: str) -> list:
    return [part.strip() for part in re.split(separators, text or "") if part.strip()]


def code_of(value: str, codes, words: dict) -> str:
    """A code as written ("material_support", "Material support") or in Italian."""
    key = re.sub(r"[\s_-]+", " ", fold(value))
    by_key = {code.replace("_", " "): code for code in codes}
    return by_key.get(key) or words.get(key) or value


def slots(text: str) -> list | None:
    """"2 10:00-13:00" (also "mar 10.00-13.00", or one day with several slots) as schedules."""
    parts = text.split()
    if len(parts) < 2:
        return None
    day = fold(parts[0]).rstrip(".")
    weekday = int(day) if day.isdigit() else WEEKDAYS.get(day)
    if weekday is None:
        return None
    slots = []
    for hours in re.split(r"\s+(?=\d{1,2}[:.]\d{2}\s*-)", " ".join(parts[1:])):
        match = SLOT.match(hours.strip())
        if match is None:
            return None
        h1, m1, h2, m2 = match.groups()
        slots.append({"weekday": weekday, "opens_at": f"{int(h1):02d}:{m1}",
                      "closes_at": f"{int(h2):02d}:{m2}"})
    return slots


def phone(text: str) -> dict:
    """"3516818198 (per appuntamento)": a number with its note."""
    match = PHONE_NOTE.match(text)
    if match and match.group(1):
        return {"number": match.group(1), "description": match.group(2).strip() or None}
    return {"number": text}


def organization_reason(path: str, reason: str, municipi: list) -> str:
    name, _, rest = path.partition(".")
    if name == "municipi" and rest.isdigit() and int(rest) < len(municipi):
        return f"municipi {municipi[int(rest)]!r}: {reason}"
    return f"{COLUMN_OF_ORGANIZATION_FIELD.get(name, name)}: {reason}"


def service_reason(path, reason, languages, slot_texts, phone_texts) -> str:
    parts = path.split(".")
    name = parts[0]
    index = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
    listed = {"languages": languages, "schedules": slot_texts, "phones": phone_texts}
    if name in listed and index is not None and index < len(listed[name]):
        return f"{name} {listed[name][index]!r}: {reason}"
    if name == "location" and len(parts) > 1:
        return f"{COLUMN_OF_LOCATION_FIELD.get(parts[1], parts[1])}: {reason}"
    if name == "_schema":
        return reason
    return f"{COLUMN_OF_SERVICE_FIELD.get(name, name)}: {reason}"


def differences(before: dict, after: dict) -> list:
    return [column for column in COLUMNS if column in before and before[column] != after[column]]


# --- one representation for the rows, the directory and the file ------------------------------

def organization_record(organization: Organization) -> dict:
    return {"name": organization.name, "legal_form": organization.legal_form,
            "tax_code": organization.tax_code, "email": organization.email,
            "phone": organization.phone, "website": organization.website,
            "description": organization.description, "municipi": organization.municipi,
            "level": organization.level}


def organization_data_record(data: dict) -> dict:
    """What `organizations.register` makes of the data: without a network there is no level."""
    record = {name: data.get(name) for name in ORGANIZATION_FIELDS.values()}
    record["municipi"] = data["municipi"]
    record["level"] = data["level"] if data["municipi"] else None
    return record


def service_record(service: Service) -> dict:
    location = service.location
    return {
        **{name: getattr(service, name) for name in SERVICE_FIELDS.values()},
        "languages": service.languages or [], "free": service.free,
        "location": {name: getattr(location, name) for name in LOCATION_FIELDS.values()}
        if location else None,
        "schedules": [{"weekday": s.weekday, "opens_at": s.opens_at, "closes_at": s.closes_at}
                      for s in service.schedules],
        "phones": [{"number": p.number, "description": p.description} for p in service.phones],
    }


def service_data_record(data: dict) -> dict:
    """What `catalog.create` makes of the data: Italian and free unless said otherwise."""
    return {
        **{name: data.get(name) for name in SERVICE_FIELDS.values()},
        "languages": data.get("languages", ["it"]), "free": data.get("free", True),
        "location": data.get("location"), "schedules": data.get("schedules", []),
        "phones": data.get("phones", []),
    }


def organization_cells(record: dict) -> dict:
    cells = {column: text_of(record[name]) for column, name in ORGANIZATION_FIELDS.items()}
    if record["phone"]:
        cells["organization_phone"] = phone_as_dialled(record["phone"])
    cells["municipi"] = ";".join(str(m) for m in record["municipi"])
    cells["level"] = text_of(record["level"])
    return cells


def service_cells(record: dict | None) -> dict:
    if record is None:
        return dict.fromkeys(SERVICE_COLUMNS, "")
    cells = {column: text_of(record[name]) for column, name in SERVICE_FIELDS.items()}
    location = record["location"] or {}
    cells.update({column: text_of(location.get(name)) for column, name in LOCATION_FIELDS.items()})
    cells["languages"] = ";".join(record["languages"])
    cells["free"] = "sì" if record["free"] else "no"
    cells["schedules"] = "; ".join(
        f"{s['weekday']} {s['opens_at']}-{s['closes_at']}" for s in sorted(
            record["schedules"], key=lambda s: (s["weekday"], s["opens_at"], s["closes_at"])))
    cells["phones"] = "; ".join(
        f"{phone_as_dialled(p['number'])} ({p['description']})" if p.get("description")
        else phone_as_dialled(p["number"]) for p in sorted(record["phones"], key=lambda p: (p["number"], p.get("description") or "")))
    return cells


def text_of(value) -> str:
    return "" if value is None else str(value).strip()
