"""Notifications said in Italian (default) and English: the codes their parameters carry in
words, amounts as people read them, and the emails around them. What each kind says is in
kinds.py.

Parameters are ids, codes and names of organisations; never personal data of families.
"""
from html import escape

from services.notifications.kinds import KINDS

# codes that travel in the events, said in each language
WORDS = {
    "sender": {"it": {"social_services": "Servizio sociale"},
               "en": {"social_services": "Social services"}},
    "urgency": {"it": {"low": "bassa", "normal": "normale", "high": "alta"},
                "en": {"low": "low", "normal": "normal", "high": "high"}},
    "category": {"it": {"educational": "educativo", "social": "sociale", "health": "salute",
                        "sport": "sport", "culture": "cultura",
                        "material_support": "sostegno materiale",
                        "orientation": "orientamento"},
                 "en": {"educational": "education", "social": "social", "health": "health",
                        "sport": "sport", "culture": "culture",
                        "material_support": "material support", "orientation": "guidance"}},
    "stage": {"it": {"municipal": "dal coordinamento municipale",
                     "city": "dalla cabina di regia cittadina"},
              "en": {"municipal": "by the municipal coordination",
                     "city": "by the city steering committee"}},
    "final": {"it": {True: "la spesa è autorizzata",
                     False: "ora attende la decisione della cabina di regia cittadina"},
              "en": {True: "the spending is authorised",
                     False: "it now awaits the decision of the city steering committee"}},
    "fully_paid": {"it": {True: "la richiesta è interamente pagata",
                          False: "una parte resta da pagare"},
                   "en": {True: "the request is now fully paid",
                          False: "part of it is still to be paid"}},
    "source": {"it": {"city": "dal Comune di Milano", "foundation": "da una fondazione",
                      "donation": "da donazioni", "other": "da altre fonti"},
               "en": {"city": "from the City of Milan", "foundation": "from a foundation",
                      "donation": "from donations", "other": "from other sources"}},
}


AMOUNTS = ("amount", "payment")  # euros as the funds service says them: "1234.50"


def render(kind: str, params: dict, language: str = "it") -> dict:
    texts = KINDS[kind].texts
    language = language if language in texts else "it"
    title, body = texts[language]
    words = {name: WORDS[name][language].get(value, value)
             for name, value in params.items() if name in WORDS}
    amounts = {name: euros(params[name], language) for name in AMOUNTS if name in params}
    params = {**params, **words, **amounts}
    return {"title": title.format(**params), "body": body.format(**params)}


def euros(amount: str, language: str) -> str:
    """"1234.50" as people read it: "1.234,50" in Italian, "1,234.50" in English."""
    whole, _, cents = str(amount).partition(".")
    grouped = f"{int(whole):,}"
    if language == "it":
        return f"{grouped.replace(',', '.')},{cents or '00'}"
    return f"{grouped}.{cents or '00'}"

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
    return compose(shown["title"], [(shown["title"], shown["body"], link)], None, language,
                  public_url)


def digest_email(items: list, language: str, day: str, public_url: str) -> dict:
    """One email gathering a day's items: `items` are (kind, params, link)."""
    language = language if language in DIGEST else "it"
    title, intro = DIGEST[language]
    entries = []
    for kind, params, link in items:
        shown = render(kind, params, language)
        entries.append((shown["title"], shown["body"], link))
    return compose(title.format(day=day), entries, intro, language, public_url)


def compose(subject, entries, intro, language, public_url, footers=FOOTER) -> dict:
    """Subject, text and HTML of an email of `entries` (title, body, link within the site)."""
    language = language if language in footers else "it"
    footer = footers[language].format(url=public_url)
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
