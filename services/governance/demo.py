"""Demo governance for `qubi-admin seed`: the next meeting of the Coordinamento municipale 8,
chaired by its coordinator (coord8), with the body's members invited.

The bodies and the users are the directory's, passed in: the bodies as the directory describes
them (GovernanceBodySchema, with their people), the users' ids by username. Without the chair
(no demo users outside development) nothing is loaded. Loading twice changes nothing: the
meeting is matched by its body and title. As the other demo loaders, it writes rows and no
event: nobody is told of a meeting the seed made.
"""
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from services.common.schemas import ROME
from services.governance import bodies
from services.governance.contract import SCHEDULED
from services.governance.models import Meeting

BODY = "Coordinamento municipale 8"
CHAIR = "coord8"
TITLE = "Coordinamento della rete del Municipio 8"
TUESDAY = 1


def load_demo(session, directory_bodies: list, user_ids_by_username: dict,
              today: date | None = None) -> dict:
    body = next((b for b in directory_bodies if b["name"] == BODY), None)
    chair_user_id = user_ids_by_username.get(CHAIR)
    if body is None or chair_user_id is None or session.execute(select(Meeting.id).where(
            Meeting.body_id == body["id"], Meeting.title == TITLE)).first():
        return {"meetings": 0}
    day = _tuesday_after_a_week(today or datetime.now(ROME).date())
    now = datetime.now(ROME)
    meeting = Meeting(
        body_id=body["id"], body_kind=body["kind"], body_name=body["name"],
        municipio=body["municipio"], chair_user_id=chair_user_id, title=TITLE,
        starts_at=datetime.combine(day, time(17, 30), ROME),
        ends_at=datetime.combine(day, time(19, 0), ROME),
        place="Municipio 8, via Quarenghi 21, Milano", status=SCHEDULED, sequence=0,
        agenda=[{"title": "Le segnalazioni del mese e i posti liberi nella rete"},
                {"title": "Fondo di comunità: le richieste in attesa"},
                {"title": "Festa di Natale: chi fa che cosa"}],
        created_at=now, updated_at=now)
    meeting.invitees = bodies.invitees(body)
    session.add(meeting)
    return {"meetings": 1}


def _tuesday_after_a_week(today: date) -> date:
    start = today + timedelta(days=7)
    return start + timedelta(days=(TUESDAY - start.weekday()) % 7)
