"""Counts about few people can point at them: in reports, a count of people (families,
referrals, registrations, people registered, children, requests for families) from 1 to 4 is
shown as "<5". Counts of things (organisations, services, events, drives) point at no one and
are shown as they are. `shown_figures` is the rule every report's figures go through."""
from services.common.context import CITY, COORDINATOR

SMALL_COUNT = 5
COUNTS_OF_THINGS = frozenset({"organizations", "services", "events", "drives"})


def shown(count: int) -> int | str:
    """A count of people as a report shows it."""
    return "<5" if 0 < count < SMALL_COUNT else count


def shown_counts(counts: dict) -> dict:
    return {key: shown(value) for key, value in counts.items()}


def shown_figures(figures: dict) -> dict:
    """A report's figures as shown: a count of things (named in COUNTS_OF_THINGS) as it is,
    any other count (an int) as a count of people; a dict's figures as its name's. Amounts
    (text), measures (floats) and missing values pass as they are."""
    return {name: _shown_as(value, name in COUNTS_OF_THINGS) for name, value in figures.items()}


def _shown_as(value, of_things: bool):
    if isinstance(value, dict):
        return {key: _shown_as(inner, of_things) for key, inner in value.items()}
    if isinstance(value, int) and not isinstance(value, bool) and not of_things:
        return shown(value)
    return value


# how a report's API documents a count of people (`shown`)
SHOWN_COUNT = {"description": "A count of people; 1 to 4 read \"<5\"",
               "oneOf": [{"type": "integer"}, {"type": "string", "enum": ["<5"]}]}


def report_scope(caller, municipi, roles=(COORDINATOR, CITY)) -> list:
    """The municipi a report may cover: the city tier any, the other `roles` their own."""
    caller.require_role(*roles)
    wanted = sorted(set(municipi)) if municipi else (
        list(range(1, 10)) if caller.has_role(CITY) else sorted(caller.municipi))
    caller.require_municipi(wanted)
    return wanted
