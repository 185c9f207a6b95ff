"""A directory of many services, for the benches: organisations spread over the 9 municipi and
their two levels, services with a place, two weekly slots, ages and a phone, named and
described with the words people search by. Written through the directory's models and counted
as the directory counts (listing.py), over the demo data."""
import random

from sqlalchemy import select

from services.directory.contract.catalogue import CATEGORIES, DIMENSIONS
from services.directory.demo import ZONES, load_demo
from services.directory.listing import count, mark_changed
from services.directory.models import (Location, Membership, Network, Organization, Phone,
                                       Schedule, Service)
from services.directory.text import fold

WORDS = ("laboratorio lettura sport calcio nuoto doposcuola compiti musica teatro biblioteca "
         "spazio mamma bambino orientamento ascolto sostegno famiglie natura uscite museo "
         "cucina orto gioco ludoteca inglese attività accoglienza").split()
CENTRE = (45.4642, 9.1900)
BATCH = 2_000  # services written per flush


def load(store, organizations: int, services: int, seed: int = 7) -> list:
    """Writes the demo data (when it is not there) and `services` services over
    `organizations` new organisations; the organisations' ids, in the order made."""
    rng = random.Random(seed)
    with store.transaction() as tx:
        load_demo(tx.session, "bench")
        networks = {n.municipio: n for n in tx.session.execute(select(Network)).scalars()}
        orgs = []
        for number in range(organizations):
            municipio = number % 9 + 1
            orgs.append(Organization(name=f"ETS bench {number:05d}",
                                     memberships=[Membership(network=networks[municipio],
                                                             level=1 + number % 2)]))
        tx.session.add_all(orgs)
        tx.session.flush()
        joined = {}
        for number in range(organizations):
            joined[number % 9 + 1] = joined.get(number % 9 + 1, 0) + 1
        count(tx.session, organizations=joined)
        batch = []
        for number in range(services):
            organization = orgs[number % organizations]
            batch.append(_service(rng, organization, organization.memberships[0].network, number))
            if len(batch) == BATCH or number == services - 1:
                tx.session.add_all(batch)
                mark_changed(tx.session, *batch)
                tx.session.flush()
                batch = []
        return [organization.id for organization in orgs]


def _service(rng, organization, network, number: int) -> Service:
    zone = rng.choice(ZONES[network.municipio])
    low = rng.randint(0, 12)
    return Service(
        organization=organization, status="active",
        name=" ".join(rng.sample(WORDS, 2)).capitalize() + f" {number}",
        description=" ".join(rng.choices(WORDS, k=12)),
        category=rng.choice(CATEGORIES), dimension=rng.choice(DIMENSIONS),
        min_age=low, max_age=low + rng.randint(2, 8), languages=["it"], free=True,
        location=Location(zone=zone, zone_key=fold(zone), municipio=network.municipio,
                          latitude=CENTRE[0] + rng.uniform(-0.06, 0.06),
                          longitude=CENTRE[1] + rng.uniform(-0.08, 0.08)),
        schedules=[Schedule(weekday=rng.randint(1, 5), opens_at=f"{h:02d}:00",
                            closes_at=f"{h + 3:02d}:00") for h in rng.sample(range(8, 18), 2)],
        phones=[Phone(number=f"02 {rng.randint(1000000, 9999999)}")])
