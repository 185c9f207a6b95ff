"""Single sign-on for city staff against a real OpenID Provider (node's certified oidc-provider,
tests/oidc/provider.mjs) started here, over a platform of its own whose gateway trusts it: the
browser is a requests session that goes through the provider's login and consent forms."""
import html
import os
import re
import shutil
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from deploy.local import Platform
from gateway.app import create_app
from services.common.config import load_settings
from tests.platform import free_port, started_platform

OIDC_DIR = Path(__file__).resolve().parent / "oidc"
NODE_MISSING = ("The single sign-on tests run a real OpenID Provider on Node.js: install node and "
                "npm (apt-get install nodejs npm).")
CLIENT_ID, CLIENT_SECRET = "rete-qubi", "a-client-secret-of-the-tests"
REFUSED = "L'accesso con l'identità del Comune non è riuscito"
NO_ACCOUNT = "La tua identità del Comune non apre nessun account di Rete QuBì"
broker = pytest.mark.broker


@pytest.fixture(scope="module")
def ports():
    return {"gateway": free_port(), "mix_up": free_port(), "provider": free_port()}


@pytest.fixture(scope="module")
def provider(ports, tmp_path_factory):
    """The provider's issuer; its client may come back to either gateway of these tests."""
    if not (shutil.which("node") and shutil.which("npm")):
        pytest.fail(NODE_MISSING)
    if not (OIDC_DIR / "node_modules").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=OIDC_DIR, check=True)
    issuer = f"http://127.0.0.1:{ports['provider']}"
    callbacks = [f"http://localhost:{ports[name]}/auth/oidc/callback"
                 for name in ("gateway", "mix_up")]
    env = {**os.environ, "PORT": str(ports["provider"]), "CLIENT_ID": CLIENT_ID,
           "CLIENT_SECRET": CLIENT_SECRET, "REDIRECT_URIS": ",".join(callbacks)}
    log = tmp_path_factory.mktemp("oidc") / "provider.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(["node", "provider.mjs"], cwd=OIDC_DIR, env=env,
                                   stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while not _answers(f"{issuer}/.well-known/openid-configuration"):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"the provider did not start: {log}"
            time.sleep(0.2)
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)


