"""What each endpoint of the HSDS 3.0 API answers: which services, services at locations,
organisations, taxonomies and terms a list holds (a page at a time, in name order), and each
one by its id. The arguments are loaded by services/directory/contract/hsds.py.

HSDS lists what the directory lists (active services of active organisations), except that an
incremental harvest (`modified_after`) gets every service changed since, or whose organisation
changed since (a service's body carries its organisation, and its `last_modified` says the
later of the two), those withdrawn since included, as `inactive`, so that it learns to drop
them. A `search` finds services as the directory's search does (the index's words). A service
at a location is a service that has a place: each service has one place at most.
"""
from sqlalchemy import false, func, or_, select

from services.common.errors import NotFound
from services.directory import capacity, catalog, hsds_taxonomies, organizations
from services.directory.contract.catalogue import ACTIVE
from services.directory.hsds import (hsds_page, minimal_service, organization_to_hsds,
                                     service_at_location_id, service_at_location_to_hsds,
                                     service_to_hsds)
from services.directory.models import Location, Organization, Service, ServiceCapacity
from services.directory.search import bounding_box, great_circle_km


def services(session, args: dict, among: set | None = None) -> dict:
    """`among`: with `search`, the ids of the listed services that have its words (the search
    index's)."""
    statement = services_statement(args)
    if args["minimal"]:  # a harvest's thousands of ids and times: those columns alone
        rows, total = _page_of_columns(session, statement.with_only_columns(
            Service.id, Service.updated_at, Service.created_at, Organization.updated_at),
            args, among)
        contents = [minimal_service(*row) for row in rows]
    else:
        rows, total = _page_of(session, statement, args, among=among)
        stated = capacity.of_services(session, [s.id for s in rows] if args["full"] else ())
        contents = [service_to_hsds(service, full=args["full"], capacity=stated.get(service.id))
                    for service in rows]
    return hsds_page(contents, total, args["page"], args["per_page"])


def service(session, service_id: str) -> dict:
    found = catalog.get(session, service_id)
    return service_to_hsds(found, capacity=session.get(ServiceCapacity, found.id))


def service_at_locations(session, args: dict, among: set | None = None) -> dict:
    statement = services_statement(args).join(Service.location)
    near = None
    postcode = (args.get("postcode") or "").strip()
    if postcode and args.get("proximity") is not None:
        near = _postcode_centre(session, postcode)
        statement = (statement.where(false()) if near is None
                     else _around(statement, near, args["proximity"]))
    elif postcode:
        statement = statement.where(Location.postal_code == postcode)
    keep = None if near is None else (lambda s: _within(s, near, args["proximity"]))
    rows, total = _page_of(session, statement, args, keep, among)
    stated = capacity.of_services(session, [s.id for s in rows] if args["full"] else ())
    contents = [service_at_location_to_hsds(s, full=args["full"], capacity=stated.get(s.id))
                for s in rows]
    return hsds_page(contents, total, args["page"], args["per_page"])


def service_at_location(session, wanted_id: str) -> dict:
    """The one whose id is derived from its service's and its place's (hsds.py): found among
    the listed services' ids and places' ids, read without their rows."""
    listed = _listed(select(Service.id, Service.location_id).join(Service.organization)
                     .where(Service.location_id.is_not(None)))
    for service_id, location_id in session.execute(listed):
        if service_at_location_id(service_id, location_id) == wanted_id:
            found = catalog.get(session, service_id)
            return service_at_location_to_hsds(
                found, capacity=session.get(ServiceCapacity, found.id))
    raise NotFound("No such service at a location.", "service_at_location_not_found")


def organizations_page(session, args: dict) -> dict:
    rows, total = _page_of(session, organizations.search_statement(
        municipio=args.get("municipio"), q=args.get("search")), args)
    nested = args["full"] or args["full_service"]
    their_services = _services_of(session, [o.id for o in rows], args["full_service"]
                                  ) if nested else {}
    contents = [organization_to_hsds(o, full=nested, services=their_services.get(o.id, [])
                                     if nested else None) for o in rows]
    return hsds_page(contents, total, args["page"], args["per_page"])


def organization(session, organization_id: str, args: dict) -> dict:
    found = organizations.get(session, organization_id)
    return organization_to_hsds(found, services=_services_of(
        session, [found.id], args["full_service"]).get(found.id, []))


def taxonomies(args: dict) -> dict:
    return _page_of_list(hsds_taxonomies.all_taxonomies(args.get("search")), args)


def taxonomy_terms(args: dict) -> dict:
    return _page_of_list(hsds_taxonomies.all_terms(
        args.get("search"), args.get("taxonomy_id"), args.get("parent_id")), args)


