"""What each kind of notification says, in Italian (default) and English.

Parameters are ids, codes and names of organisations; never personal data of families.
"""
from html import escape
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
    "event_published": {
        "it": ("Nuovo evento nella rete", "{title}, il {starts_at}, nel Municipio {municipio}."),
        "en": ("New event in the network", "{title}, on {starts_at}, in Municipio {municipio}."),
    },
    "event_updated": {
        "it": ("Un evento è cambiato", "L'evento {title} del {starts_at} è cambiato: "
               "guarda i dettagli."),
        "en": ("An event changed", "The event {title} on {starts_at} changed: see the details."),
    },
    "event_cancelled": {
        "it": ("Evento annullato", "L'evento {title} del {starts_at} è stato annullato."),
        "en": ("Event cancelled", "The event {title} on {starts_at} was cancelled."),
    },
    "registration_promoted": {
        "it": ("Posto confermato", "Si è liberato un posto: la vostra iscrizione a {title} "
               "del {starts_at} è confermata."),
        "en": ("Place confirmed", "A place came free: your registration for {title} on "
               "{starts_at} is confirmed."),
    },
    "drive_item_fulfilled": {
        "it": ("Raccolta: un articolo è completo", "Nella raccolta {title} l'articolo "
               "{item} ha raggiunto il necessario."),
        "en": ("Drive: an item is covered", "In the drive {title} the item {item} reached "
               "what was needed."),
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

FOOTER = {
    "it": ("Ricevi questo messaggio perché fai parte della rete QuBì. Scegli come e quando "
           "ricevere le notifiche: {url}/notifications/preferences"),
    "en": ("You receive this because you are part of the QuBì network. Choose how and when "
           "to hear from it: {url}/notifications/preferences"),
}
OPEN = {"it": "Apri", "en": "Open"}
DIGEST = {"it": ("Rete QuBì: il riepilogo del {day}", "Ecco le novità per te:"),
          "en": ("Rete QuBì: your digest of {day}", "Here is what happened for you:")}


def email(kind: str, params: dict, language: str, link: str | None, public_url: str) -> dict:
    """Subject, plain text and HTML of the email for one notification."""
    shown = render(kind, params, language)
    return _email(shown["title"], [(shown["title"], shown["body"], link)], None, language,
                  public_url)


def digest_email(items: list, language: str, day: str, public_url: str) -> dict:
    """One email gathering a day's items: `items` are (kind, params, link)."""
    language = language if language in DIGEST else "it"
    title, intro = DIGEST[language]
    entries = []
    for kind, params, link in items:
        shown = render(kind, params, language)
        entries.append((shown["title"], shown["body"], link))
    return _email(title.format(day=day), entries, intro, language, public_url)


def _email(subject, entries, intro, language, public_url) -> dict:
    language = language if language in FOOTER else "it"
    footer = FOOTER[language].format(url=public_url)
    text_parts = [intro] if intro else []
    html_parts = [f"<p>{escape(intro)}</p>"] if intro else []
    for title, body, link in entries:
        url = f"{public_url}{link}" if link else None
        text_parts.append(f"{title}\n{body}" + (f"\n{OPEN[language]}: {url}" if url else ""))
        html_parts.append(f"<h2 style=\"font-size:1.1em\">{escape(title)}</h2><p>{escape(body)}</p>"
                          + (f"<p><a href=\"{escape(url)}\">{OPEN[language]}</a></p>" if url else ""))
    text = "\n\n".join(text_parts) + f"\n\n-- \n{footer}\n"
    html = (f"<!doctype html><html lang=\"{language}\"><body style=\"font-family:sans-serif\">"
            + "".join(html_parts) + f"<hr><p style=\"font-size:0.85em\">{escape(footer)}</p>"
            "</body></html>")
    return {"subject": f"[Rete QuBì] {subject}", "text": text, "html": html}
