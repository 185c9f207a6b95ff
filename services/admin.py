"""`qubi-admin`: the operator's tool for every service.

    qubi-admin migrate [SERVICE ...]   apply each service's migrations
    qubi-admin declare                 declare every event handler's queues on RabbitMQ
    qubi-admin seed                    load the demo data (idempotent; demo users only in
                                       development and tests)
    qubi-admin invite --email E --name N --role R [--municipi 8] [--organization ID]
                                       invite a person as the platform itself (the first city
                                       account of a new platform), and print the link
    qubi-admin outbox                  events written but not yet published, per service
    qubi-admin dead-letters SERVICE [--replay]   list (or replay) what failed for good
    qubi-admin emails [--status failed]  emails that could not be delivered (failed, bounced)
    qubi-admin sms [--status held]     SMS that did not reach a phone (failed; held, and why)
    qubi-admin new-key                 print a new key for PERSONAL_DATA_KEYS
    qubi-admin new-secret              print a new secret for QUBI_SECRET_KEY or CONTEXT_KEYS
    qubi-admin rotate-keys             re-encrypt families' data and the two-factor and webhook
                                       secrets with the first key
"""
import argparse
import json
import sys

from kombu import Connection

from services.common.bus import declare_topology
from services.common.config import SERVICE_NAMES, ConfigurationError, load_settings
from services.common.context import ROLES
from services.common.database import Store
from services.common.errors import DomainError
from services.common.events import dead_letter_queue
from services.common.handlers import ATTEMPTS_HEADER, ORIGIN_HEADER
from services.common.migrations import upgrade
from services.common.registry import service_class


def migrate(settings, services):
    for name in services or SERVICE_NAMES:
        upgrade(name, settings.databases[name])
        print(f"{name}: migrated")


def declare(settings):
    classes = [service_class(name) for name in SERVICE_NAMES]
    queues = declare_topology(classes, settings.nameko_config())
    print(f"declared {len(queues)} queues")


def seed(settings):
    from sqlalchemy import select

    from services.common.context import Caller
    from services.directory.demo import load_demo
    from services.directory.governance import bodies
    from services.directory.models import Base as DirectoryBase
    from services.directory.models import Organization, User
    from services.events.demo import load_demo as load_events_demo
    from services.events.models import Base as EventsBase

    directory = Store(settings.databases["directory"], DirectoryBase.metadata)
    with directory.transaction() as tx:
        counts = load_demo(tx.session, settings.demo_password, with_users=settings.development)
        organization_ids = {o.name: o.id for o in tx.session.execute(select(Organization)).scalars()}
        user_ids = dict(tx.session.execute(select(User.username, User.id)).all())
        # the bodies with their people, as the directory answers the governance service
        governance_bodies = bodies(tx.session, Caller(user_id="qubi-admin", roles=["city"]))
    directory.dispose()
    events = Store(settings.databases["events"], EventsBase.metadata)
    with events.transaction() as tx:
        counts.update(load_events_demo(tx.session, organization_ids))
    events.dispose()
    from services.funds.demo import load_demo as load_funds_demo
    from services.funds.models import Base as FundsBase

    funds = Store(settings.databases["funds"], FundsBase.metadata)
    with funds.transaction() as tx:
        counts.update(load_funds_demo(tx.session))
    funds.dispose()
    from services.governance.demo import load_demo as load_governance_demo
    from services.governance.models import Base as GovernanceBase

    governance = Store(settings.databases["governance"], GovernanceBase.metadata)
    with governance.transaction() as tx:
        counts.update(load_governance_demo(tx.session, governance_bodies, user_ids))
    governance.dispose()
    print("demo data: " + ", ".join(f"{count} {what}" for what, count in counts.items()))
    if not settings.development:
        print(f"no demo users with QUBI_ENV={settings.environment or '(unset)'}: invite the first "
              "city account with `qubi-admin invite --email ... --name ... --role city`")


def invite(settings, email, name, role, municipi, organization_id):
    """The first accounts of a new platform: an invitation made by the platform itself, emailed
    (once the directory runs) and its link printed here."""
    from services.common.context import Caller
    from services.common.sealing import Cipher
    from services.common.schemas import load
    from services.directory import invitations
    from services.directory.contract.people import InvitationCreateSchema
    from services.directory.models import Base as DirectoryBase

    # the operator, who holds the platform's keys, acts as the city with every factor passed
    platform = Caller(user_id="qubi-admin", username="qubi-admin", roles=["city"], mfa=True)
    directory = Store(settings.databases["directory"], DirectoryBase.metadata)
    try:
        with directory.transaction() as tx:
            data = load(InvitationCreateSchema, {
                "email": email, "display_name": name, "role": role, "municipi": municipi,
                "organization_id": organization_id})
            invitation, token = invitations.invite(tx, platform, data,
                                                   settings.invitation_ttl_days,
                                                   Cipher(settings.personal_data_keys))
    except DomainError as error:
        sys.exit(f"qubi-admin invite: {getattr(error, 'errors', None) or error.detail}")
    finally:
        directory.dispose()
    print(f"invited {email} as {role} until {invitation.expires_at:%Y-%m-%d %H:%M} UTC; the email "
          f"goes out once the directory runs. The link, to hand over yourself if need be:\n"
          f"{settings.public_url}/invitations/accept?token={token}")


def outbox(settings):
    for name in SERVICE_NAMES:
        store = Store(settings.databases[name], service_class(name).db.metadata)
        print(f"{name}: {len(store.pending_events())} event(s) waiting to be published")
        store.dispose()


