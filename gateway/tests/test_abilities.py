"""What each person may do beyond any one record comes from the services' contracts, and the
gateway's pages and API draw their menus, buttons and early refusals from it, naming no role."""
import re
from pathlib import Path

from gateway import abilities
from gateway.auth import issue_token
from gateway.tests.support import COORDINATOR, PARTNER, SECRET, bearer, make_app
from services.common.context import Caller

GATEWAY = Path(__file__).resolve().parents[1]


def may(**identity) -> frozenset:
    return abilities.of(Caller(user_id="u", **identity))


def test_each_role_may_what_its_services_say():
    partner = may(roles=("partner",), organization_id="o-1")
    assert {"read_referrals", "send_referral", "choose_box", "request_funds", "organize",
            "manage_services", "see_network"} <= partner
    assert not {"read_overview", "manage_people", "open_budgets"} & partner
    assert "manage_people" in may(roles=("partner", "partner_admin"), organization_id="o-1")
    social = may(roles=("social_worker",), municipi=(8,))
    assert {"send_referral", "read_referrals", "request_funds"} <= social
    assert "choose_box" not in social and "organize" not in social
    coordinator = may(roles=("coordinator",), municipi=(8,))
    assert {"read_overview", "decide_first", "register_organizations", "manage_people"} <= (
        coordinator)
    assert "send_referral" not in coordinator
    city = may(roles=("city",))
    assert {"read_overview", "decide_over_threshold", "open_budgets"} <= city
    assert "read_referrals" not in city  # the city sees referrals only as numbers
    assert abilities.of(Caller()) == frozenset()


class QuietServices:
    """Every service answering an empty page."""

    def call(self, service, method, *args, **kwargs):
        return {"items": [], "page": 1, "per_page": 20, "total": 0, "unread": 0}


def test_the_menu_shows_what_the_caller_may_do():
    client = make_app(rpc=QuietServices()).test_client()
    for identity, shown, hidden in [(PARTNER, ["/referrals", "/my/organization"],
                                     ["/people", "/reports"]),
                                    (COORDINATOR, ["/referrals", "/network", "/reports"],
                                     ["/my/organization"])]:
        token = issue_token(identity, SECRET, 900)["access_token"]
        client.set_cookie("qubi_access", token, domain="localhost")
        page = client.get("/events?lang=it", base_url="https://localhost").get_data(as_text=True)
        menu = re.search(r'<nav id="site-nav".*?</nav>', page, re.S).group(0)
        for path in shown:
            assert f'href="{path}' in menu, (identity["username"], path)
        for path in hidden:
            assert f'href="{path}' not in menu, (identity["username"], path)


def test_the_api_refuses_early_naming_the_roles_the_service_asks_for():
    client = make_app().test_client()
    answer = client.get("/api/v1/reports/overview", headers=bearer(PARTNER))
    assert answer.status_code == 403
    assert answer.json["code"] == "role_required"
    assert answer.json["params"] == {"roles": ["coordinator", "city"]}


def test_the_gateway_names_no_role_to_decide_what_someone_may_do():
    checks = []
    for path in sorted(GATEWAY.rglob("*")):
        if path.suffix in (".py", ".html") and "tests" not in path.parts:
            if re.search(r"has_role\(|require_role\(", path.read_text()):
                checks.append(str(path.relative_to(GATEWAY)))
    assert checks == []
