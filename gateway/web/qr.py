"""QR codes for the pages (segno), drawn as SVG in a data URI, which the pages' policy allows
for images; and the pass a registrant shows at an event's door."""
import segno
from flask import current_app, url_for


def qr_image(text: str, scale: int = 5) -> str:
    return segno.make(text, error="m").svg_data_uri(scale=scale, border=2)


def check_in_pass(event_id: str, receipt: dict) -> dict | None:
    """Once confirmed, its code and a QR code of the check-in page's address with it (an
    organiser's phone camera opens the page with the code filled in)."""
    code = receipt.get("check_in_code")
    if not code:
        return None
    address = current_app.config["QUBI_SETTINGS"].public_url + url_for(
        "web.check_in", event_id=event_id, code=code)
    return {"code": code, "qr": qr_image(address, scale=6)}
