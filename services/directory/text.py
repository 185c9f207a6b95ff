"""Text as people type it: case and accents do not matter ("attivita" finds "Attività")."""
import unicodedata


def fold(text: str | None) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def terms(query: str | None) -> list:
    return [term for term in fold(query).split() if term]


def service_search_text(service, organization_name: str) -> str:
    """What a free-text search looks in: the service, its description, its organisation."""
    return " ".join(fold(part) for part in (service.name, organization_name, service.description,
                                            service.location.zone if service.location else None)
                    if part)