def dead_letters(settings, service, replay=False):
    config = settings.nameko_config()
    queue = dead_letter_queue(service, config)
    with Connection(config["AMQP_URI"]) as connection:
        bound = queue.bind(connection.default_channel)
        bound.declare()
        count = 0
        while (message := bound.get(no_ack=False)) is not None:
            count += 1
            headers = dict(message.headers)
            print(json.dumps({"queue": headers.get(ORIGIN_HEADER),
                              "attempts": headers.get(ATTEMPTS_HEADER),
                              "error": headers.get("x-qubi-error"),
                              "event": message.payload}, ensure_ascii=False))
            if replay:
                headers[ATTEMPTS_HEADER] = 0
                connection.Producer().publish(message.payload, exchange="",
                                              routing_key=headers[ORIGIN_HEADER],
                                              headers=headers, delivery_mode=2)
                message.ack()
        if not replay:
            connection.default_channel.basic_recover(requeue=True)
    print(f"{count} dead-lettered message(s){' replayed' if replay and count else ''}",
          file=sys.stderr)


def emails(settings, statuses):
    from services.notifications.models import Delivery

    _outgoing(settings, Delivery, statuses, "email(s)", lambda delivery: {
        "to": delivery.to_address, "subject": delivery.subject})


def sms(settings, statuses):
    """Without the numbers: the event and the registration, or the referral (a family's card),
    each SMS was about say whose."""
    from services.notifications.models import Sms

    _outgoing(settings, Sms, statuses, "SMS", lambda owed: {
        "reason": owed.reason, "kind": owed.kind, "event_id": owed.event_id,
        "registration_id": owed.registration_id, "referral_id": owed.referral_id,
        "report_status": owed.report_status})


def _outgoing(settings, model, statuses, noun: str, described):
    """One JSON line per message of `model` in `statuses`, oldest first: what `described` says
    of it, beside its id, status, attempts and last error."""
    from sqlalchemy import select

    from services.notifications.models import Base

    store = Store(settings.databases["notifications"], Base.metadata)
    with store.sessions() as session:
        found = session.execute(select(model).where(model.status.in_(statuses))
                                .order_by(model.created_at)).scalars().all()
        for message in found:
            print(json.dumps({"id": message.id, "status": message.status, **described(message),
                              "attempts": message.attempts, "last_error": message.last_error,
                              "created_at": message.created_at.isoformat()},
                             ensure_ascii=False))
    store.dispose()
    print(f"{len(found)} {noun} {'/'.join(statuses)}", file=sys.stderr)


def new_key():
    from cryptography.fernet import Fernet

    print(Fernet.generate_key().decode())


def new_secret():
    import secrets

    print(secrets.token_urlsafe(48))


def rotate_keys(settings):
    from services.common.sealing import Cipher
    from services.directory.models import Base as DirectoryBase
    from services.directory.two_factor import rotate_secrets
    from services.notifications import webhooks
    from services.notifications.models import Base as NotificationsBase
    from services.referrals.crypto import rotate_all
    from services.referrals.models import Base as ReferralsBase

    cipher = Cipher(settings.personal_data_keys)
    count = 0
    for service, metadata, rotate in (
            ("referrals", ReferralsBase.metadata, rotate_all),
            ("directory", DirectoryBase.metadata, rotate_secrets),
            ("notifications", NotificationsBase.metadata, webhooks.rotate_secrets)):
        store = Store(settings.databases[service], metadata)
        with store.transaction() as tx:
            count += rotate(tx.session, cipher)
        store.dispose()
    print(f"{count} encrypted value(s) rewritten with the first key of PERSONAL_DATA_KEYS")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="qubi-admin", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate").add_argument("services", nargs="*", choices=[[], *SERVICE_NAMES])
    commands.add_parser("declare")
    commands.add_parser("seed")
    inviting = commands.add_parser("invite")
    inviting.add_argument("--email", required=True)
    inviting.add_argument("--name", required=True)
    inviting.add_argument("--role", required=True, choices=ROLES)
    inviting.add_argument("--municipi", type=lambda text: [int(m) for m in text.split(",") if m],
                          default=[], help="comma-separated, for coordinators and social workers")
    inviting.add_argument("--organization", default=None, help="the organisation's id, for partners")
    commands.add_parser("outbox")
    letters = commands.add_parser("dead-letters")
    letters.add_argument("service", choices=SERVICE_NAMES)
    letters.add_argument("--replay", action="store_true")
    commands.add_parser("emails").add_argument(
        "--status", action="append", choices=["failed", "bounced", "pending", "sent"])
    commands.add_parser("sms").add_argument(
        "--status", action="append", choices=["failed", "held", "pending", "sent", "delivered"])
    commands.add_parser("new-key")
    commands.add_parser("new-secret")
    commands.add_parser("rotate-keys")
    args = parser.parse_args(argv)
    if args.command == "new-key":
        return new_key()
    if args.command == "new-secret":
        return new_secret()
    try:
        settings = load_settings()
    except ConfigurationError as error:
        sys.exit(f"qubi-admin: {error}")
    if args.command == "migrate":
        migrate(settings, args.services)
    elif args.command == "declare":
        declare(settings)
    elif args.command == "seed":
        seed(settings)
    elif args.command == "invite":
        invite(settings, args.email, args.name, args.role, args.municipi, args.organization)
    elif args.command == "outbox":
        outbox(settings)
    elif args.command == "rotate-keys":
        rotate_keys(settings)
    elif args.command == "emails":
        emails(settings, args.status or ["failed", "bounced"])
    elif args.command == "sms":
        sms(settings, args.status or ["failed", "held"])
    else:
        dead_letters(settings, args.service, args.replay)


if __name__ == "__main__":
    main()
