"""What leaves the governance service as files: the invitation a calendar program reads, and
the documents attached to a meeting, checked by what they are."""
import base64
import io
import zipfile

import icalendar
import pytest

from services.common.errors import Invalid, NotFound
from services.common.schemas import load
from services.governance import documents, invitation, meetings
from services.governance.contract import MAX_DOCUMENT_BYTES, MeetingUpdateSchema
from services.governance.tests.test_governance_rules import (COORD8, NOW, PARTNER3, PARTNER8,
                                                              convene)

CHAIR = {"email": "coordinamento8@comune.milano.it", "name": "Coordinatrice 8"}
INVITED = [{"email": "asc8@comune.milano.it", "name": "ASC 8"},
           {"email": "info@cooperativa-otto.it", "name": "Cooperativa Otto"}]


def read_invitation(store, meeting_id, chair=CHAIR):
    with store.transaction() as tx:
        text = invitation.calendar(tx.session.get(meetings.Meeting, meeting_id), chair, INVITED)
    feed = icalendar.Calendar.from_ical(text)
    [event] = feed.walk("VEVENT")
    return feed, event


def test_the_invitation_is_a_request_from_the_chair_to_the_invited(store):
    meeting_id, _ = convene(store, online_url="https://meet.example.org/coord8")
    feed, event = read_invitation(store, meeting_id)
    assert feed["METHOD"] == "REQUEST"
    assert str(event["ORGANIZER"]) == "mailto:coordinamento8@comune.milano.it"
    assert event["ORGANIZER"].params["CN"] == "Coordinatrice 8"
    assert [str(a) for a in event.get("ATTENDEE")] == ["mailto:asc8@comune.milano.it",
                                                       "mailto:info@cooperativa-otto.it"]
    assert all(a.params["RSVP"] == "TRUE" for a in event.get("ATTENDEE"))
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART").isoformat() == "2026-12-10T17:00:00+01:00"
    assert event["UID"].endswith("@governance.qubi.comune.milano.it")
    assert "1. Fondo di comunità" in event["DESCRIPTION"]


def test_a_chair_without_an_email_organises_from_the_platforms_address(store):
    meeting_id, _ = convene(store)
    _, event = read_invitation(store, meeting_id, {"email": None, "name": "Coordinatrice 8"})
    assert str(event["ORGANIZER"]) == f"mailto:{invitation.NO_REPLY}"
    assert event["ORGANIZER"].params["CN"] == "Coordinatrice 8"


def test_an_update_raises_the_sequence_and_a_cancellation_cancels(store):
    meeting_id, _ = convene(store)
    _, first = read_invitation(store, meeting_id)
    with store.transaction() as tx:
        meetings.change(tx, COORD8, meeting_id, load(MeetingUpdateSchema(), {
            "starts_at": "2026-12-11T17:00", "ends_at": "2026-12-11T19:00"}), NOW)
    _, moved = read_invitation(store, meeting_id)
    assert moved["SEQUENCE"] == 1 and moved["UID"] == first["UID"]
    assert moved.decoded("DTSTART").day == 11
    with store.transaction() as tx:
        meetings.cancel(tx, COORD8, meeting_id, {"reason": "Sciopero dei mezzi"}, NOW)
    feed, cancelled = read_invitation(store, meeting_id)
    assert (feed["METHOD"], cancelled["STATUS"], cancelled["SEQUENCE"]) == ("CANCEL",
                                                                          "CANCELLED", 2)


def office_file(mimetype: bytes | None, part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if mimetype:
            archive.writestr("mimetype", mimetype)
        archive.writestr(part, "<xml/>")
    return buffer.getvalue()


@pytest.mark.parametrize("content, filename, expected", [
    (b"%PDF-1.7\n...", "verbale.pdf", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n....", "foto.png", "image/png"),
    ("Ordine del giorno: àèì".encode(), "odg.txt", "text/plain"),
    (b"voce;importo\n", "spese.csv", "text/csv"),
    (office_file(b"application/vnd.oasis.opendocument.text", "content.xml"), "a.odt",
     "application/vnd.oasis.opendocument.text"),
    (office_file(None, "word/document.xml"), "a.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
])
def test_a_document_is_told_by_its_bytes(content, filename, expected):
    assert documents.kind_of(content, filename) == expected


@pytest.mark.parametrize("content", [b"MZ\x90\x00\x03", b"\x00\x01binary",
                                     office_file(b"application/x-evil", "content.xml"),
                                     b"PK\x03\x04 not a zip"])
def test_what_is_not_a_document_is_refused_on_its_bytes(content):
    with pytest.raises(Invalid) as refused:
        documents.kind_of(content, "verbale.pdf")
    assert refused.value.codes["data"][0][0] == "document_type"


def test_a_document_is_kept_for_the_members_and_refused_when_too_large(store, tmp_path):
    meeting_id, _ = convene(store)
    storage = documents.DiskStorage(tmp_path)
    pdf = b"%PDF-1.7\n" + b"x" * 1000
    with store.transaction() as tx:
        kept = documents.attach(tx, PARTNER8, storage, meeting_id, {
            "filename": "../../etc/Verbale \"bozza\".pdf",
            "data": base64.b64encode(pdf).decode()}, NOW)
        assert (kept.filename, kept.content_type, kept.size) == ("Verbale bozza.pdf",
                                                                 "application/pdf", len(pdf))
    assert [p.name for p in tmp_path.iterdir()] == [kept.storage_key]
    with store.transaction() as tx:
        found = documents.read(tx.session, COORD8, storage, meeting_id, kept.id)
        assert base64.b64decode(found["data"]) == pdf
        with pytest.raises(NotFound):
            documents.read(tx.session, PARTNER3, storage, meeting_id, kept.id)
    too_large = base64.b64encode(b"%PDF-" + b"x" * MAX_DOCUMENT_BYTES).decode()
    with store.transaction() as tx:
        with pytest.raises(Invalid) as refused:
            documents.attach(tx, PARTNER8, storage, meeting_id,
                             {"filename": "grande.pdf", "data": too_large}, NOW)
    assert refused.value.codes["data"][0][0] == "document_too_large"
    assert len(list(tmp_path.iterdir())) == 1
