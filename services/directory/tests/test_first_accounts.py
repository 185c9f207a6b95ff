"""A new platform outside development: `qubi-admin seed` loads no demo user (their password is
public), and `qubi-admin invite` makes the first city account's invitation and prints its link."""
import re

from cryptography.fernet import Fernet
from sqlalchemy import select

from services import admin
from services.common.config import SERVICE_NAMES
from services.common.database import Store
from services.common.sealing import Cipher
from services.directory import invitations
from services.directory.models import Base, Invitation, User

KEY = Fernet.generate_key().decode()


def production(monkeypatch, databases):
    monkeypatch.setenv("QUBI_ENV", "production")
    monkeypatch.setenv("QUBI_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("CONTEXT_KEYS", "c" * 40)
    monkeypatch.setenv("PERSONAL_DATA_KEYS", KEY)
    monkeypatch.setenv("PUBLIC_URL", "https://qubi.example")
    for name in SERVICE_NAMES:
        monkeypatch.setenv(f"{name.upper()}_DATABASE_URL", databases[name])


def test_production_seeds_no_demo_user_and_invites_the_first_city_account(
        monkeypatch, databases, capsys):
    production(monkeypatch, databases)
    admin.main(["seed"])
    assert "invite the first city account" in capsys.readouterr().out
    admin.main(["invite", "--email", "Cabina@Comune.Milano.it", "--name", "Cabina di regia",
                "--role", "city"])
    link = re.search(r"https://qubi\.example/invitations/accept\?token=([\w-]+)",
                     capsys.readouterr().out)
    store = Store(databases["directory"], Base.metadata)
    with store.transaction() as tx:
        assert tx.session.execute(select(User)).scalars().all() == []
        invitation = tx.session.execute(select(Invitation)).scalar_one()
        assert (invitation.email, invitation.role) == ("cabina@comune.milano.it", "city")
        sealed = tx.session.execute(select(store.outbox.c.payload)).scalar_one()["sealed"]
        assert Cipher([KEY]).open_text(sealed)["token"] == link.group(1)  # the email's link
    with store.transaction() as tx:
        user = invitations.accept(tx, link.group(1), "cabina", "una frase lunga per iniziare")
        assert user.roles == ["city"]
    store.dispose()


def test_an_invalid_invitation_is_one_line(monkeypatch, databases, capsys):
    production(monkeypatch, databases)
    try:
        admin.main(["invite", "--email", "not-an-address", "--name", "X", "--role", "city"])
    except SystemExit as stopped:
        assert "email" in str(stopped.code) and "\n" not in str(stopped.code)
    else:
        raise AssertionError("an invalid address was accepted")
