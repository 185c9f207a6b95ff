"""The preferences page names each kind of notification as the notifications service says it,
in the page's language, and offers no `off` for a kind that cannot be turned off."""
import json

from gateway.auth import issue_token
from gateway.tests.support import PARTNER, SECRET, make_app


class Notifications:
    """Answers `get_preferences` as the notifications service does, in the caller's language."""

    amqp_uri = "amqp://guest:guest@127.0.0.1:1/"

    def call(self, service, method, *args, context_data=None, **kwargs):
        language = json.loads((context_data or {}).get("caller", "{}")).get("language")
        if method == "list_notifications":
            return {"items": [], "page": 1, "per_page": 1, "total": 0, "unread": 0}
        assert (service, method) == ("notifications", "get_preferences")
        return {"preferences": {"referral_sent": "email", "event_published": "digest"},
                "mandatory": ["referral_sent"], "quiet_hours": {"start": None, "end": None},
                "names": {"referral_sent": {"it": "Un invio per voi",
                                            "en": "A referral for you"}[language],
                          "event_published": {"it": "Eventi della rete",
                                              "en": "Events of the network"}[language]}}


def test_the_page_shows_the_names_the_service_gives_in_the_page_language():
    client = make_app(rpc=Notifications()).test_client()
    client.set_cookie("qubi_access", issue_token(PARTNER, SECRET, 60)["access_token"],
                      domain="localhost")
    for language, names in (("it", ["Un invio per voi", "Eventi della rete"]),
                            ("en", ["A referral for you", "Events of the network"])):
        page = client.get(f"/notifications/preferences?lang={language}",
                          base_url="https://localhost")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert all(name in text for name in names), language
    sent, published = (text.split(f'name="preferences.{kind}"')[1].split("</select>")[0]
                       for kind in ("referral_sent", "event_published"))
    assert 'value="off"' not in sent and 'value="off"' in published
