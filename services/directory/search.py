"""Finding services: free text (case and accents do not matter), municipio, zone, category,
age, open at a moment, near a point. Ordered by relevance, or by distance with `near`."""
import math
from dataclasses import dataclass

from sqlalchemy import and_, exists, func, or_, select

from services.common.schemas import local_time
from services.directory.models import ClosedDate, Location, Organization, Schedule, Service
from services.directory.text import fold, terms

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = 111.32


@dataclass
class Hit:
    id: str
    distance_km: float | None = None


def find(session, *, page=1, per_page=50, q=None, municipio=None, zone=None, category=None,
         age=None, open_at=None, near=None, radius_km=3.0, organization_id=None) -> dict:
    """Returns `{"hits": [Hit...], "total": n}` for the page asked."""
    conditions = [Service.status == "active"]
    words = terms(q)
    conditions += [Service.search_text.contains(word, autoescape=True) for word in words]
    if municipio is not None:
        conditions.append(Location.municipio == municipio)
    if zone:
        conditions.append(Location.zone_key == fold(zone))
    if category:
        conditions.append(or_(Service.category == category, Service.dimension == category))
    if age is not None:
        conditions += [or_(Service.min_age.is_(None), Service.min_age <= age),
                       or_(Service.max_age.is_(None), Service.max_age >= age)]
    if organization_id:
        conditions.append(Service.organization_id == organization_id)
    if open_at is not None:
        conditions += _open_at(open_at)
    if near is not None:
        conditions += _bounding_box(near, radius_km)

    columns = select(Service.id, Service.name, Organization.name, Service.description,
                     Location.latitude, Location.longitude) \
        .join(Organization, Service.organization_id == Organization.id) \
        .outerjoin(Location, Service.location_id == Location.id).where(*conditions)

    if near is None and not words:  # plain listing: the database pages it
        total = session.execute(select(func.count()).select_from(columns.subquery())).scalar_one()
        rows = session.execute(columns.order_by(Service.name, Service.id)
                               .limit(per_page).offset((page - 1) * per_page)).all()
        return {"hits": [Hit(row[0]) for row in rows], "total": total}

    rows = session.execute(columns).all()
    if near is not None:
        ranked = []
        for row in rows:
            distance = great_circle_km(near, (row[4], row[5]))
            if distance <= radius_km:
                ranked.append((distance, fold(row[1]), Hit(row[0], round(distance, 3))))
    else:
        ranked = [(-_relevance(words, row), fold(row[1]), Hit(row[0])) for row in rows]
    ranked.sort(key=lambda item: item[:2])
    start = (page - 1) * per_page
    return {"hits": [item[2] for item in ranked[start:start + per_page]], "total": len(ranked)}


def _relevance(words, row) -> int:
    """A word in the service's name counts most, then the organisation's, then the description."""
    name, organization, description = fold(row[1]), fold(row[2]), fold(row[3])
    return sum(3 * (word in name) + 2 * (word in organization) + (word in description)
               for word in words)


def _open_at(moment):
    local = local_time(moment)
    hhmm, day = local.strftime("%H:%M"), local.date()
    slot = exists().where(
        Schedule.service_id == Service.id, Schedule.weekday == local.isoweekday(),
        Schedule.opens_at <= hhmm, Schedule.closes_at > hhmm,
        or_(Schedule.valid_from.is_(None), Schedule.valid_from <= day),
        or_(Schedule.valid_to.is_(None), Schedule.valid_to >= day))
    closed = exists().where(ClosedDate.service_id == Service.id, ClosedDate.day == day)
    return [slot, ~closed]


def _bounding_box(near, radius_km):
    latitude, longitude = near
    d_lat = radius_km / KM_PER_DEGREE
    d_lon = radius_km / (KM_PER_DEGREE * max(math.cos(math.radians(latitude)), 0.01))
    return [and_(Location.latitude.between(latitude - d_lat, latitude + d_lat),
                 Location.longitude.between(longitude - d_lon, longitude + d_lon))]


def great_circle_km(a, b) -> float:
    """Haversine distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))
