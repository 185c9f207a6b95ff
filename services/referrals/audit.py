"""The audit trail as people read it: each entry names the person and their organisation, as
the directory knows them. The directory is asked with no transaction open, and briefly: when it
does not answer, the trail still answers, with ids and no names."""
import logging

import eventlet
from nameko.exceptions import UnknownService

from services.common.errors import Unavailable

log = logging.getLogger(__name__)
PERSON = ("display_name", "username", "organization_id", "organization_name")


def people(directory_rpc, user_ids, timeout: float) -> list:
    """The directory's `describe_people` for `user_ids`, or nobody after `timeout` seconds."""
    ids = sorted({user_id for user_id in user_ids if user_id})
    if not ids:
        return []
    try:
        with eventlet.Timeout(timeout, Unavailable("The directory did not answer in time.",
                                                   "service_not_answering",
                                                   {"service": "directory"})):
            return directory_rpc.describe_people(ids)
    except (Unavailable, UnknownService) as error:
        log.warning("audit trail shown without names: %s", error)
        return []


def named(entries, described: list) -> list:
    """`entries` (AuditEntry rows) with the person fields of `described`; null where unknown."""
    by_id = {person["user_id"]: person for person in described}
    return [{"user_id": entry.user_id, "role": entry.role, "action": entry.action, "at": entry.at,
             **{field: by_id.get(entry.user_id, {}).get(field) for field in PERSON}}
            for entry in entries]
