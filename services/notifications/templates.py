"""What each kind of notification says, in Italian (default) and English.

Parameters are ids, codes and names of organisations; never personal data of families.
"""
TEMPLATES = {
    "organization_registered": {
        "it": ("Nuova organizzazione nella rete",
               "{organization_name} è entrata nella rete QuBì del Municipio {municipi}."),
        "en": ("New organisation in the network",
               "{organization_name} joined the QuBì network of Municipio {municipi}."),
    },
}
LANGUAGES = ("it", "en")


def render(kind: str, params: dict, language: str = "it") -> dict:
    texts = TEMPLATES[kind]
    title, body = texts.get(language, texts["it"])
    return {"title": title.format(**params), "body": body.format(**params)}
