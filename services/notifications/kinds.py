"""Every kind of notification in one table: the bus event that makes it, who is told, what its
texts are about, and how people hear of it until they choose.

The service has one bus handler per row (`on_<event type>`) and the preferences take their
defaults and mandatory kinds from it. What a kind says, in Italian and English, is in the
catalogues (translations/<language>/LC_MESSAGES/notifications.po) under its code:
`<code>.title`, `<code>.body` (formatted with its subject's parameters, templates.py) and
`<code>.label`, its name on the preferences page; and where a code it is told picks other words
(templates.VARIANTS: a family's answer, why it was escalated), `<code>.<that code>.title` and
`<code>.<that code>.body`. A new kind is one row here, its three messages in each catalogue,
and its audience and subject if they are new. A kind whose emails carry a meeting's invitation
names how it is asked for (invitations.py).
"""
from dataclasses import dataclass
from typing import Callable

from services.notifications import audiences, invitations, subjects


@dataclass(frozen=True)
class Kind:
    source: str  # the service whose event makes it
    event_type: str  # that event's type, which is also the kind's code
    audience: Callable  # who is told: (peers, payload) -> recipients (audiences.py)
    subject: Callable  # its texts' parameters and its link: (peers, payload) (subjects.py)
    default: dict  # role, or "*" for any other -> channel, until a person chooses
    mandatory: bool = False  # cannot be turned off
    # the iCalendar text its emails carry: (peers, payload, recipients) -> text, asked only
    # when an email is owed
    invitation: Callable | None = None

    @property
    def handler(self) -> str:
        """The service method that handles it; its queue and its processed events go by it."""
        return f"on_{self.event_type}"

    def channel_for(self, roles) -> str:
        return next((self.default[role] for role in roles or () if role in self.default),
                    self.default["*"])


KINDS = {kind.event_type: kind for kind in [
    Kind("directory", "organization_registered", audiences.coordinators, subjects.organization,
         default={"*": "digest"}),
    Kind("referrals", "referral_sent", audiences.receiver_partners, subjects.referral,
         default={"*": "email"}, mandatory=True),  # a family handed over is never missed
    Kind("referrals", "referral_accepted", audiences.sender_people, subjects.referral,
         default={"*": "email"}),
    Kind("referrals", "referral_declined", audiences.sender_people, subjects.referral,
         default={"*": "email"}),
    Kind("referrals", "referral_on_hold", audiences.sender_people, subjects.referral,
         default={"*": "email"}),  # the family waits: its sender may look elsewhere
    Kind("referrals", "referral_in_progress", audiences.sender_people, subjects.referral,
         default={"*": "in_app"}),
    Kind("referrals", "referral_completed", audiences.sender_people, subjects.referral,
         default={"*": "in_app"}),
    Kind("referrals", "referral_withdrawn", audiences.receiver_partners, subjects.referral,
         default={"*": "email"}),
    Kind("referrals", "referral_forward_proposed", audiences.sender_and_social_workers,
         subjects.referral, default={"*": "email"}),  # waits for their answer
    Kind("referrals", "referral_forwarded", audiences.receiver_and_sender, subjects.referral,
         default={"*": "email"}),
    Kind("referrals", "referral_forward_refused", audiences.receiver_partners, subjects.referral,
         default={"*": "email"}),
    Kind("referrals", "referral_family_answered", audiences.receiver_and_social_workers,
         subjects.referral, default={"*": "email"}),  # "nobody called us" is to act on
    Kind("referrals", "referral_overdue", audiences.social_workers, subjects.referral,
         default={"social_worker": "email", "*": "in_app"}),
    Kind("referrals", "referral_escalated", audiences.coordinators, subjects.referral,
         default={"coordinator": "email", "*": "in_app"}),
    Kind("events", "event_published", audiences.network_members, subjects.event,
         default={"*": "digest"}),
    Kind("events", "event_updated", audiences.registrants, subjects.event,
         default={"*": "email"}),
    Kind("events", "event_cancelled", audiences.registrants, subjects.event,
         default={"*": "email"}),
    Kind("events", "event_organizer_invited", audiences.invited_organisation, subjects.event,
         default={"*": "email"}),
    Kind("events", "registration_promoted", audiences.promoted_registrant,
         subjects.registration_pass, default={"*": "email"}),
    Kind("events", "event_message", audiences.registrants, subjects.event_message,
         default={"*": "email"}),
    Kind("events", "event_reminder", audiences.confirmed_registrants, subjects.event,
         default={"*": "email"}),
    Kind("events", "drive_item_fulfilled", audiences.organisers, subjects.drive_item,
         default={"*": "in_app"}),
    Kind("funds", "fund_request_submitted", audiences.coordinators, subjects.fund_request,
         default={"coordinator": "email", "*": "in_app"}),
    Kind("funds", "fund_request_approved", audiences.after_approval, subjects.fund_request,
         default={"*": "email"}),
    Kind("funds", "fund_request_rejected", audiences.requester, subjects.fund_request,
         default={"*": "email"}),
    Kind("funds", "fund_request_withdrawn", audiences.coordinators, subjects.fund_request,
         default={"*": "email"}),
    Kind("funds", "fund_request_cancelled", audiences.requester, subjects.fund_request,
         default={"*": "email"}),
    Kind("funds", "payment_recorded", audiences.requester, subjects.fund_request,
         default={"*": "in_app"}),
    Kind("funds", "fund_topped_up", audiences.coordinators, subjects.budget,
         default={"*": "digest"}),
    Kind("governance", "meeting_convened", audiences.invited, subjects.meeting,
         default={"*": "email"}, invitation=invitations.meeting_invitation),
    Kind("governance", "meeting_updated", audiences.invited, subjects.meeting,
         default={"*": "email"}, invitation=invitations.meeting_invitation),
    Kind("governance", "meeting_cancelled", audiences.invited, subjects.meeting,
         default={"*": "email"}, invitation=invitations.meeting_invitation),
    Kind("governance", "minutes_circulated", audiences.invited, subjects.meeting,
         default={"*": "email"}),  # the members are asked for their comments
    Kind("governance", "minutes_approved", audiences.invited, subjects.meeting,
         default={"*": "in_app"}),
    Kind("governance", "action_assigned", audiences.assignee, subjects.action,
         default={"*": "email"}),
    Kind("governance", "action_due_soon", audiences.assignee, subjects.action,
         default={"*": "email"}),
    Kind("governance", "action_overdue", audiences.assignee, subjects.action,
         default={"*": "email"}, mandatory=True),
    # a partner system hears nothing more until its administrators subscribe it again
    Kind("notifications", "webhook_disabled", audiences.webhook_managers, subjects.webhook,
         default={"*": "email"}, mandatory=True),
]}
MANDATORY = frozenset(name for name, kind in KINDS.items() if kind.mandatory)
