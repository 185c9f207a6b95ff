"""Text as people type it: case and accents do not matter ("attivita" finds "Attività")."""
import unicodedata


def fold(text: str | None) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def terms(query: str | None) -> list:
    return [term for term in fold(query).split() if term]

