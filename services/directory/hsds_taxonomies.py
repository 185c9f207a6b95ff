"""The directory's two classifications as HSDS taxonomies: the kinds of action of the QuBì
programme (a service's `category`) and the dimensions of a child's wellbeing (its `dimension`).

They are fixed vocabularies, not rows: their ids are uuid5 of a label in the directory's own
namespace, so the same term always has the same id. A term has no parent and no children.
"""
import uuid

from services.common.errors import NotFound

# The namespace of ids that belong to no row: our taxonomies and their terms.
NAMESPACE = uuid.UUID("68f354c2-9a62-47be-91da-5a6e3c6b882a")
TAXONOMIES = {
    "category": ("QuBì - Tipi di azione",
                 "I tipi di azione del programma QuBì contro la povertà minorile a Milano."),
    "dimension": ("QuBì - Dimensioni",
                  "Le dimensioni del benessere dei minori su cui agisce un servizio QuBì."),
}
TERMS = {
    "category": {
        "proximity": ("Prossimità", "Azioni di prossimità, vicino alle famiglie e nei quartieri."),
        "active_citizenship": ("Cittadinanza attiva",
                               "Azioni di cittadinanza attiva e partecipazione."),
        "cross_cutting": ("Azioni trasversali", "Azioni di sistema, trasversali alle reti."),
    },
    "dimension": {
        "educational": ("Educativa", "Sostegno educativo e scolastico."),
        "social": ("Sociale", "Relazioni, ascolto e supporto sociale."),
        "health": ("Salute", "Salute e benessere."),
        "sport": ("Sport", "Attività sportive e motorie."),
        "culture": ("Cultura", "Attività culturali e creative."),
        "material_support": ("Sostegno materiale", "Beni e aiuti materiali."),
        "orientation": ("Orientamento", "Informazione e orientamento ai servizi."),
    },
}


def taxonomy_id(kind: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"taxonomy:{kind}"))


def term_id(kind: str, code: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"taxonomy_term:{kind}:{code}"))


def taxonomy(kind: str) -> dict:
    """An HSDS `taxonomy`."""
    name, description = TAXONOMIES[kind]
    return {"id": taxonomy_id(kind), "name": name, "description": description}


def term(kind: str, code: str) -> dict:
    """An HSDS `taxonomy_term`, its taxonomy given whole; a code the vocabulary does not know
    (an old one) is its own name."""
    name, description = TERMS[kind].get(code, (code, code))
    detail = taxonomy(kind)
    return {"id": term_id(kind, code), "code": code, "name": name, "description": description,
            "taxonomy": detail["name"], "taxonomy_id": detail["id"], "taxonomy_detail": detail,
            "language": "it"}


def kind_of_taxonomy(wanted_id: str) -> str | None:
    """Which of a service's fields the taxonomy classifies, None for an unknown id."""
    return next((kind for kind in TAXONOMIES if taxonomy_id(kind) == wanted_id), None)


def kind_and_code_of_term(wanted_id: str) -> tuple | None:
    """(the service's field, its value) that the term stands for, None for an unknown id."""
    return next(((kind, code) for kind, codes in TERMS.items() for code in codes
                 if term_id(kind, code) == wanted_id), None)


def all_taxonomies(search: str | None = None) -> list:
    return [body for body in map(taxonomy, TAXONOMIES) if _matches(body, search)]


def all_terms(search: str | None = None, of_taxonomy: str | None = None,
              parent_id: str | None = None) -> list:
    """The terms, in the vocabularies' order; none has a parent, so asking for a parent's
    children finds none."""
    if parent_id is not None:
        return []
    return [body for body in (term(kind, code) for kind, codes in TERMS.items() for code in codes)
            if _matches(body, search) and of_taxonomy in (None, body["taxonomy_id"])]


def get_taxonomy(wanted_id: str) -> dict:
    kind = kind_of_taxonomy(wanted_id)
    if kind is None:
        raise NotFound("No such taxonomy.", "taxonomy_not_found")
    return taxonomy(kind)


def get_term(wanted_id: str) -> dict:
    found = kind_and_code_of_term(wanted_id)
    if found is None:
        raise NotFound("No such taxonomy term.", "taxonomy_term_not_found")
    return term(*found)


def _matches(body: dict, search: str | None) -> bool:
    if not search:
        return True
    words = search.casefold()
    return any(words in body.get(key, "").casefold() for key in ("name", "description", "code"))
