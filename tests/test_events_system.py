"""Events and drives as people meet them: over HTTP, with every process running."""
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timezone

import icalendar
import pytest
import requests

from tests.helpers import wait_for
from tests.platform import Client
from tests.smtp import text_of

pytestmark = pytest.mark.broker


def create_event(client, **fields):
    body = {"title": "Laboratorio", "starts_at": "2027-05-08T15:00",
            "ends_at": "2027-05-08T18:00", **fields}
    created = client.post("/events", json=body)
    assert created.status_code == 201, created.text
    published = client.post(f"/events/{created.json()['id']}/publish")
    assert published.status_code == 200, published.text
    return published.json()


def confirmation_link(platform, address) -> str:
    """The link of the email that asks `address` to confirm its registration."""
    asked = wait_for(lambda: [m for m in platform.smtp.messages() if m["To"] == address], 30)
    assert asked, f"no email reached {address}"
    return re.search(r"http\S+/confirm\?token=[\w-]+", text_of(asked[0])).group(0)


def confirm_by_link(platform, address, registration, client_address):
    token = confirmation_link(platform, address).rsplit("=", 1)[1]
    answer = requests.post(f"{Client(platform).base}/events/{registration['event_id']}/"
                           f"registrations/{registration['id']}/confirm", json={"token": token},
                           headers={"X-Forwarded-For": client_address}, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_twenty_families_at_once_for_ten_places_and_a_cancellation_moves_the_list_up(platform):
    organiser = Client(platform, "partner2")
    event = create_event(organiser, title="Uscita in natura", capacity=10)

    def register(n):  # each family from its own address, through the proxy in front
        return requests.post(f"{organiser.base}/events/{event['id']}/registrations", timeout=30,
                             headers={"X-Forwarded-For": f"10.20.0.{n}"},
                             json={"name": f"Famiglia {n}", "contact": f"famiglia{n}@example.it"})

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(register, range(20)))
    assert [a.status_code for a in answers] == [201] * 20
    assert {a.json()["status"] for a in answers} == {"pending"}
    assert sorted(a.json()["holds_place"] for a in answers) == [False] * 10 + [True] * 10
    assert Client(platform).get(f"/events/{event['id']}").json()["places_left"] == 0
    answered = [confirm_by_link(platform, f"famiglia{n}@example.it", answer.json(),
                                f"10.20.0.{n}") for n, answer in enumerate(answers)]
    assert sorted(a["status"] for a in answered) == ["confirmed"] * 10 + ["waitlisted"] * 10

    listed = organiser.get(f"/events/{event['id']}/registrations").json()["items"]
    first_waiting = next(r for r in listed if r["status"] == "waitlisted")
    confirmed = next(a.json() for a in answers if a.json()["holds_place"])
    url = f"{organiser.base}/events/{event['id']}/registrations/{confirmed['id']}"
    assert requests.delete(url, params={"token": "wrong"}, timeout=10).status_code == 404
    assert requests.delete(url, params={"token": confirmed["cancel_token"]},
                           timeout=10).status_code == 204
    after = {r["id"]: r["status"] for r in
             organiser.get(f"/events/{event['id']}/registrations").json()["items"]}
    assert (after[confirmed["id"]], after[first_waiting["id"]]) == ("cancelled", "confirmed")
    still_registered = next(n for n, a in enumerate(answers) if a.json()["id"] != confirmed["id"])
    assert register(still_registered).status_code == 409
    exported = organiser.get(f"/events/{event['id']}/registrations.csv")
    assert exported.headers["Content-Type"].startswith("text/csv")
    assert exported.content.startswith("\ufeff".encode())  # once
    assert exported.content.decode("utf-8-sig").startswith("Nome;Contatto;Adulti;Bambini")
    assert Client(platform, "partner8a").get(
        f"/events/{event['id']}/registrations").status_code == 403


