"""The family's word on its card, with no account and no name: /f/<code> asks whether anyone
of the network called. It asks for any code without looking it up, so that the page tells
nobody which codes exist; only the answer reaches the referrals service, which tells the
receiver and the social workers. /f takes a code typed from a printed card."""
from flask import redirect, request, url_for

from gateway.web import bp
from gateway.web.common import call, render
from gateway.web.forms import Form
from gateway.web.i18n import gettext as _
from services.common.errors import Gone, Invalid, NotFound


@bp.route("/f")
def family_card_code():
    typed = "".join(request.args.get("code", "").split()).replace("/", "")
    if typed:
        return redirect(url_for("web.family_card", code=typed), 303)
    return render("family_word.html", form=Form({}))


@bp.route("/f/<code>", methods=["GET", "POST"])
def family_card(code):
    if request.method == "GET":
        return render("family_word.html", card_code=code)
    try:
        word = call("referrals", "family_answer", code, {"answer": request.form.get("answer")})
    except Invalid:  # neither button: the question again
        return render("family_word.html", 422, card_code=code, unanswered=True)
    except NotFound:
        form = Form({"code": code})
        form.add_error("code", _("Questo codice non è tra quelli delle schede. Controllate "
                                 "le lettere e i numeri e scrivetelo di nuovo."))
        return render("family_word.html", 404, form=form, unknown=True)
    except Gone:
        return render("error.html", 410, title=_("La scheda è scaduta"), message=_(
            "Questa scheda non vale più. Se aspettate ancora una chiamata, ditelo a chi vi "
            "ha dato la scheda o all'assistente sociale del vostro Municipio."))
    return render("family_word_thanks.html", answer=word["answer"])
