"""The programme's bodies are the directory's: a meeting asks it for its body once, when it is
convened, and keeps the body's kind, name, municipio and members as the invited. Everything
after that (answers, minutes, decisions, actions) is decided on what the meeting kept, so the
service serves while the directory is down; only convening needs it."""
from nameko.exceptions import UnknownService

from services.common.checks import reason
from services.common.errors import Invalid, Unavailable
from services.governance import permissions
from services.governance.contract import ORGANIZATION, PERSON
from services.governance.models import Invitee


def all_of_directory(directory_rpc) -> list:
    """Every body as the directory describes it (GovernanceBodySchema)."""
    try:
        return directory_rpc.governance_bodies({})["items"]
    except UnknownService:
        raise Unavailable("The directory is not running.", "service_not_answering",
                          {"service": "directory"}) from None


def chaired_by(directory_rpc, caller) -> list:
    """The bodies the caller may convene, as the directory describes them."""
    return [body for body in all_of_directory(directory_rpc)
            if permissions.chairs(caller, body["kind"], body["municipio"])]


def of_directory(directory_rpc, body_id: str) -> dict:
    """The body as the directory describes it, or a 422 on `body_id`."""
    body = next((b for b in all_of_directory(directory_rpc) if b["id"] == body_id), None)
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
