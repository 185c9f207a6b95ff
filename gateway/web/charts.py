"""Numbers for the report's charts, drawn as SVG by the templates (no script, no library).

Reports show counts from 1 to 4 as "<5" (services/common/privacy.py): such a bar is drawn at
2.5 and labelled "<5", never with the count behind it.
"""
SMALL = "<5"


def magnitude(value) -> float:
    if value == SMALL:
        return 2.5
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def bars(pairs, top=None) -> list:
    """[(label, value)] -> rows with the bar's length in percent of the largest (or `top`)."""
    pairs = list(pairs)
    top = top or max(max((magnitude(value) for _, value in pairs), default=0), 5)
    return [{"label": label, "value": value if value is not None else 0,
             "percent": round(100 * magnitude(value) / top, 1)} for label, value in pairs]


def columns(pairs, height=100, last=12) -> dict:
    """The `last` pairs of [(label, value)] as SVG columns in a box `height` high, one column
    10 units wide; the box is as wide as `last` columns, so that columns keep their size."""
    pairs = list(pairs)[-last:]
    top = max(max((magnitude(value) for _, value in pairs), default=0), 5)
    items = []
    for index, (label, value) in enumerate(pairs):
        length = round(height * magnitude(value) / top, 1)
        items.append({"label": label, "value": value, "x": index * 12 + 1, "height": length,
                      "y": height - length})
    return {"items": items, "width": last * 12, "height": height}


def progress(done, needed) -> float:
    if not needed:
        return 0.0
    return round(min(100.0, 100 * magnitude(done) / magnitude(needed)), 1)