def _answers(url) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def oidc_settings(issuer, port) -> dict:
    return {"OIDC_ISSUER": issuer, "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET, "PUBLIC_URL": f"http://localhost:{port}"}


@pytest.fixture(scope="module")
def sso_platform(vhost_pipeline, request, tmp_path_factory, ports, provider):
    with started_platform(vhost_pipeline, request, tmp_path_factory, "sso",
                          tmp_path_factory.mktemp("sso-logs"), port=ports["gateway"],
                          GUNICORN_WORKERS="1",
                          SMTP_URL=f"file://{tmp_path_factory.mktemp('sso-mail')}",
                          **oidc_settings(provider, ports["gateway"])) as running:
        yield running


@contextmanager
def another_gateway(platform, port, log_dir, **settings):
    """One more gateway in front of the platform's services, with settings of its own."""
    gateway = Platform({**platform.env, **settings}, port=port, log_dir=log_dir)
    gateway.start_gateway()
    try:
        assert gateway.wait_ready(), f"not ready; logs in {log_dir}"
        yield gateway
    finally:
        gateway.stop_all()


class Browser(requests.Session):
    """The gateway's cookies are Secure: a browser sends them back to localhost over plain http
    too, and so does this one."""

    def prepare_request(self, request):
        for cookie in self.cookies:
            cookie.secure = False
        return super().prepare_request(request)



def to_the_callback(web, start, login, tamper=lambda url: url) -> str:
    """Follows a login from `start` (a gateway's /auth/oidc/login) through the provider, signing
    in as `login` and consenting, up to the provider's redirect back to the gateway: its
    callback address, not followed. `tamper` may change the request to the provider first."""
    answer = web.get(start, allow_redirects=False)
    assert answer.status_code == 302, answer.text
    answer = web.get(tamper(answer.headers["Location"]), allow_redirects=False)
    for _ in range(10):
        if answer.is_redirect:
            location = urljoin(answer.url, answer.headers["Location"])
            if urlsplit(location).path == "/auth/oidc/callback":
                return location
            answer = web.get(location, allow_redirects=False)
            continue
        assert answer.status_code == 200, answer.text
        action = urljoin(answer.url, html.unescape(
            re.search(r'<form[^>]*\baction="([^"]+)"', answer.text)[1]))
        prompt = re.search(r'name="prompt" value="(\w+)"', answer.text)[1]
        fields = {"prompt": prompt}
        if prompt == "login":
            fields.update(login=login, password="any password: devInteractions take all")
        answer = web.post(action, data=fields, allow_redirects=False)
    raise AssertionError("the provider never sent the browser back to the gateway")


def refused_login(web, callback, said=REFUSED):
    answer = web.get(callback, allow_redirects=False)
    assert answer.status_code == 401 and said in html.unescape(answer.text), answer.text
    assert "Traceback" not in answer.text
    assert "qubi_access" not in web.cookies  # no session
    return answer


# --- against the provider --------------------------------------------------------------------

@broker
def test_a_city_employee_signs_in_with_the_citys_identity_and_gets_the_city_tier(sso_platform):
    web = Browser()
    login = web.get(sso_platform.url + "/login?next=/funds")
    button = re.search(r'href="(/auth/oidc/login[^"]*)"[^>]*>Accedi con l&#39;identità del Comune',
                       login.text)
    assert button, login.text
    callback = to_the_callback(web, sso_platform.url + html.unescape(button[1]), "citta")
    landed = web.get(callback, allow_redirects=False)
    assert landed.status_code == 303 and landed.headers["Location"] == "/funds", landed.text

    page = web.get(sso_platform.url + "/reports")  # the city's menu: reports, no referrals
    assert page.status_code == 200 and '<span class="who">citta</span>' in page.text, page.text
    assert 'href="/reports"' in page.text and 'href="/referrals"' not in page.text
    # the web session's access token is the API's
    me = requests.get(sso_platform.url + "/api/v1/me", timeout=10, headers={
        "Authorization": f"Bearer {web.cookies['qubi_access']}"})
    assert me.status_code == 200, me.text
    assert (me.json()["username"], me.json()["roles"], me.json()["tier"]) == (
        "citta", ["city"], "city")


@broker
def test_a_tampered_state_is_refused(sso_platform):
    web = Browser()
    callback = to_the_callback(web, sso_platform.url + "/auth/oidc/login", "citta")
    assert "state=" in callback
    refused_login(web, re.sub(r"state=[^&]+", "state=forged-by-someone-else", callback))
    # the provider's code was good: with its own state the same answer logs in
    assert web.get(callback, allow_redirects=False).status_code == 303


@broker
def test_an_id_token_with_another_nonce_is_refused(sso_platform):
    web = Browser()
    # the provider is asked with a nonce that is not the one the gateway keeps for this login
    callback = to_the_callback(web, sso_platform.url + "/auth/oidc/login", "citta", tamper=lambda
                               url: re.sub(r"nonce=[^&]+", "nonce=not-the-gateways-nonce", url))
    refused_login(web, callback)
    assert "'nonce'" in (sso_platform.log_dir / "gateway.log").read_text()


@broker
def test_an_id_token_of_another_issuer_is_refused(sso_platform, provider, ports,
                                                  tmp_path_factory):
    # this gateway trusts http://127.0.0.1:<port>/mix-up, whose discovery document names its
    # issuer so but the endpoints and keys of the provider, whose ID tokens carry its own issuer
    log_dir = tmp_path_factory.mktemp("mix-up-logs")
    with another_gateway(sso_platform, ports["mix_up"], log_dir,
                         **oidc_settings(f"{provider}/mix-up", ports["mix_up"])) as gateway:
        web = Browser()
        callback = to_the_callback(web, gateway.url + "/auth/oidc/login", "citta")
        refused_login(web, callback)
    assert "'iss'" in (log_dir / "gateway.log").read_text()


@broker
def test_an_address_the_provider_did_not_verify_opens_no_account(sso_platform):
    web = Browser()  # the provider's "unverified" account has the address of `citta`, unverified
    callback = to_the_callback(web, sso_platform.url + "/auth/oidc/login", "unverified")
    refused_login(web, callback, NO_ACCOUNT)


@broker
def test_an_address_no_account_has_opens_no_account(sso_platform):
    web = Browser()
    callback = to_the_callback(web, sso_platform.url + "/auth/oidc/login", "stranger")
    refused_login(web, callback, NO_ACCOUNT)


# --- without a provider ----------------------------------------------------------------------

def gateway(**environ):
    settings = load_settings({"QUBI_ENV": "test", "AMQP_URI": "amqp://guest:guest@127.0.0.1:1/",
                              **environ})
    return create_app(settings).test_client()


def test_without_a_provider_configured_there_is_no_button_and_no_route():
    web = gateway()
    assert "identità del Comune" not in web.get("/login", base_url="https://localhost").text
    for path in ("/auth/oidc/login", "/auth/oidc/callback?code=x&state=y"):
        assert web.get(path, base_url="https://localhost").status_code == 404


def test_with_a_provider_configured_the_login_page_offers_it_in_each_language():
    web = gateway(OIDC_ISSUER="https://login.comune.example", OIDC_CLIENT_ID="qubi",
                  OIDC_CLIENT_SECRET="secret")
    for lang, said in (("it", "Accedi con l&#39;identità del Comune"),
                       ("en", "Sign in with your City identity")):
        page = web.get(f"/login?lang={lang}&next=/funds", base_url="https://localhost").text
        assert said in page and 'href="/auth/oidc/login?next=/funds"' in page, page
