"""A service's error reaches a page by its code: the page says it in its language from the
`errors` catalogue, so rewording the English of the service changes no page."""
import re

import pytest

from gateway.auth import issue_token
from gateway.tests.support import PARTNER, SECRET, make_app
from services.common.errors import Conflict


class RevokingDirectory:
    """The directory refusing to revoke an invitation, in the wording it is given."""

    def __init__(self, wording):
        self.wording = wording
        self.on_call = None

    def call(self, service, method, *args, **kwargs):
        if method == "list_notifications":
            return {"items": [], "page": 1, "per_page": 1, "total": 0, "unread": 0}
        assert (service, method) == ("directory", "revoke_invitation")
        raise Conflict(self.wording, "invitation_ended", {"status": "revoked"})


def refusal_page(wording, language):
    client = make_app(rpc=RevokingDirectory(wording)).test_client()
    https = {"base_url": "https://localhost"}
    token = issue_token({**PARTNER, "roles": ["partner", "partner_admin"]}, SECRET, 900)
    client.set_cookie("qubi_access", token["access_token"], domain="localhost")
    page = client.get(f"/people/invite?lang={language}", **https)  # for the form's CSRF token
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    answer = client.post("/people/invitations/i-1/revoke", data={
        "csrf_token": csrf.group(1) if csrf else ""}, **https)
    assert answer.status_code == 409, answer.get_data(as_text=True)[:500]
    return re.search(r"<main.*</main>", answer.get_data(as_text=True), re.S).group(0)


@pytest.mark.parametrize("language, words", [
    ("it", "Questo invito non è più in attesa."),
    ("en", "This invitation is no longer pending.")])
def test_rewording_a_services_error_changes_no_page(language, words):
    before = refusal_page("This invitation is revoked already.", language)
    after = refusal_page("The invitation was revoked earlier; nothing to do.", language)
    assert words in before and before == after


def test_the_api_names_the_problem_by_its_code_beside_its_english():
    client = make_app(rpc=RevokingDirectory("This invitation is revoked already.")).test_client()
    token = issue_token({**PARTNER, "roles": ["partner", "partner_admin"]}, SECRET, 900)
    answer = client.delete("/api/v1/invitations/i-1",
                           headers={"Authorization": f"Bearer {token['access_token']}"})
    assert answer.status_code == 409
    assert answer.json["code"] == "invitation_ended" and answer.json["params"] == {
        "status": "revoked"}
    assert answer.json["detail"] == "This invitation is revoked already."


def test_a_refused_move_names_the_statuses_in_the_pages_words():
    from flask import Flask, g

    from gateway.web.referrals import refusal

    move = Conflict("A referral that is declined cannot become accepted.",
                    "referral_illegal_move", {"status": "declined", "to": "accepted"})
    with Flask(__name__).test_request_context():
        g.lang = "it"
        assert refusal(move) == "Un invio declinato non può diventare accettato."
        g.lang = "en"
        assert refusal(move) == "A referral that is declined cannot become accepted."


def test_a_refusal_names_the_roles_and_the_mover_in_words():
    from flask import Flask, g

    from gateway.web.i18n import said
    from gateway.web.referrals import refusal
    from services.common.errors import Forbidden

    roles = Forbidden("This needs one of the roles: partner_admin, city.", "role_required",
                      {"roles": ["partner_admin", "city"]})
    move = Forbidden("Only the receiver can make this referral accepted.",
                     "referral_move_not_yours", {"role": "receiver", "status": "accepted"})
    with Flask(__name__).test_request_context():
        g.lang = "it"
        assert said(roles) == ("Serve uno di questi ruoli: Referente dell'ente, "
                               "Cabina di regia cittadina.")
        assert refusal(move) == "Solo chi riceve può segnare questo invio come accettato."
        g.lang = "en"
        assert said(roles) == ("This needs one of the roles: Partner administrator, "
                               "City steering committee.")
        assert refusal(move) == "Only the receiver can make this referral accepted."
