"""The referral lists, paged in the database.

A caller's list is the union of a few sources, each one walk down an index in the list's order
(overdue unanswered referrals first, then the newest sent): the municipi the caller serves
(referral_municipi), what its organisation received or sent, what the caller sent. Each source
leaves out what an earlier one holds, so they are disjoint: the total is the sum of their
counts, and a page merges the first offset + per_page of each that is not empty (usually one is
left: what a social worker sent is in its municipio, what a partner sent, its organisation
sent). The municipi, the biggest, come first, so the exclusions are checked on the smaller
sources.

`visible(caller, box)` is the same set as one predicate; it equals `visibility.relation`, which
still decides single reads (a test compares the two on varied referrals and callers).
"""
from dataclasses import dataclass

from sqlalchemy import and_, exists, false, func, not_, or_, select, true, union_all
from sqlalchemy.orm import aliased, lazyload

from services.common.context import COORDINATOR, PARTNER, SOCIAL_WORKER, Caller
from services.referrals.models import Referral, ReferralMunicipio
from services.referrals.visibility import COORDINATION, RECEIVER, SENDER, SOCIAL

BOXES = {"inbox": RECEIVER, "outbox": SENDER}


@dataclass(frozen=True)
class Source:
    """The referrals whose `column` (of Referral, or of ReferralMunicipio) is `value`."""
    table: type
    column: str
    value: object

    def holds(self, referral_id):
        """Whether the referral of id `referral_id` is in this source (never NULL, so that
        NOT holds() means it is not)."""
        if self.table is Referral and referral_id is Referral.id:
            column = getattr(Referral, self.column)
            return and_(column.is_not(None), column == self.value)
        other = aliased(self.table)
        other_id = other.referral_id if self.table is ReferralMunicipio else other.id
        return exists().where(other_id == referral_id, getattr(other, self.column) == self.value)

    def walk(self, earlier: list, conditions: list, overdue_only: bool):
        """(id, overdue_waiting, sent_at) of this source's referrals that no `earlier` source
        holds and that meet `conditions` (on Referral)."""
        table = self.table
        referral_id = table.referral_id if table is ReferralMunicipio else table.id
        statement = select(referral_id.label("id"), table.overdue_waiting, table.sent_at).where(
            getattr(table, self.column) == self.value,
            *[not_(source.holds(referral_id)) for source in earlier])
        if overdue_only:
            statement = statement.where(table.overdue_waiting == true())  # = true: indexable
        if conditions and table is ReferralMunicipio:
            statement = statement.join(Referral, Referral.id == referral_id)
        return statement.where(*conditions)


def _relations(caller: Caller) -> list:
    """(relation, sources) in `visibility.relation`'s order of precedence."""
    if not caller.authenticated:
        return []
    organization = caller.organization_id if caller.has_role(PARTNER) else None
    municipi = [Source(ReferralMunicipio, "municipio", m) for m in sorted(set(caller.municipi))]
    sent = [Source(Referral, "from_user_id", caller.user_id)] if caller.user_id else []
    if organization:
        sent.insert(0, Source(Referral, "from_organization_id", organization))
    found = [(SENDER, sent)]
    if caller.has_role(SOCIAL_WORKER):
        found.append((SOCIAL, municipi))
    if organization:
        found.append((RECEIVER, [Source(Referral, "to_organization_id", organization)]))
    if caller.has_role(COORDINATOR):
        found.append((COORDINATION, municipi))
    return found


def _chosen(caller: Caller, box: str | None) -> tuple:
    """The sources of the caller's list (or box), biggest first, and the conditions that keep
    a box to its own relation: an inbox leaves out what the caller sees as sender or social
    worker, as `relation` would."""
    relations = _relations(caller)
    if box is None:
        sources, conditions = [s for _relation, found in relations for s in found], []
    else:
        earlier, sources = [], []
        for relation, found in relations:
            if relation == BOXES[box]:
                sources = found
                break
            earlier += found
        conditions = [not_(source.holds(Referral.id)) for source in earlier]
    unique = list(dict.fromkeys(sources))
    return sorted(unique, key=lambda source: source.table is not ReferralMunicipio), conditions


def visible(caller: Caller, box: str | None = None):
    """A predicate on Referral: the caller sees the referral (in `box`, when given)."""
    sources, conditions = _chosen(caller, box)
    if not sources:
        return false()
    return and_(or_(*[source.holds(Referral.id) for source in sources]), *conditions)


def page(session, caller: Caller, box: str | None, status: str | None, number: int,
         per_page: int) -> tuple:
    """The referrals of page `number` of the caller's list, in order, and the list's total."""
    sources, conditions = _chosen(caller, box)
    if not sources:
        return [], 0
    if status and status != "overdue":
        conditions.append(Referral.status == status)
    walks = [source.walk(sources[:index], conditions, status == "overdue")
             for index, source in enumerate(sources)]
    counts = session.execute(select(*[
        select(func.count()).select_from(walk.subquery()).scalar_subquery()
        for walk in walks])).one()
    walks = [walk for walk, count in zip(walks, counts) if count]  # most often one is left
    offset = (number - 1) * per_page
    if offset >= sum(counts):
        return [], sum(counts)
    if len(walks) == 1:
        ids = _ordered(walks[0].subquery(), per_page, offset)
    else:
        firsts = [select(_ordered(walk.subquery(), offset + per_page, 0).subquery())
                  for walk in walks]
        ids = _ordered(union_all(*firsts).subquery(), per_page, offset)
    wanted = session.execute(ids).scalars().all()
    found = {referral.id: referral for referral in session.execute(
        select(Referral).where(Referral.id.in_(wanted)).options(lazyload(Referral.notes))
    ).unique().scalars()}
    return [found[referral_id] for referral_id in wanted], sum(counts)


def _ordered(rows, limit: int, offset: int):
    return (select(rows.c.id, rows.c.overdue_waiting, rows.c.sent_at)
            .order_by(rows.c.overdue_waiting.desc(), rows.c.sent_at.desc(), rows.c.id.desc())
            .limit(limit).offset(offset))
