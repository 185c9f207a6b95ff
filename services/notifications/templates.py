"""Notifications said in Italian (default) and English: what each kind says, the codes its
parameters carry in words, days and amounts as people read them, and the emails around them.
The words are in the catalogues (words.py), under the kind's code; the kinds are in kinds.py.

Parameters are ids, codes and names of organisations; never personal data of families.
"""
from datetime import date
from html import escape

from services.notifications import words

# codes that travel in the events, said in each language: message id "<parameter>.<code>"
CODED = ("sender", "urgency", "forward_reason", "category", "stage", "final", "fully_paid",
         "source", "body_kind")
# codes that pick a kind's own words for what happened, "<kind>.<code>.title" and ".body" where
# the catalogue has them: a family's answer, why a referral was escalated
VARIANTS = ("answer", "reason")
AMOUNTS = ("amount", "payment")  # euros as the funds service says them: "1234.50"
DAYS = ("paid_on", "due_on")  # ISO dates
MOMENTS = ("starts_at",)  # ISO moments, with their offset


def render(kind: str, params: dict, language: str = "it") -> dict:
    language = words.language_of(language)
    said = {name: words.said(f"{name}.{_code(params[name])}", language, params[name])
            for name in CODED if name in params}
    said.update({name: words.amount(params[name], language) for name in AMOUNTS if name in params})
    said.update({name: words.day(params[name], language) for name in DAYS if name in params})
    said.update({name: words.moment(params[name], language)
                 for name in MOMENTS if name in params})
    params = {**params, **said}
    return {part: _words(kind, part, params, language).format(**params)
            for part in ("title", "body")}


def _words(kind: str, part: str, params: dict, language: str) -> str:
    """The kind's words for `part`, or its own for the code of a variant it was told."""
    general = words.said(f"{kind}.{part}", language)
    return next((words.said(f"{kind}.{params[name]}.{part}", language, general)
                 for name in VARIANTS if name in params), general)


def _code(value) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def email(kind: str, params: dict, language: str, link: str | None, public_url: str) -> dict:
    """Subject, plain text and HTML of the email for one notification."""
    shown = render(kind, params, language)
    return compose(shown["title"], [(shown["title"], shown["body"], link)], None, language,
                  public_url)


def digest_email(items: list, language: str, day: date, public_url: str) -> dict:
    """One email gathering a day's items: `items` are (kind, params, link)."""
    language = words.language_of(language)
    entries = []
    for kind, params, link in items:
        shown = render(kind, params, language)
        entries.append((shown["title"], shown["body"], link))
    return compose(words.said("digest.subject", language).format(day=words.day(day, language)),
                   entries, words.said("digest.intro", language), language, public_url)


def compose(subject, entries, intro, language, public_url, footer="footer") -> dict:
    """Subject, text and HTML of an email of `entries` (title, body, link within the site),
    ending with the catalogue's `footer`."""
    language = words.language_of(language)
    footer = words.said(footer, language).format(url=public_url)
    said_open = words.said("open", language)
    text_parts = [intro] if intro else []
    html_parts = [f"<p>{escape(intro)}</p>"] if intro else []
    for title, body, link in entries:
        url = f"{public_url}{link}" if link else None
        text_parts.append(f"{title}\n{body}" + (f"\n{said_open}: {url}" if url else ""))
        html_parts.append(f"<h2 style=\"font-size:1.1em\">{escape(title)}</h2><p>{escape(body)}</p>"
                          + (f"<p><a href=\"{escape(url)}\">{escape(said_open)}</a></p>"
                             if url else ""))
    text = "\n\n".join(text_parts) + f"\n\n-- \n{footer}\n"
    html = (f"<!doctype html><html lang=\"{language}\"><body style=\"font-family:sans-serif\">"
            + "".join(html_parts) + f"<hr><p style=\"font-size:0.85em\">{escape(footer)}</p>"
            "</body></html>")
    return {"subject": f"[Rete QuBì] {subject}", "text": text, "html": html}
