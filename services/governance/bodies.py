"""The programme's bodies are the directory's: a meeting asks it for its body once, when it is
convened, and keeps the body's kind, name, municipio and members as the invited. Everything
after that (answers, minutes, decisions, actions) is decided on what the meeting kept, so the
service serves while the directory is down; only convening needs it."""
from nameko.exceptions import UnknownService

from services.common.checks import reason
from services.common.errors import Invalid, Unavailable
from services.governance.contract import ORGANIZATION, PERSON
from services.governance.models import Invitee


def of_directory(directory_rpc, body_id: str) -> dict:
    """The body as the directory describes it (GovernanceBodySchema), or a 422 on `body_id`."""
    try:
        found = directory_rpc.governance_bodies({})
    except UnknownService:
        raise Unavailable("The directory is not running.", "service_not_answering",
                          {"service": "directory"}) from None
    body = next((b for b in found["items"] if b["id"] == body_id), None)
    if body is None:
        raise Invalid({"body_id": [reason("body_unknown", "No governance body has this id.")]})
    return body


def invitees(body: dict) -> list:
    """The body's people, then its organisations, each once, as a meeting's invited."""
    people = [Invitee(member_id=p["user_id"], kind=PERSON, name=p.get("name"), role=p.get("role"))
              for p in body.get("people", [])]
    organizations = [Invitee(member_id=o["id"], kind=ORGANIZATION, name=o.get("name"),
                             role=o.get("role")) for o in body.get("organizations", [])]
    seen, kept = set(), []
    for invitee in people + organizations:
        if invitee.member_id not in seen:
            seen.add(invitee.member_id)
            invitee.position = len(kept)
            kept.append(invitee)
    return kept


def described(meeting) -> dict:
    return {"id": meeting.body_id, "kind": meeting.body_kind, "name": meeting.body_name,
            "municipio": meeting.municipio}
