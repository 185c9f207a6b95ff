"""What each SMS says, in Italian: the event's title, its day and time, what happened, and a short
link where there is something to do. One SMS of 160 GSM characters where the title allows: a
long title is shortened first, and "STOP" is offered only when it fits. A family's card is the
exception: it asks, in Italian and in English, and says nothing but its link.

Parameters are the event's title and start (ISO, with its offset) and the link: never a name or
a number of the family.
"""
from datetime import datetime

from babel.dates import format_date

LIMIT = 160  # GSM 03.38 characters in one SMS
PREFIX = "Rete QuBì: "
STOP = " Per non ricevere più SMS: STOP"
SHORTEST_TITLE = 20
TEXTS = {
    "registration_requested": "conferma l'iscrizione a {title} ({when}) entro {until}: {link}",
    "registration_promoted": "si è liberato un posto, la tua iscrizione a {title} ({when}) è "
                             "confermata. Il tuo pass: {link}",
    "event_updated": "{title} è cambiato: ora è {when}. Dettagli: {link}",
    "event_cancelled": "{title} ({when}) è annullato. Ci scusiamo per il disagio.",
    "event_reminder": "domani ti aspettiamo a {title} ({when}). Se non puoi venire, annulla: il "
                      "posto andrà a un'altra famiglia.",
    # whoever reads the family's phone may not know of its referral: no service, no name
    "referral_family_card": "qualcuno vi ha contattato? Rispondete qui / Has anyone contacted "
                            "you? Reply here: {link}",
}
# GSM 03.38: its basic set (one character each) and its extension (two each, escaped)
GSM_BASIC = frozenset("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENDED = frozenset("^{}\\[~]|€")


def gsm_length(text: str) -> int | None:
    """How many GSM characters `text` takes; None when it needs Unicode (UCS-2) instead."""
    if any(char not in GSM_BASIC and char not in GSM_EXTENDED for char in text):
        return None
    return len(text) + sum(char in GSM_EXTENDED for char in text)


def when(moment: str) -> str:
    """A local moment (ISO) as a phone shows it briefly: "sab 19/12 ore 15:00"."""
    local = datetime.fromisoformat(moment)
    return f"{format_date(local, 'EEE d/M', locale='it')} ore {local.strftime('%H:%M')}"


def text(kind: str, title: str = "", starts_at: str | None = None, link: str | None = None,
         until: str | None = None) -> str:
    """The SMS of `kind` about the event `title` starting at `starts_at`, or about nothing
    but its link."""
    params = {"when": when(starts_at) if starts_at else "", "link": link or "",
              "until": when(until) if until else ""}
    title = _plain(title)
    said = _said(kind, title, params)
    room = LIMIT - _length(said)
    if room < 0 and len(title) > SHORTEST_TITLE:
        title = title[:max(SHORTEST_TITLE, len(title) + room - 3)].rstrip() + "..."
        said = _said(kind, title, params)
    if _length(said + STOP) <= LIMIT:
        said += STOP
    return said


def _said(kind: str, title: str, params: dict) -> str:
    return PREFIX + TEXTS[kind].format(title=title, **params)


def _plain(title: str) -> str:
    """The title in GSM characters where it has others that read the same ("«Festa»" -> "Festa",
    curly quotes straight), so that one SMS is not three for a quotation mark."""
    replaced = title.translate(str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"',
                                              "‘": "'", "’": "'", "–": "-", "—": "-",
                                              "…": "...", "È": "E'"}))
    return " ".join(replaced.split())


def _length(said: str) -> int:
    """Unicode SMS hold 70 characters, not 160: counted as if each took more than two."""
    length = gsm_length(said)
    return length if length is not None else len(said) * 160 // 70
