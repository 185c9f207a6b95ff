"""The directory service: networks, organisations, services and the people of the network."""
from nameko.dependency_providers import Config
from nameko.extensions import DependencyProvider

from services.common.database import Database
from services.common.errors import NotAuthenticated, Unavailable
from services.common.rpc import rpc
from services.common.schemas import load, paged
from services.common.sealing import DataCipher
from services.common.service import ReportingService
from services.directory import (capacity, catalog, governance, networks, onboarding,
                                organizations, people, single_sign_on, statistics, users)
from services.directory.contract.catalogue import (CapacityUpdateSchema, GovernanceBodySchema,
                                                   GovernanceQuerySchema, NetworkSchema,
                                                   OrganizationCreateSchema,
                                                   OrganizationQuerySchema, OrganizationSchema,
                                                   OrganizationUpdateSchema, ServiceCreateSchema,
                                                   ServiceQuerySchema, ServiceSchema,
                                                   ServiceUpdateSchema)
from services.directory.contract.people import (CredentialsSchema, GrantSchema, RecipientSchema,
                                                SingleSignOnSchema)
from services.directory.models import Base, ServiceCapacity
from services.directory.hsds_entrypoints import HsdsEntrypoints
from services.directory.people_entrypoints import PeopleEntrypoints
from services.directory.permissions import organization_actions, service_actions
from services.directory.search import SearchIndex

NETWORK = NetworkSchema()
ORGANIZATION = OrganizationSchema()
SERVICE = ServiceSchema()
GRANT = GrantSchema()
GOVERNANCE_BODIES = GovernanceBodySchema(many=True)
RECIPIENTS = RecipientSchema(many=True)


class LoginPolicyProvider(DependencyProvider):
    """The lockout, token lifetimes and who needs a second factor, read when the service starts."""

    def setup(self):
        self.policy = users.LoginPolicy.from_config(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.policy


class DirectoryService(PeopleEntrypoints, HsdsEntrypoints, ReportingService):
    name = "directory"
    db = Database(Base.metadata)
    index = SearchIndex()
    login_policy = LoginPolicyProvider()
    cipher = DataCipher()
    config = Config()
    count_per_municipio = staticmethod(statistics.per_municipio)

    @rpc
    def health(self):
        """Ready once this replica's search index is built: a search would wait for it."""
        if not self.index.ready:
            raise Unavailable("The directory is building its search index.",
                              "search_index_building")
        return super().health()

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
                         self._organization)

    @rpc
    def governance_bodies(self, query=None):
        args = load(GovernanceQuerySchema, query)
        with self.db.transaction() as tx:
            return {"items": GOVERNANCE_BODIES.dump(
                governance.bodies(tx.session, self.caller, args.get("municipio")))}

    @rpc
    def get_organization(self, organization_id):
        with self.db.transaction() as tx:
            return self._organization(organizations.get(tx.session, organization_id))

    def _organization(self, organization) -> dict:
        return {**ORGANIZATION.dump(organization),
                "actions": organization_actions(self.caller, organization)}

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
        return self.index.search(load(ServiceQuerySchema, query), as_json=True,
                                 added=self._capacities)

    def _capacities(self, service_ids) -> dict:
        with self.db.transaction() as tx:
            return capacity.answers(tx.session, service_ids)

    @rpc
    def get_service(self, service_id):
        with self.db.transaction() as tx:
            return self._service(tx.session, catalog.get(tx.session, service_id))

    @rpc
    def create_service(self, data):
        data = load(ServiceCreateSchema, data)
        with self.db.transaction() as tx:
            return self._service(tx.session, catalog.create(tx, self.caller, data))

    @rpc
    def update_service(self, service_id, data):
        data = load(ServiceUpdateSchema, data)
        with self.db.transaction() as tx:
            return self._service(tx.session, catalog.update(tx, self.caller, service_id, data))

    @rpc
    def withdraw_service(self, service_id):
        with self.db.transaction() as tx:
            return self._service(tx.session, catalog.withdraw(tx, self.caller, service_id))

    @rpc
    def update_capacity(self, service_id, data):
        """The service's own organisation says its places free and families waiting."""
        data = load(CapacityUpdateSchema, data)
        with self.db.transaction() as tx:
            return capacity.answer(capacity.state(tx, self.caller, service_id, data))

    @rpc
    def authenticate(self, credentials):
        """Checks a password (and the second factor of an account that has it on) and opens a
        login session: the identity, and the session's id and first refresh token. Refusals
        say the same whatever the reason (users.py)."""
        credentials = load(CredentialsSchema, credentials)
        with self.db.transaction() as tx:
            try:
                user, mfa = users.authenticate(
                    tx.session, credentials["username"], credentials["password"],
                    self.login_policy, otp=credentials["otp"], cipher=self.cipher)
            except NotAuthenticated:
                tx.session.commit()  # the wrong password counts, although the login is refused
                raise
            return GRANT.dump(users.open_session(tx.session, user, self.login_policy,
                                                          mfa=mfa))

    @rpc
    def single_sign_on(self, identity):
        """Opens a login session for a person the identity provider vouched for (the gateway
        checked the ID token): the same answer as `authenticate` (single_sign_on.py)."""
        identity = load(SingleSignOnSchema, identity)
        with self.db.transaction() as tx:
            user = single_sign_on.sign_in(tx, identity, self.login_policy,
                                          bool(self.config.get("OIDC_ROLES_CLAIM")))
            return GRANT.dump(users.open_session(tx.session, user, self.login_policy,
                                                 mfa=identity["second_factor"]))

    @rpc
    def refresh_session(self, refresh_token):
        """Uses up a refresh token: the identity as it is now, and the session's next token."""
        with self.db.transaction() as tx:
            try:
                grant = users.refresh_session(tx.session, refresh_token, self.login_policy)
            except NotAuthenticated:
                tx.session.commit()  # a reused token ends its session, although it is refused
                raise
            return GRANT.dump(grant)

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
    def recipients(self, roles, municipi=None, organization_ids=None, user_ids=None):
        """Internal: who among the users should hear of something."""
        self.caller.require_internal()
        with self.db.transaction() as tx:
            return RECIPIENTS.dump(users.recipients(tx.session, roles, municipi, organization_ids,
                                                    user_ids))

    @rpc
    def describe_people(self, user_ids):
        """Internal: the name and organisation of each of `user_ids` the directory knows."""
        self.caller.require_internal()
        with self.db.transaction() as tx:
            return people.describe(tx.session, user_ids)

    def _service(self, session, service) -> dict:
        stated = session.get(ServiceCapacity, service.id)
        return {**SERVICE.dump(service), "capacity": capacity.answer(stated),
                "actions": service_actions(self.caller, service)}
