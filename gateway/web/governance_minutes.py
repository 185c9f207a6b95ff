"""A meeting's minutes on its page: the chair's draft, saved or sent to the members for their
comments, approved (frozen after, with its versions) and corrected with a reason; the members'
comments while it is circulated. The minutes' own `actions` say which forms to draw."""
from flask import request

from gateway.web import bp
from gateway.web.forms import text_or_none
from gateway.web.governance import filled, meeting_move


@bp.route("/governance/meetings/<meeting_id>/minutes", methods=["POST"])
def governance_minutes_write(meeting_id):
    """Saves the draft, or sends it to the members (`circulate`); a correction of approved
    minutes carries its reason."""
    circulate = request.form.get("circulate") == "1"
    reason = text_or_none(request.form.get("reason"))
    done = "minutes_circulated" if circulate else (
        "minutes_corrected" if "reason" in request.form else "minutes_saved")
    body = filled(text=text_or_none(request.form.get("text")), circulate=circulate,
                  reason=reason)
    return meeting_move(meeting_id, "write_minutes", (meeting_id, body), "minutes", done,
                        "#minutes", refusals_on={"minutes_frozen": "reason"})


@bp.route("/governance/meetings/<meeting_id>/minutes/approve", methods=["POST"])
def governance_minutes_approve(meeting_id):
    return meeting_move(meeting_id, "approve_minutes", (meeting_id,), None, "minutes_approved",
                        "#minutes")


@bp.route("/governance/meetings/<meeting_id>/minutes/comments", methods=["POST"])
def governance_minutes_comment(meeting_id):
    body = filled(text=text_or_none(request.form.get("comment")))
    return meeting_move(meeting_id, "comment_minutes", (meeting_id, body), "comment",
                        "minutes_commented", "#minutes-comments", aliases={"text": "comment"})
