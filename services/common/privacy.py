"""Counts about few people can point at them: in reports, a count from 1 to 4 is shown as "<5"."""
from services.common.context import CITY, COORDINATOR

SMALL_COUNT = 5


def shown(count: int) -> int | str:
    return "<5" if 0 < count < SMALL_COUNT else count


def shown_counts(counts: dict) -> dict:
    return {key: shown(value) for key, value in counts.items()}


def report_scope(caller, municipi) -> list:
    """The municipi a report may cover: the city tier any, a coordinator its own."""
    caller.require_role(COORDINATOR, CITY)
    wanted = sorted(set(municipi)) if municipi else (
        list(range(1, 10)) if caller.has_role(CITY) else sorted(caller.municipi))
    caller.require_municipi(wanted)
    return wanted
