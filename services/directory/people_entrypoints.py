"""The directory's entrypoints for people: invitations, accounts within reach, passwords and
the second factor. A part of `DirectoryService`, which holds the dependencies they use."""
from contextlib import contextmanager

from services.common.errors import Invalid
from services.common.rpc import rpc
from services.common.schemas import load, paged
from services.directory import accounts, credentials, invitations, two_factor
from services.directory.contract.people import (AccountQuerySchema, AccountSchema,
                                                AccountUpdateSchema, CodeSchema,
                                                GrantOptionsSchema, GrantSchema,
                                                HistoryEntrySchema, InvitationAcceptSchema,
                                                InvitationCreateSchema, InvitationPreviewSchema,
                                                InvitationSchema, PasswordChangeSchema,
                                                ResetConfirmSchema, ResetRequestSchema)
from services.directory.invitations import NO_PASSWORD
from services.directory.models import User

INVITATION = InvitationSchema()
ACCOUNT = AccountSchema()
HISTORY = HistoryEntrySchema(many=True)
GRANT = GrantSchema()
PREVIEW = InvitationPreviewSchema()
GRANT_OPTIONS = GrantOptionsSchema()


class PeopleEntrypoints:
    @rpc
    def invite(self, data):
        data = load(InvitationCreateSchema, data)
        with self.db.transaction() as tx:
            invitation, _token = invitations.invite(
                tx, self.caller, data, int(self.config.get("INVITATION_TTL_DAYS", 7)),
                self.cipher)
            return INVITATION.dump(invitation)

    @rpc
    def list_invitations(self, query=None):
        args = load(AccountQuerySchema, query)
        with self.db.transaction() as tx:
            return paged(tx.session, invitations.pending_statement(self.caller), args["page"],
                         args["per_page"], INVITATION.dump)

    @rpc
    def revoke_invitation(self, invitation_id):
        with self.db.transaction() as tx:
            return INVITATION.dump(invitations.revoke(tx, self.caller, invitation_id))

    @rpc
    def describe_invitation(self, token):
        """What a link invites to (410 when it is gone), for the page that accepts it."""
        with self.db.transaction() as tx:
            return PREVIEW.dump(invitations.describe(tx.session, str(token)))

    @rpc
    def grant_options(self):
        with self.db.transaction() as tx:
            return GRANT_OPTIONS.dump(accounts.grant_options(tx.session, self.caller))

    @rpc
    def accept_invitation(self, data):
        """Anyone with the emailed token: the new account (410 when the link is gone)."""
        data = load(InvitationAcceptSchema, data)
        with self.db.transaction() as tx:
            return ACCOUNT.dump(invitations.accept(tx, data["token"], data["username"],
                                                   data["password"]))

    @rpc
    def list_users(self, query=None):
        args = load(AccountQuerySchema, query)
        page, per_page = args.pop("page"), args.pop("per_page")
        with self.db.transaction() as tx:
            return paged(tx.session, accounts.list_statement(self.caller, **args), page,
                         per_page, self._account)

    @rpc
    def get_user(self, user_id):
        with self.db.transaction() as tx:
            return self._account(accounts.get(tx.session, self.caller, user_id))

    @rpc
    def update_user(self, user_id, data):
        data = load(AccountUpdateSchema, data)
        with self.db.transaction() as tx:
            return self._account(accounts.update(tx, self.caller, user_id, data,
                                                 self.login_policy))

    @rpc
    def reset_user_two_factor(self, user_id):
        with self.db.transaction() as tx:
            return self._account(accounts.reset_two_factor(tx, self.caller, user_id,
                                                           self.login_policy))

    @rpc
    def user_history(self, user_id):
        with self.db.transaction() as tx:
            return {"items": HISTORY.dump(accounts.history(tx.session, self.caller, user_id))}

    @rpc
    def request_password_reset(self, data):
        """Always the same answer, whether or not the address has an account."""
        data = load(ResetRequestSchema, data)
        with self.db.transaction() as tx:
            credentials.request_reset(tx, data["email"],
                                      int(self.config.get("PASSWORD_RESET_TTL_MINUTES", 60)),
                                      self.cipher, self.caller.language)

    @rpc
    def confirm_password_reset(self, data):
        data = load(ResetConfirmSchema, data)
        with self.db.transaction() as tx:
            credentials.confirm_reset(tx, data["token"], data["password"], self.login_policy)

    @rpc
    def change_password(self, session_id, data):
        """The caller's own password; their other sessions end."""
        data = load(PasswordChangeSchema, data)
        with self.db.transaction() as tx, _failures_count(tx):
            credentials.change(tx, self.caller, session_id, data["current_password"],
                               data["new_password"], self.login_policy)

    @rpc
    def my_account(self):
        """The caller's own account (no actions: it is changed by whoever manages it)."""
        self.caller.require_authenticated()
        with self.db.transaction() as tx:
            user = tx.session.get(User, self.caller.user_id)
            required = two_factor.required(user, self.login_policy.mfa_required_roles)
            return {**self._account(user), "password_set": user.password_hash != NO_PASSWORD,
                    "mfa_required": required}

    @rpc
    def start_two_factor(self):
        self.caller.require_authenticated()
        with self.db.transaction() as tx:
            return two_factor.enrol(tx.session.get(User, self.caller.user_id), self.cipher)

    @rpc
    def confirm_two_factor(self, session_id, data):
        """A first code (and the password) turn two-factor on: the recovery codes, shown once,
        and the session's next grant, now with the second factor passed."""
        data = load(CodeSchema, data)
        with self.db.transaction() as tx, _failures_count(tx):
            answer = credentials.turn_on_two_factor(
                tx, self.caller, session_id, data["code"], data["password"], self.cipher,
                self.login_policy)
            return {"recovery_codes": answer["recovery_codes"], **GRANT.dump(answer)}

    @rpc
    def pass_second_factor(self, session_id, data):
        """A code for a session opened without one: its next grant, with the factor passed."""
        data = load(CodeSchema, data)
        with self.db.transaction() as tx, _failures_count(tx):
            return GRANT.dump(credentials.pass_second_factor(
                tx, self.caller, session_id, data["code"], self.cipher, self.login_policy))

    def _account(self, user):
        return ACCOUNT.dump(accounts.present(self.caller, user))


@contextmanager
def _failures_count(tx):
    """A wrong password or code is refused, and still counts towards the lockout."""
    try:
        yield
    except Invalid:
        tx.session.commit()
        raise
