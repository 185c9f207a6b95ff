"""What each kind of notification says, in Italian (default) and English.

Parameters are ids, codes and names of organisations; never personal data of families.
"""
TEMPLATES = {
    "referral_sent": {
        "it": ("Nuovo invio per la vostra organizzazione",
               "Un nuovo invio (codice {code}) da {sender}, urgenza {urgency}. Apritelo per "
               "accettarlo o declinarlo."),
        "en": ("New referral for your organisation",
               "A new referral (code {code}) from {sender}, urgency {urgency}. Open it to "
               "accept or decline it."),
    },
    "referral_accepted": {
        "it": ("Invio accettato", "{receiver} ha accettato l'invio {code}."),
        "en": ("Referral accepted", "{receiver} accepted referral {code}."),
    },
    "referral_declined": {
        "it": ("Invio declinato", "{receiver} ha declinato l'invio {code}."),
        "en": ("Referral declined", "{receiver} declined referral {code}."),
    },
    "referral_completed": {
        "it": ("Invio concluso", "L'invio {code} a {receiver} si è concluso."),
        "en": ("Referral completed", "Referral {code} to {receiver} reached its outcome."),
    },
    "referral_withdrawn": {
        "it": ("Invio ritirato", "L'invio {code} è stato ritirato da chi lo aveva fatto."),
        "en": ("Referral withdrawn", "Referral {code} was withdrawn by its sender."),
    },
    "referral_overdue": {
        "it": ("Invio in ritardo", "L'invio {code} a {receiver} non ha ancora risposta ed è "
               "scaduto il termine."),
        "en": ("Referral overdue", "Referral {code} to {receiver} has no answer past its "
               "deadline."),
    },
    "referral_escalated": {
        "it": ("Invio senza risposta", "L'invio {code} a {receiver} è senza risposta anche "
               "dopo il secondo termine."),
        "en": ("Referral still unanswered", "Referral {code} to {receiver} is unanswered past "
               "its second deadline."),
    },
    "organization_registered": {
        "it": ("Nuova organizzazione nella rete",
               "{organization_name} è entrata nella rete QuBì del Municipio {municipi}."),
        "en": ("New organisation in the network",
               "{organization_name} joined the QuBì network of Municipio {municipi}."),
    },
}
LANGUAGES = ("it", "en")
# codes that travel in the events, said in each language
WORDS = {
    "urgency": {"it": {"low": "bassa", "normal": "normale", "high": "alta"},
                "en": {"low": "low", "normal": "normal", "high": "high"}},
}


def render(kind: str, params: dict, language: str = "it") -> dict:
    texts = TEMPLATES[kind]
    language = language if language in texts else "it"
    title, body = texts[language]
    words = {name: WORDS[name][language].get(value, value)
             for name, value in params.items() if name in WORDS}
    params = {**params, **words}
    return {"title": title.format(**params), "body": body.format(**params)}