def test_a_registration_is_confirmed_by_the_page_of_the_link_emailed_once(platform):
    organiser = Client(platform, "partner2")
    event = create_event(organiser, title="Merenda in cortile", capacity=5)
    receipt = Client(platform).post(f"/events/{event['id']}/registrations", json={
        "name": "Famiglia Verdi", "contact": "verdi@example.it", "children": 2}).json()
    assert (receipt["status"], receipt["confirmation"]) == ("pending", "email")
    link = confirmation_link(platform, "verdi@example.it")
    assert f"/events/{event['id']}/registrations/{receipt['id']}/confirm?token=" in link
    page = requests.get(link, timeout=10)  # a mail program opening it confirms nothing
    assert page.status_code == 200 and "Sì, confermo la mia iscrizione" in page.text
    assert organiser.get(f"/events/{event['id']}/registrations").json()["items"][0][
        "status"] == "pending"
    form = {"token": link.rsplit("=", 1)[1],
            "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)}
    # the browser's cookies, which are for https only: here the platform speaks http
    cookies = {"Cookie": "; ".join(f"{c.name}={c.value}" for c in page.cookies)}
    done = requests.post(link.split("?")[0], data=form, headers=cookies, timeout=10)
    assert done.status_code == 200 and "Iscrizione confermata: ti aspettiamo." in done.text
    assert organiser.get(f"/events/{event['id']}/registrations").json()["items"][0][
        "status"] == "confirmed"
    again = requests.post(link.split("?")[0], data=form, headers=cookies, timeout=10)
    assert again.status_code == 410 and "non è più valido" in again.text


def test_two_hundred_registrations_from_one_client_are_mostly_refused_and_none_confirmed(
        platform):
    organiser = Client(platform, "partner2")
    event = create_event(organiser, title="Festa di quartiere", capacity=10)

    def register(n):
        return requests.post(f"{organiser.base}/events/{event['id']}/registrations", timeout=30,
                             json={"name": f"Bot {n}", "contact": f"bot{n}@example.it"})

    with ThreadPoolExecutor(50) as pool:
        answers = list(pool.map(register, range(200)))
    taken = [a for a in answers if a.status_code == 201]
    refused = [a for a in answers if a.status_code == 429]
    assert len(taken) + len(refused) == 200 and len(taken) <= 10
    assert all(int(a.headers["Retry-After"]) >= 1 for a in refused)
    assert {a.json()["code"] for a in refused} == {"rate_limited"}
    listed = organiser.get(f"/events/{event['id']}/registrations").json()["items"]
    assert {r["status"] for r in listed} == {"pending"} and len(listed) == len(taken)


def test_network_events_are_invisible_to_anonymous_callers_and_other_networks(platform):
    event = create_event(Client(platform, "partner2"), title="Riunione di rete 2",
                         visibility="network")
    for outsider in (Client(platform), Client(platform, "coord3"), Client(platform, "partner8a")):
        assert outsider.get(f"/events/{event['id']}").status_code == 404
        assert event["id"] not in [e["id"] for e in outsider.get("/events").json()["items"]]
        assert outsider.get(f"/events/{event['id']}.ics").status_code == 404
    assert Client(platform, "citta").get(f"/events/{event['id']}").status_code == 200


def test_calendars_carry_local_times_across_the_dst_change_and_cancellations(platform):
    organiser = Client(platform, "partner2")
    saturday = create_event(organiser, title="Sabato prima dell'ora legale",
                            starts_at="2027-03-27T16:30", ends_at="2027-03-27T18:00")
    monday = create_event(organiser, title="Lunedì dopo l'ora legale",
                          starts_at="2027-03-29T16:30", ends_at="2027-03-29T18:00")
    assert organiser.post(f"/events/{monday['id']}/cancel").status_code == 200

    answer = Client(platform).get("/calendars/municipio/2.ics")
    assert answer.headers["Content-Type"].startswith("text/calendar")
    feed = icalendar.Calendar.from_ical(answer.text)
    assert feed.walk("VTIMEZONE")[0]["TZID"] == "Europe/Rome"
    found = {str(e["UID"]): e for e in feed.walk("VEVENT")}
    before, after = (found[f"{e['id']}@qubi.comune.milano.it"] for e in (saturday, monday))
    for component in (before, after):
        assert component["DTSTART"].dt.strftime("%H:%M") == "16:30"  # Milan time, both days
    assert before["DTSTART"].dt.astimezone(timezone.utc).strftime("%H:%M") == "15:30"
    assert after["DTSTART"].dt.astimezone(timezone.utc).strftime("%H:%M") == "14:30"
    assert (str(before["STATUS"]), str(after["STATUS"])) == ("CONFIRMED", "CANCELLED")
    assert after["SEQUENCE"] > before["SEQUENCE"]

    me = organiser.get("/me").json()
    mine = icalendar.Calendar.from_ical(
        Client(platform).get(f"/calendars/organizations/{me['organization_id']}.ics").text)
    assert {str(e["SUMMARY"]) for e in mine.walk("VEVENT")} >= {saturday["title"], monday["title"]}
    single = icalendar.Calendar.from_ical(
        Client(platform).get(f"/events/{saturday['id']}.ics").text)
    assert [str(e["SUMMARY"]) for e in single.walk("VEVENT")] == [saturday["title"]]


def test_drive_progress_adds_up_pledges_and_deliveries(platform):
    organiser = Client(platform, "partner2")
    created = organiser.post("/drives", json={
        "title": "Zaino sospeso di prova", "collect_from": "2027-08-24",
        "collect_to": "2027-09-15",
        "items": [{"name": "Quaderni", "quantity_needed": 20}, {"name": "Zaino",
                                                                "quantity_needed": 3}],
        "drop_off_points": [{"name": "La Casa dei Giochi", "address": "Via S. Uguzzone 8",
                             "schedules": [{"weekday": 6, "opens_at": "10:00",
                                            "closes_at": "12:30"}]}]})
    assert created.status_code == 201, created.text
    drive_id = created.json()["id"]
    public = Client(platform)
    pledges = [public.post(f"/drives/{drive_id}/pledges", json=body) for body in (
        {"item": "Quaderni", "quantity": 15, "donor_name": "Lucia"},
        {"item": "quaderni", "quantity": 10000}, {"item": "Zaino", "quantity": 1})]
    assert [p.status_code for p in pledges] == [201, 422, 201]
    assert pledges[1].json()["errors"] == {"quantity": ["Only 5 more of Quaderni are needed."]}
    listed = organiser.get(f"/drives/{drive_id}/pledges").json()["items"]
    assert [(p["quantity"], p["donor_name"], p["actions"]) for p in listed] == [
        (1, None, ["cancel"]), (15, "Lucia", ["cancel"])]
    assert public.get(f"/drives/{drive_id}/pledges").status_code == 401
    cancelled = organiser.post(f"/drives/{drive_id}/pledges/{pledges[0].json()['id']}/cancel")
    assert (cancelled.json()["status"], cancelled.json()["actions"]) == ("cancelled", [])
    assert public.post(f"/drives/{drive_id}/pledges",
                       json={"item": "quaderni", "quantity": 20}).status_code == 201
    unknown = public.post(f"/drives/{drive_id}/pledges", json={"item": "Tablet", "quantity": 1})
    assert unknown.status_code == 422 and list(unknown.json()["errors"]) == ["item"]
    assert public.post(f"/drives/{drive_id}/deliveries",
                       json={"item": "Zaino", "quantity": 3}).status_code == 401
    assert Client(platform, "partner8a").post(f"/drives/{drive_id}/deliveries", json={
        "item": "Zaino", "quantity": 3}).status_code == 403
    assert organiser.post(f"/drives/{drive_id}/deliveries",
                          json={"item": "Zaino", "quantity": 3}).status_code == 201

    drive = public.get(f"/drives/{drive_id}").json()
    assert [(i["name"], i["pledged"], i["delivered"], i["fulfilled"]) for i in drive["items"]] == [
        ("Quaderni", 20, 0, False), ("Zaino", 1, 3, True)]
    assert drive["progress"] == {"quantity_needed": 23, "pledged": 21, "delivered": 3,
                                 "items": 2, "items_fulfilled": 1}
    listed = public.get("/drives", params={"municipio": 2}).json()["items"]
    assert drive_id in [d["id"] for d in listed]


def test_bad_input_answers_422_naming_the_field(platform):
    organiser = Client(platform, "partner2")
    for body, fields in [
        ({"title": "Al contrario", "starts_at": "2027-05-08T18:00", "ends_at": "2027-05-08T15:00"},
         {"ends_at"}),
        ({"title": "Posti negativi", "starts_at": "2027-05-08T15:00",
          "ends_at": "2027-05-08T18:00", "capacity": -5}, {"capacity"}),
    ]:
        answer = organiser.post("/events", json=body)
        assert answer.status_code == 422
        assert answer.headers["Content-Type"] == "application/problem+json"
        assert set(answer.json()["errors"]) == fields
    event = create_event(organiser, title="Senza contatto")
    answer = Client(platform).post(f"/events/{event['id']}/registrations",
                                   json={"name": "Rossi", "contact": "boh", "adults": 0})
    assert answer.status_code == 422 and set(answer.json()["errors"]) == {"contact", "adults"}


def test_a_co_organiser_is_invited_and_edits_once_it_accepts(platform):
    organiser, invited = Client(platform, "partner8a"), Client(platform, "partner8b")
    invited_id = invited.get("/me").json()["organization_id"]
    event = create_event(organiser, title="Festa a due", municipio=8, organizer_ids=[invited_id])
    assert invited_id not in event["organizer_ids"]
    assert invited.patch(f"/events/{event['id']}", json={"title": "Presa"}).status_code == 403
    public = Client(platform).get(f"/events/{event['id']}").json()
    assert (invited_id in public["organizer_ids"], public["invited_organizer_ids"]) == (False, [])
    [told] = wait_for(lambda: [n for n in invited.get("/notifications").json()["items"]
                               if n["link"] == f"/events/{event['id']}"
                               and n["kind"] == "event_organizer_invited"])
    assert told["title"] == "Invito a organizzare un evento"
    [invitation] = [e for e in invited.get("/events/invitations").json()["items"]
                    if e["id"] == event["id"]]
    assert invitation["actions"][:2] == ["accept_invitation", "decline_invitation"]
    accepted = invited.post(f"/events/{event['id']}/invitation/accept")
    assert accepted.status_code == 200 and invited_id in accepted.json()["organizer_ids"]
    assert invited.patch(f"/events/{event['id']}", json={"title": "Festa di tutti"}).json()[
        "title"] == "Festa di tutti"


def test_coordinators_and_the_city_count_registrants_without_their_contacts(platform):
    event = create_event(Client(platform, "partner8a"), title="Conta", capacity=5, municipio=8)
    Client(platform).post(f"/events/{event['id']}/registrations",
                          json={"name": "Rossi", "contact": "rossi@example.it", "children": 2})
    for username in ("citta", "coord8"):
        staff = Client(platform, username)
        assert staff.get(f"/events/{event['id']}/registrations").status_code == 403
        assert staff.get(f"/events/{event['id']}/registrations.csv").status_code == 403
        counted = staff.get(f"/events/{event['id']}").json()["registrations"]
        assert counted["households"] == 1


def test_numbers_and_days_out_of_bounds_are_422_not_500(platform):
    organiser = Client(platform, "partner2")
    huge = organiser.post("/events", json={"title": "Enorme", "starts_at": "2027-05-08T15:00",
                                           "ends_at": "2027-05-08T18:00", "capacity": 2 ** 63})
    assert huge.status_code == 422 and list(huge.json()["errors"]) == ["capacity"]
    far = organiser.post("/drives", json={
        "title": "Lontana", "collect_from": "4363-06-19", "collect_to": "4363-06-30",
        "items": [{"name": "Penne", "quantity_needed": 5}],
        "drop_off_points": [{"name": "Sede", "address": "Via Prova 1"}]})
    assert far.status_code == 422 and list(far.json()["errors"]) == ["collect_to"]


def test_a_calendar_without_events_is_valid_and_an_unknown_organisation_has_none(platform):
    public = Client(platform)
    unknown = public.get("/calendars/organizations/00000000-0000-0000-0000-000000000000.ics")
    assert unknown.status_code == 404
    quiet = Client(platform, "coord8").post("/organizations", json={"name": "Appena nata"}).json()
    feed = icalendar.Calendar.from_ical(
        public.get(f"/calendars/organizations/{quiet['id']}.ics").text)
    assert feed.walk("VEVENT") == [] and feed.walk("VTIMEZONE")[0]["TZID"] == "Europe/Rome"
