"""`make bench`: every bench, one after the other, into one markdown report (bench/results.md)."""
import datetime
import platform
from pathlib import Path

from bench import (amqp_baseline, check_in, data_growth, directory_search, gateway, login,
                   notifications_fanout, referral_notification)

BENCHES = [("AMQP and RPC baselines", amqp_baseline.main),
           ("Referral sent to the receiver's notification", referral_notification.main),
           ("Login with a password, and with a TOTP code", login.main),
           ("Directory search on 10,000 services", directory_search.main),
           ("Notifications fan-out to 1,000 inboxes", notifications_fanout.main),
           ("Gateway under load", gateway.main),
           ("Check-in at the door", check_in.main),
           ("Five years of data: 1x, 10x and 100x", data_growth.main)]


def main():
    sections = [f"# Rete QuBì bench, {datetime.datetime.now().isoformat(timespec='minutes')}",
                f"Machine: {platform.processor() or platform.machine()}, "
                f"Python {platform.python_version()}. Ratios are to the baseline measured in "
                "the same run."]
    for title, run in BENCHES:
        sections.append(f"## {title}\n\n{run([])}")
    report = "\n\n".join(sections) + "\n"
    Path(__file__).with_name("results.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
