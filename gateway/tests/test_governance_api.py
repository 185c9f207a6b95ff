"""The governance API at the gateway: meetings, minutes, decisions and actions passed on to the
governance service as the client sent them; a document's upload read from its form and passed on
in base64, refused naming `file` when it is too large (before the service is asked) or when the
service refuses its content; a document's download as the file it is."""
import base64
from io import BytesIO

import pytest

from gateway.tests.support import COORDINATOR, PARTNER, bearer, make_app
from services.common import checks, serialization
from services.common.errors import Invalid, NotFound
from services.governance.contract import MAX_DOCUMENT_BYTES

MEETING = {"id": "m-1", "title": "Coordinamento di dicembre", "actions": ["attach_document"]}
PDF = b"%PDF-1.7\n" + b"0" * 100


class FakeGovernance:
    """The governance service: each call is recorded and answered from `answers` (a method's
    answer, or an error it raises)."""

    def __init__(self, **answers):
        self.calls, self.answers = [], answers

    def call(self, service, method, *args, context_data=None, as_json=False, **kwargs):
        self.calls.append((service, method, args))
        said = self.answers.get(method, MEETING)
        if isinstance(said, Exception):
            raise said
        return serialization.dumps(said) if as_json else said


def client_of(governance):
    return make_app(rpc=governance).test_client()


def upload(client, content: bytes, filename="verbale.pdf", identity=PARTNER):
    return client.post("/api/v1/meetings/m-1/documents", headers=bearer(identity),
                       data={"file": (BytesIO(content), filename)},
                       content_type="multipart/form-data")


def test_a_meeting_is_convened_by_those_who_may_and_passed_on_as_sent():
    governance = FakeGovernance()
    client = client_of(governance)
    body = {"body_id": "00000000-0000-0000-0000-000000000008", "title": "Coordinamento",
            "starts_at": "2030-01-10T10:00:00+01:00", "ends_at": "2030-01-10T12:00:00+01:00",
            "place": "Via Quarto Oggiaro 1", "agenda": [{"title": "Fondo di comunità"}]}
    assert client.post("/api/v1/meetings", json=body).status_code == 401
    refused = client.post("/api/v1/meetings", json=body, headers=bearer(PARTNER))
    assert refused.status_code == 403 and refused.json["code"] == "role_required"
    assert governance.calls == []
    convened = client.post("/api/v1/meetings", json=body, headers=bearer(COORDINATOR))
    assert (convened.status_code, convened.json) == (201, MEETING)
    assert governance.calls == [("governance", "create_meeting", (body,))]


def test_an_answer_to_the_invitation_is_checked_with_the_contracts_schema_then_passed_on():
    governance = FakeGovernance()
    client = client_of(governance)
    wrong = client.post("/api/v1/meetings/m-1/rsvp", json={"answer": "forse"},
                        headers=bearer(PARTNER))
    assert wrong.status_code == 422 and "answer" in wrong.json["errors"]
    said = client.post("/api/v1/meetings/m-1/rsvp", json={"answer": "maybe"},
                       headers=bearer(PARTNER))
    assert said.status_code == 200
    assert governance.calls == [("governance", "answer_invitation", ("m-1", {"answer": "maybe"}))]


def test_an_earlier_version_of_the_minutes_is_asked_by_its_number():
    governance = FakeGovernance(get_minutes={"version": 1, "status": "approved"})
    client = client_of(governance)
    assert client.get("/api/v1/meetings/m-1/minutes?version=1",
                      headers=bearer(PARTNER)).json["version"] == 1
    assert client.get("/api/v1/meetings/m-1/minutes?version=0",
                      headers=bearer(PARTNER)).status_code == 422
    client.get("/api/v1/meetings/m-1/minutes", headers=bearer(PARTNER))
    assert [args for _service, _method, args in governance.calls] == [("m-1", 1), ("m-1", None)]


def test_the_service_says_what_a_caller_may_not_see():
    governance = FakeGovernance(get_decision=NotFound("No such decision.", "decision_not_found"))
    answer = client_of(governance).get("/api/v1/decisions/d-1", headers=bearer(PARTNER))
    assert answer.status_code == 404 and answer.json["code"] == "decision_not_found"


def test_a_document_is_passed_on_by_its_name_and_its_bytes_in_base64():
    document = {"id": "d-1", "filename": "verbale.pdf", "content_type": "application/pdf",
                "size": len(PDF)}
    governance = FakeGovernance(attach_document=document)
    answer = upload(client_of(governance), PDF)
    assert (answer.status_code, answer.json) == (201, document)
    [(_service, method, (meeting_id, sent))] = governance.calls
    assert (method, meeting_id, sent["filename"]) == ("attach_document", "m-1", "verbale.pdf")
    assert base64.b64decode(sent["data"]) == PDF


@pytest.mark.parametrize("size", [6 * 1024 * 1024, MAX_DOCUMENT_BYTES + 1])
def test_a_document_too_large_is_refused_naming_its_field_before_the_service_is_asked(size):
    governance = FakeGovernance()
    answer = upload(client_of(governance), b"%PDF-" + b"0" * (size - 5))
    assert answer.status_code == 413 and answer.content_type == "application/problem+json"
    assert answer.json["errors"] == {"file": ["At most 5 MB."]}
    assert answer.json["codes"] == {"file": [{"code": "document_too_large",
                                              "params": {"megabytes": 5}}]}
    assert governance.calls == []


def test_a_file_the_service_will_not_keep_is_refused_naming_the_field_it_was_sent_in():
    governance = FakeGovernance(attach_document=Invalid({"data": [checks.reason(
        "document_type", "A PDF, an office document (ODF or OOXML), an image (PNG, JPEG) or a "
                         "text file.")]}))
    answer = upload(client_of(governance), b"MZ\x90\x00 an executable", "verbale.pdf")
    assert answer.status_code == 422
    assert list(answer.json["errors"]) == ["file"]
    assert answer.json["codes"] == {"file": [{"code": "document_type", "params": {}}]}


def test_an_upload_without_its_file_is_refused_naming_the_field():
    governance = FakeGovernance()
    answer = client_of(governance).post("/api/v1/meetings/m-1/documents", headers=bearer(PARTNER),
                                        data={"other": "x"}, content_type="multipart/form-data")
    assert answer.status_code == 422 and "file" in answer.json["errors"]
    assert governance.calls == []


def test_any_other_body_too_large_is_the_usual_problem():
    answer = client_of(FakeGovernance()).put(
        "/api/v1/meetings/m-1/minutes", headers=bearer(COORDINATOR),
        json={"text": "x" * (3 * 1024 * 1024)})
    assert answer.status_code == 413 and "errors" not in answer.json


def test_a_document_is_downloaded_as_the_file_it_is_and_never_sniffed_nor_kept():
    governance = FakeGovernance(get_document={
        "id": "d-1", "filename": "verbale è.pdf", "content_type": "application/pdf",
        "size": len(PDF), "data": base64.b64encode(PDF).decode()})
    answer = client_of(governance).get("/api/v1/meetings/m-1/documents/d-1",
                                       headers=bearer(PARTNER))
    assert answer.status_code == 200 and answer.data == PDF
    assert answer.mimetype == "application/pdf"
    disposition = answer.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''verbale%20%C3%A8.pdf" in disposition
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Cache-Control"] == "no-store"
    assert governance.calls == [("governance", "get_document", ("m-1", "d-1"))]
