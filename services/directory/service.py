"""The directory service: networks, organisations, services and the people of the network."""
import os

from nameko.extensions import DependencyProvider

from services.common.context import tier_for
from services.common.database import Database
from services.common.errors import NotAuthenticated
from services.common.rpc import rpc
from services.common.schemas import load, paged
from services.common.service import ReportingService
from services.directory import (catalog, governance, hsds, networks, onboarding, organizations,
                                statistics, users)
from services.directory.models import Base
from services.directory.search import SearchIndex
from services.directory.schemas import (CredentialsSchema, GovernanceBodySchema,
                                        GovernanceQuerySchema, HsdsQuerySchema, IdentitySchema,
                                        NetworkSchema,
                                        OrganizationCreateSchema, OrganizationQuerySchema,
                                        OrganizationSchema, OrganizationUpdateSchema,
                                        RecipientSchema, ServiceCreateSchema, ServiceQuerySchema,
                                        ServiceSchema, ServiceUpdateSchema)

NETWORK = NetworkSchema()
ORGANIZATION = OrganizationSchema()
SERVICE = ServiceSchema()
IDENTITY = IdentitySchema()
GOVERNANCE_BODIES = GovernanceBodySchema(many=True)
RECIPIENTS = RecipientSchema(many=True)


class LoginPolicyProvider(DependencyProvider):
    """The lockout and token lifetimes, read from the environment when the service starts."""

    def setup(self):
        self.policy = users.LoginPolicy.from_environ(os.environ)

    def get_dependency(self, worker_ctx):
        return self.policy


def _identity(user) -> dict:
    return IDENTITY.dump({
        "user_id": user.id, "username": user.username, "display_name": user.display_name,
        "organization_id": user.organization_id, "roles": user.roles,
        "municipi": user.municipi, "tier": tier_for(user.roles), "language": user.language,
    })


