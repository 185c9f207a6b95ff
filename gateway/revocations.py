"""Ended sessions (logout, a leaked refresh token) whose access tokens are not expired yet.

The directory keeps them. Each gateway process keeps a copy in memory, checked on every
request with a token, and a thread of its own asks the directory for what ended since its
last answer once every `interval`: one RPC a second per process, however many requests, and
no request waits for it, so a token is refused by every process within about `interval` of
its logout, busy or idle. The thread starts with the first request that needs the copy; that
request (and any other meanwhile) waits for the first answer, since no token can be trusted
before it. When the directory does not answer, the last copy stays in use: while the directory
is down nobody can log out either.
"""
import logging
import threading
import time

from services.common.errors import Unavailable

log = logging.getLogger(__name__)
OVERLAP_SECONDS = 10  # asked again, in case a session ended in a transaction still open then


class Revocations:
    def __init__(self, fetch, interval: float = 1.0):
        """`fetch(since)` answers {"as_of", "items": [{"session_id", "until"}]} (epoch seconds);
        it raises when the directory cannot answer."""
        self._fetch = fetch
        self.interval = interval
        self._ended = {}  # session id -> until when its access tokens must be refused
        self._as_of = None
        self._tried = threading.Event()  # the first answer, or failure, is in
        self._starting = threading.Lock()
        self._thread = None

    def is_ended(self, session_id: str) -> bool:
        if self._as_of is None:
            self._start()
            self._tried.wait()
            if self._as_of is None:
                raise Unavailable("Tokens cannot be checked right now; try again shortly.",
                                  "tokens_unchecked")
        return self._ended.get(session_id, 0) > time.time()

    def remember(self, session_id: str, until: float):
        """A session this process ended itself: refused here at once. (Should a refresh under
        way replace the copy without it, the next one brings it back from the directory.)"""
        self._ended = {**self._ended, session_id: until}

    def _start(self):
        with self._starting:
            if self._thread is None:
                self._thread = threading.Thread(target=self._refresh_forever, daemon=True,
                                                name="revocations")
                self._thread.start()

    def _refresh_forever(self):
        failing = False
        while True:
            try:
                self._refresh()
                if failing:
                    log.info("the ended sessions are read from the directory again")
                failing = False
            except Exception as error:
                if not failing:
                    log.warning("cannot read the ended sessions, the last copy stays in use: %s",
                                error)
                failing = True
            self._tried.set()
            time.sleep(self.interval)

    def _refresh(self):
        since = None if self._as_of is None else self._as_of - OVERLAP_SECONDS
        answer = self._fetch(since)
        now = time.time()
        ended = {key: until for key, until in self._ended.items() if until > now}
        ended.update((item["session_id"], item["until"]) for item in answer["items"])
        self._ended = ended  # replaced whole: readers see the old copy or the new one
        self._as_of = answer["as_of"]