def services_statement(args: dict):
    """The services a list of services (or of services at locations) holds, in name order."""
    statement = select(Service).join(Service.organization).order_by(Service.name, Service.id)
    if args.get("modified_after") is not None:
        statement = statement.where(or_(Service.updated_at >= args["modified_after"],
                                        Organization.updated_at >= args["modified_after"]))
    else:
        statement = _listed(statement)
    if args.get("organization_id"):
        statement = statement.where(Service.organization_id == args["organization_id"])
    if args.get("municipio") is not None:
        statement = statement.where(Service.location_id.in_(
            select(Location.id).where(Location.municipio == args["municipio"])))
    if args.get("taxonomy_term_id"):
        found = hsds_taxonomies.kind_and_code_of_term(args["taxonomy_term_id"])
        statement = statement.where(getattr(Service, found[0]) == found[1] if found else false())
    if args.get("taxonomy_id"):
        kind = hsds_taxonomies.kind_of_taxonomy(args["taxonomy_id"])
        statement = statement.where(getattr(Service, kind).is_not(None) if kind else false())
    return statement


def _listed(statement):
    return statement.where(Service.status == ACTIVE, Organization.active.is_(True))


def _services_of(session, organization_ids: list, full: bool) -> dict:
    """{organisation id: the bodies of its listed services}, in name order, in one query."""
    rows = session.execute(_listed(select(Service).join(Service.organization).where(
        Service.organization_id.in_(organization_ids))).order_by(Service.name, Service.id)
    ).scalars().all()
    stated = capacity.of_services(session, [s.id for s in rows] if full else ())
    found = {}
    for row in rows:
        found.setdefault(row.organization_id, []).append(
            service_to_hsds(row, full=full, capacity=stated.get(row.id)))
    return found


def _postcode_centre(session, postcode: str) -> tuple | None:
    """The mean point of the listed places with this postcode: the directory has no map of
    postcodes, only its own places."""
    latitude, longitude = session.execute(_listed(
        select(func.avg(Location.latitude), func.avg(Location.longitude))
        .select_from(Service).join(Service.organization).join(Service.location)
        .where(Location.postal_code == postcode, Location.latitude.is_not(None),
               Location.longitude.is_not(None)))).one()
    return None if latitude is None else (latitude, longitude)


def _around(statement, near: tuple, metres: float):
    """Only places in the bounding box of the circle (the exact distance is `_within`'s)."""
    (low_lat, high_lat), (low_lon, high_lon) = bounding_box(near, metres / 1000)
    return statement.where(Location.latitude.between(low_lat, high_lat),
                           Location.longitude.between(low_lon, high_lon))


def _within(service, near: tuple, metres: float) -> bool:
    point = (service.location.latitude, service.location.longitude)
    return great_circle_km(near, point) * 1000 <= metres


def _page_of(session, statement, args: dict, keep=None, among=None) -> tuple:
    """(the rows of the page, how many in all): the page's ids first (narrow rows sort fast),
    then their rows. With `keep`, a check the database cannot make, over every row the
    statement finds (few: a circle's bounding box holds them); with `among`, only the rows of
    those ids (the search index's, too many to send the database)."""
    page, per_page = args["page"], args["per_page"]
    if keep is not None:
        kept = [row for row in session.execute(statement).scalars()
                if keep(row) and (among is None or row.id in among)]
        return kept[(page - 1) * per_page:page * per_page], len(kept)
    entity = statement.column_descriptions[0]["entity"]
    if among is None:
        ids = session.scalars(_window(statement, args).with_only_columns(entity.id)).all()
        total = _count(session, statement)
    else:
        every = [row_id for row_id in session.scalars(statement.with_only_columns(entity.id))
                 if row_id in among]
        ids, total = every[(page - 1) * per_page:page * per_page], len(every)
    found = {row.id: row for row in session.scalars(select(entity).where(entity.id.in_(ids)))}
    return [found[row_id] for row_id in ids], total


def _page_of_columns(session, statement, args: dict, among=None) -> tuple:
    """(the page's rows of the statement's columns, the first an id, and how many in all)."""
    if among is None:
        return session.execute(_window(statement, args)).all(), _count(session, statement)
    page, per_page = args["page"], args["per_page"]
    every = [row for row in session.execute(statement) if row[0] in among]
    return every[(page - 1) * per_page:page * per_page], len(every)


def _window(statement, args: dict):
    return statement.limit(args["per_page"]).offset((args["page"] - 1) * args["per_page"])


def _count(session, statement) -> int:
    return session.execute(select(func.count()).select_from(
        statement.order_by(None).subquery())).scalar_one()


def _page_of_list(items: list, args: dict) -> dict:
    page, per_page = args["page"], args["per_page"]
    return hsds_page(items[(page - 1) * per_page:page * per_page], len(items), page, per_page)
