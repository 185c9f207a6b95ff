"""The Grafana dashboard only plots metrics that the platform exposes."""
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUFFIXES = ("_bucket", "_count", "_sum", "_total")


def exposed_metric_names() -> set:
    code = "".join(path.read_text() for path in [*ROOT.glob("services/common/*.py"),
                                                 *ROOT.glob("gateway/*.py")])
    names = set(re.findall(r'(?:Counter|Gauge|Histogram)\(\s*"(qubi_[a-z_]+)"', code))
    return names | {name + suffix for name in names for suffix in SUFFIXES}


def test_every_metric_on_the_dashboard_is_exposed():
    dashboard = json.loads((ROOT / "deploy/grafana/rete-qubi.json").read_text())
    plotted = {name for panel in dashboard["panels"] for target in panel["targets"]
               for name in re.findall(r"\b(qubi_[a-z_]+)", target["expr"])}
    assert plotted and plotted <= exposed_metric_names(), plotted - exposed_metric_names()
