"""The OpenAPI document the platform serves, read by tools nobody here wrote: Redocly's linter
(pinned in tests/redocly, installed by `npm ci` there; its rules in redocly.yaml there) finds no
error in it, and a client that openapi-python-client generates from it logs in, finds services,
sends and accepts a referral and reads notifications, typed end to end (a problem too, as it is
sent), and reads the HSDS API as Open Referral's objects."""
import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.helpers import wait_for
from tests.platform import referral_body

pytestmark = pytest.mark.broker
REDOCLY_DIR = Path(__file__).resolve().parent / "redocly"
NODE_MISSING = ("The OpenAPI document's lint runs Redocly's CLI from npm: install node and npm "
                "(apt-get install nodejs npm).")
CLIENT_PACKAGE = "qubi_generated_client"


@pytest.fixture(scope="module")
def document(platform, tmp_path_factory) -> Path:
    answer = requests.get(f"{platform.url}/api/v1/openapi.json", timeout=10)
    assert answer.status_code == 200
    path = tmp_path_factory.mktemp("openapi") / "openapi.json"
    path.write_text(json.dumps(answer.json()))
    return path


def test_redocly_finds_no_error_in_the_served_document(document):
    if not (shutil.which("node") and shutil.which("npm")):
        pytest.fail(NODE_MISSING)
    if not (REDOCLY_DIR / "node_modules").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                       cwd=REDOCLY_DIR, check=True)
    env = {**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"}
    run = subprocess.run([str(REDOCLY_DIR / "node_modules" / ".bin" / "redocly"), "lint",
                          str(document), "--config", str(REDOCLY_DIR / "redocly.yaml"),
                          "--format=stylish", "--max-problems=1000"],
                         cwd=REDOCLY_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert " error " not in run.stdout


@pytest.fixture(scope="module")
def client_package(document, tmp_path_factory):
    """The client generated from the document, imported (ruff's formatting of it skipped)."""
    folder = tmp_path_factory.mktemp("client")
    config = folder / "config.json"
    config.write_text(json.dumps({"post_hooks": []}))
    generator = Path(sys.executable).parent / "openapi-python-client"
    run = subprocess.run([str(generator), "generate", "--path", str(document), "--meta", "none",
                          "--config", str(config), "--output-path",
                          str(folder / CLIENT_PACKAGE)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(CLIENT_PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name.split(".")[0] == CLIENT_PACKAGE]:
            del sys.modules[name]


def test_a_generated_client_sends_and_accepts_a_referral(platform, client_package):
    def operation(tag, name):
        return importlib.import_module(f"{CLIENT_PACKAGE}.api.{tag}.{tag}_{name}")

    auth_token, auth_me = operation("auth", "token"), operation("auth", "me")
    search = operation("services", "search_services")
    send = operation("referrals", "send_referral")
    accept = operation("referrals", "accept_referral")
    inbox = operation("notifications", "list_notifications")
    models = importlib.import_module(f"{CLIENT_PACKAGE}.models")

    def logged_in(username):
        token = auth_token.sync(client=client_package.Client(
            base_url=platform.url, raise_on_unexpected_status=True),
            body=models.Credentials(username=username, password="qubi-demo"))
        assert isinstance(token, models.Token), token
        return client_package.AuthenticatedClient(
            base_url=platform.url, token=token.access_token, raise_on_unexpected_status=True)

    wrong = auth_token.sync(client=client_package.Client(base_url=platform.url),
                            body=models.Credentials(username="partner8a", password="wrong"))
    assert isinstance(wrong, models.Problem) and wrong.status == 401 and wrong.detail

    sender, receiver = logged_in("partner8a"), logged_in("partner8b")
    found = search.sync(client=sender, municipio=8, age=3)
    assert isinstance(found, models.ServicePage) and found.items
    located = [service for service in found.items if service.location]
    assert located and all(isinstance(service.location, models.Location)
                           and service.location.name for service in located)

    receiver_org = auth_me.sync(client=receiver).organization_id
    referral = send.sync(client=sender,
                         body=models.ReferralCreate.from_dict(referral_body(receiver_org)))
    assert isinstance(referral, models.Referral), referral
    accepted = accept.sync(referral.id, client=receiver)
    assert isinstance(accepted, models.Referral), accepted
    assert accepted.family.guardian_name == "Giulia Verdi"
    again = accept.sync(referral.id, client=receiver)
    assert isinstance(again, models.Problem) and again.status == 409 and again.code

    told = wait_for(lambda: [notification for notification in inbox.sync(client=sender).items
                             if notification.kind == "referral_accepted"
                             and referral.code in notification.body])
    assert told and not told[0].read


def test_a_generated_client_reads_hsds_as_open_referrals_objects(platform, client_package):
    def operation(name):
        return importlib.import_module(f"{CLIENT_PACKAGE}.api.hsds.hsds_hsds_{name}")

    models = importlib.import_module(f"{CLIENT_PACKAGE}.models")
    anyone = client_package.Client(base_url=platform.url, raise_on_unexpected_status=True)
    page = operation("services").sync(client=anyone, full=True)
    assert isinstance(page, models.HsdsServicePage) and page.contents
    assert all(isinstance(service, models.HsdsService) for service in page.contents)
    service = operation("service").sync(str(page.contents[0].id), client=anyone)
    assert isinstance(service, models.HsdsService) and service.name
    assert isinstance(service.status, models.HsdsServiceStatus)
    assert isinstance(service.organization, models.HsdsOrganization)
    terms = operation("taxonomy_terms").sync(client=anyone)
    assert terms.contents and all(isinstance(term.taxonomy_detail, models.HsdsTaxonomy)
                                  for term in terms.contents)