class DirectoryService(ReportingService):
    name = "directory"
    db = Database(Base.metadata)
    index = SearchIndex()
    login_policy = LoginPolicyProvider()
    count_per_municipio = staticmethod(statistics.per_municipio)

    @rpc
    def list_networks(self):
        with self.db.transaction() as tx:
            items = NETWORK.dump(networks.list_networks(tx.session), many=True)
        return {"items": items, "page": 1, "per_page": len(items), "total": len(items)}

    @rpc
    def list_organizations(self, query=None):
        args = load(OrganizationQuerySchema, query)
        page, per_page = args.pop("page"), args.pop("per_page")
        with self.db.transaction() as tx:
            return paged(tx.session, organizations.search_statement(**args), page, per_page,
                         ORGANIZATION.dump)

    @rpc
    def governance_bodies(self, query=None):
        args = load(GovernanceQuerySchema, query)
        with self.db.transaction() as tx:
            return {"items": GOVERNANCE_BODIES.dump(
                governance.bodies(tx.session, self.caller, args.get("municipio")))}

    @rpc
    def get_organization(self, organization_id):
        with self.db.transaction() as tx:
            return ORGANIZATION.dump(organizations.get(tx.session, organization_id))

    @rpc
    def register_organization(self, data):
        data = load(OrganizationCreateSchema, data)
        with self.db.transaction() as tx:
            organization = organizations.register(tx, self.caller, data)
        return ORGANIZATION.dump(organization)

    @rpc
    def update_organization(self, organization_id, data):
        data = load(OrganizationUpdateSchema, data)
        with self.db.transaction() as tx:
            organization = organizations.update(tx, self.caller, organization_id, data)
        return ORGANIZATION.dump(organization)

    @rpc
    def import_organizations_csv(self, text):
        """Bulk onboarding: every row valid, or nothing imported (see docs/onboarding.md)."""
        with self.db.transaction() as tx:
            return onboarding.import_csv(tx, self.caller, text)

    @rpc
    def export_organizations_csv(self, municipio=None):
        with self.db.transaction() as tx:
            return onboarding.export_csv(tx.session, municipio)

    @rpc
    def search_services(self, query=None):
        return self.index.search(load(ServiceQuerySchema, query), as_json=True)

    @rpc
    def get_service(self, service_id):
        with self.db.transaction() as tx:
            return SERVICE.dump(catalog.get(tx.session, service_id))

    @rpc
    def create_service(self, data):
        data = load(ServiceCreateSchema, data)
        with self.db.transaction() as tx:
            service = catalog.create(tx, self.caller, data)
            return SERVICE.dump(service)

    @rpc
    def update_service(self, service_id, data):
        data = load(ServiceUpdateSchema, data)
        with self.db.transaction() as tx:
            service = catalog.update(tx, self.caller, service_id, data)
            return SERVICE.dump(service)

    @rpc
    def withdraw_service(self, service_id):
        with self.db.transaction() as tx:
            service = catalog.withdraw(tx, self.caller, service_id)
            return SERVICE.dump(service)

    @rpc
    def hsds_services(self, query=None):
        args = load(HsdsQuerySchema, query)
        search_args = load(ServiceQuerySchema, {
            key: value for key, value in (("q", args.get("search")), ("page", args["page"]),
                                          ("per_page", args["per_page"]),
                                          ("organization_id", args.get("organization_id")),
                                          ("municipio", args.get("municipio")))
            if value is not None})
        found = self.index.search(search_args)
        with self.db.transaction() as tx:
            services = catalog.get_many(tx.session, [item["id"] for item in found["items"]])
            contents = [hsds.service_to_hsds(service, full=args["full"]) for service in services]
        return hsds.hsds_page(contents, found["total"], args["page"], args["per_page"])

    @rpc
    def hsds_service(self, service_id):
        with self.db.transaction() as tx:
            return hsds.service_to_hsds(catalog.get(tx.session, service_id))

    @rpc
    def hsds_organizations(self, query=None):
        args = load(HsdsQuerySchema, query)
        with self.db.transaction() as tx:
            page = paged(tx.session, organizations.search_statement(
                municipio=args.get("municipio"), q=args.get("search")), args["page"],
                args["per_page"], lambda o: hsds.organization_to_hsds(o, full=args["full"]))
        return hsds.hsds_page(page["items"], page["total"], args["page"], args["per_page"])

    @rpc
    def hsds_organization(self, organization_id):
        with self.db.transaction() as tx:
            return hsds.organization_to_hsds(organizations.get(tx.session, organization_id))

    @rpc
    def authenticate(self, credentials):
        """Checks a password and opens a login session: the identity, and the session's id
        and first refresh token. Refusals say the same whatever the reason (users.py)."""
        credentials = load(CredentialsSchema, credentials)
        with self.db.transaction() as tx:
            try:
                user = users.authenticate(tx.session, credentials["username"],
                                          credentials["password"], self.login_policy)
            except NotAuthenticated:
                tx.session.commit()  # the wrong password counts, although the login is refused
                raise
            return {**_identity(user), **users.open_session(tx.session, user, self.login_policy)}

    @rpc
    def refresh_session(self, refresh_token):
        """Uses up a refresh token: the identity as it is now, and the session's next token."""
        with self.db.transaction() as tx:
            try:
                user, grant = users.refresh_session(tx.session, refresh_token, self.login_policy)
            except NotAuthenticated:
                tx.session.commit()  # a reused token ends its session, although it is refused
                raise
            return {**_identity(user), **grant}

    @rpc
    def end_session(self, session_id):
        """Logout: the caller's session ends, its access tokens refused until `until`."""
        self.caller.require_authenticated()
        with self.db.transaction() as tx:
            return users.end_session(tx.session, session_id, self.caller.user_id,
                                     self.login_policy)

    @rpc
    def ended_sessions(self, since=None):
        """Internal, for the gateways: sessions ended since `since` whose access tokens may
        still be unexpired."""
        self.caller.require_internal()
        with self.db.transaction() as tx:
            return users.ended_sessions(tx.session, since, self.login_policy)

    @rpc
    def recipients(self, roles, municipi=None, organization_ids=None):
        """Internal: who among the users should hear of something."""
        self.caller.require_internal()
        with self.db.transaction() as tx:
            return RECIPIENTS.dump(users.recipients(tx.session, roles, municipi, organization_ids))
