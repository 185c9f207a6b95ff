"""Configuration from the environment, with development defaults that work only in development.

The one reader of the environment: each service gets its `Settings` through its nameko config
(`Settings.nameko_config`), the gateway through its app factory.

The public development secrets (below) are used, and accepted, only when QUBI_ENV is
explicitly `development` or `test`. Any other QUBI_ENV, unset included, needs the operator's
own QUBI_SECRET_KEY, PERSONAL_DATA_KEYS and CONTEXT_KEYS, and refuses to start without them.
"""
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from services.common.broker import explicit_transport
from services.common.context import ROLES
from services.common.serialization import GATEWAY_JSON

DEVELOPMENT_SECRET = "qubi-development-secret-do-not-use-in-production"
# a Fernet key (urlsafe base64 of 32 bytes) that everyone can read here: development only
DEVELOPMENT_DATA_KEY = "ZGV2ZWxvcG1lbnQta2V5LW5vdC1mb3ItcmVhbC1kYXQ="
DEVELOPMENT_CONTEXT_KEY = "qubi-development-context-key-do-not-use-in-production"
DEVELOPMENT_ENVIRONMENTS = ("development", "test")
MIN_SECRET_LENGTH = 32
DEFAULT_AMQP_URI = "amqp://guest:guest@localhost:5672/"
SERVICE_NAMES = ("directory", "events", "referrals", "notifications", "funds", "governance")


class ConfigurationError(RuntimeError):
    pass


def _var_dir(environ) -> Path:
    return Path(environ.get("QUBI_VAR_DIR", Path(__file__).resolve().parents[2] / "var"))


def database_url(service: str, environ=None) -> str:
    """`<SERVICE>_DATABASE_URL`, or a SQLite file under var/ by default."""
    environ = os.environ if environ is None else environ
    url = environ.get(f"{service.upper()}_DATABASE_URL")
    if url:
        return url
    var_dir = _var_dir(environ)
    var_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{var_dir / service}.sqlite3"


def development_mail_url(environ=None) -> str:
    """Where `make run` keeps the emails when SMTP_URL is not set: QUBI_VAR_DIR/mail."""
    environ = os.environ if environ is None else environ
    return (_var_dir(environ) / "mail").resolve().as_uri()


@dataclass(frozen=True)
class MailTransport:
    """SMTP_URL, read: a mail server (`smtp://host:port`, `smtp://user:password@host:587?
    starttls=1`, `smtps://user:password@host:465`) or, for development, a directory that keeps
    each email as one .eml file (`file:///absolute/dir`)."""
    host: str = "localhost"
    port: int = 25
    tls: bool = False
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    directory: Path | None = None

    @classmethod
    def from_url(cls, url: str) -> "MailTransport":
        parts = urlparse(url)
        if parts.scheme == "file":
            if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
                raise ConfigurationError(f"SMTP_URL {url!r}: a file URL names an absolute "
                                         "directory, as in file:///srv/qubi/mail")
            return cls(directory=Path(unquote(parts.path)))
        if parts.scheme not in ("smtp", "smtps"):
            raise ConfigurationError(f"SMTP_URL {url!r}: expected smtp://, smtps:// or file:///")
        starttls = parse_qs(parts.query).get("starttls", ["0"])[0].lower()
        return cls(host=parts.hostname or "localhost",
                   port=parts.port or (465 if parts.scheme == "smtps" else 25),
                   tls=parts.scheme == "smtps", starttls=starttls in ("1", "true", "yes"),
                   username=unquote(parts.username) if parts.username else None,
                   password=unquote(parts.password) if parts.password else None)

    @property
    def where(self) -> str:
        """Where the mail goes, without the password."""
        if self.directory:
            return f"{self.directory} (one .eml file per email)"
        return f"{'smtps' if self.tls else 'smtp'}://{self.host}:{self.port}"


@dataclass(frozen=True)
class Settings:
    environment: str
    amqp_uri: str
    secret_key: str
    personal_data_keys: tuple = (DEVELOPMENT_DATA_KEY,)
    # signs the caller context on the bus (services/common/signing.py), newest first
    context_keys: tuple = (DEVELOPMENT_CONTEXT_KEY,)
    databases: dict = field(default_factory=dict)
    rpc_timeout: float = 5.0
    # the biggest answer a service sends; RabbitMQ refuses a message over 128 MiB by default
    max_answer_bytes: int = 16 * 1024 * 1024
    outbox_sweep_seconds: float = 5.0
    handler_max_attempts: int = 5
    handler_retry_delay_ms: int = 2000
    max_workers: int = 10
    referral_retention_months: int = 24
    smtp_url: str = "smtp://localhost:1025"
    mail_from: str = "Rete QuBì <noreply@qubi.comune.milano.it>"
    public_url: str = "http://localhost:8000"
    mail_max_attempts: int = 6
    mail_poll_seconds: float = 10.0
    digest_hour: int = 7
    quiet_hours: str = "20:00-08:00"
    # SMS to families who registered with a phone: Kannel's smsbox (its sendsms URL), or for
    # development, without it, a directory that keeps each SMS as a file
    kannel_sendsms_url: str = ""
    kannel_username: str = ""
    kannel_password: str = ""
    sms_sender: str = ""  # the sender shown on the phone (up to 11 letters), or Kannel's own
    sms_directory: str = ""
    sms_report_url: str = ""  # how Kannel reaches the gateway for delivery reports: PUBLIC_URL
    sms_inbound_token: str = ""  # what Kannel's get-url carries for a "STOP"; empty: refused
    sms_max_per_phone_per_day: int = 5
    sms_max_per_event: int = 8  # to one phone about one event
    sms_max_attempts: int = 4
    # partners' webhooks: receivers are verified with the system's CAs or WEBHOOK_CA_FILE's;
    # private and loopback addresses are refused unless allowed (the tests' receivers)
    webhook_ca_file: str = ""
    webhook_allow_private: bool = False
    webhook_timeout: float = 10.0
    webhook_max_attempts: int = 8
    webhook_first_retry_seconds: float = 30.0
    # where the governance service keeps the files attached to meetings, one per document
    governance_documents: str = ""
    quorum_queues: bool = False
    metrics_port: int = 0
    invitation_ttl_days: int = 7
    password_reset_ttl_minutes: int = 60
    # how long an event's registration waits for its contact to confirm it (less when the
    # event starts sooner) before it frees its places
    registration_confirm_hours: int = 24
    # roles whose people pass a second factor (TOTP) to read families' personal data, or to
    # grant access to it (managing people): all of them by default
    mfa_required_roles: tuple = ROLES
    oidc_issuer: str = ""  # single sign-on for city staff: off while empty
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_roles_claim: str = ""  # a claim whose values are platform roles; empty: roles are ours
    # the directory's logins and sessions
    login_max_failures: int = 20  # wrong passwords in a row that lock an account
    login_lockout_seconds: int = 900
    login_max_code_failures: int = 10  # wrong second-factor codes in a row that lock it
    token_ttl_seconds: int = 900
    refresh_token_ttl_seconds: int = 14 * 24 * 3600
    refresh_reuse_seconds: int = 10
    # the gateway
    rpc_pool_size: int = 16
    login_rate_per_minute: int = 100
    write_rate_per_minute: int = 1200
    trusted_proxies: int = 0
    # what Prometheus sends to read /metrics; without it /metrics is off outside development
    metrics_token: str = ""
    # request bodies (bytes): every route, and the routes that take a file (the CSV import)
    max_body_bytes: int = 2 * 1024 * 1024
    max_import_body_bytes: int = 5 * 1024 * 1024
    # anonymous writes to one event or drive a minute: from one client, and from all together
    client_target_rate_per_minute: int = 10
    target_rate_per_minute: int = 120
    # where state is shared between the gateway's processes and replicas (its rate limits)
    redis_url: str = ""
    gunicorn_worker_class: str = "eventlet"
    gunicorn_workers: int = 2
    gunicorn_threads: int = 8
    prometheus_multiproc_dir: str = ""  # the workers' metrics files; empty: made for a run
    liveness_port: int = 0  # where the gateway's master answers liveness; 0: nowhere
    # the services' map: its tiles (Leaflet's {z}/{x}/{y}; empty: markers on a blank map, the
    # list as ever) and their attribution; a place's directions ({lat} and {lon}, e.g.
    # geo:{lat},{lon} for the phone's own map app)
    map_tiles_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    map_attribution: str = "© OpenStreetMap contributors"
    directions_url: str = "https://www.openstreetmap.org/directions?to={lat}%2C{lon}"
    # `qubi-admin seed` and `make run`
    demo_password: str = "qubi-demo"
    port: int = 8000

    @property
    def development(self) -> bool:
        return self.environment in DEVELOPMENT_ENVIRONMENTS

    @property
    def mail_transport(self) -> MailTransport:
        return MailTransport.from_url(self.smtp_url)

    @property
    def sms_where(self) -> str:
        """Where the SMS go, without the password."""
        return self.kannel_sendsms_url or f"{self.sms_directory} (one .txt file per SMS)"

    def nameko_config(self) -> dict:
        """The config dict a nameko container of any QuBì service is built with."""
        return {
            "AMQP_URI": explicit_transport(self.amqp_uri),
            "ACCEPT": ["json", GATEWAY_JSON],
            "max_workers": self.max_workers,
            "DATABASES": dict(self.databases),
            "OUTBOX_SWEEP_SECONDS": self.outbox_sweep_seconds,
            "HANDLER_MAX_ATTEMPTS": self.handler_max_attempts,
            "HANDLER_RETRY_DELAY_MS": self.handler_retry_delay_ms,
            "RPC_TIMEOUT": self.rpc_timeout,
            "MAX_ANSWER_BYTES": self.max_answer_bytes,
            "PERSONAL_DATA_KEYS": list(self.personal_data_keys),
            "CONTEXT_KEYS": list(self.context_keys),
            "REFERRAL_RETENTION_MONTHS": self.referral_retention_months,
            "SMTP_URL": self.smtp_url,
            "MAIL_FROM": self.mail_from,
            "PUBLIC_URL": self.public_url,
            "MAIL_MAX_ATTEMPTS": self.mail_max_attempts,
            "MAIL_POLL_SECONDS": self.mail_poll_seconds,
            "DIGEST_HOUR": self.digest_hour,
            "QUIET_HOURS": self.quiet_hours,
            "KANNEL_SENDSMS_URL": self.kannel_sendsms_url,
            "KANNEL_USERNAME": self.kannel_username,
            "KANNEL_PASSWORD": self.kannel_password,
            "SMS_SENDER": self.sms_sender,
            "SMS_DIRECTORY": self.sms_directory,
            "SMS_REPORT_URL": self.sms_report_url or self.public_url,
            "SMS_INBOUND_TOKEN": self.sms_inbound_token,
            "SMS_MAX_PER_PHONE_PER_DAY": self.sms_max_per_phone_per_day,
            "SMS_MAX_PER_EVENT": self.sms_max_per_event,
            "SMS_MAX_ATTEMPTS": self.sms_max_attempts,
            "WEBHOOK_HTTPS_ONLY": not self.development,
            "WEBHOOK_CA_FILE": self.webhook_ca_file,
            "WEBHOOK_ALLOW_PRIVATE": self.webhook_allow_private,
            "WEBHOOK_TIMEOUT": self.webhook_timeout,
            "WEBHOOK_MAX_ATTEMPTS": self.webhook_max_attempts,
            "WEBHOOK_FIRST_RETRY_SECONDS": self.webhook_first_retry_seconds,
            "GOVERNANCE_DOCUMENTS": self.governance_documents,
            "QUORUM_QUEUES": self.quorum_queues,
            "METRICS_PORT": self.metrics_port,
            "INVITATION_TTL_DAYS": self.invitation_ttl_days,
            "PASSWORD_RESET_TTL_MINUTES": self.password_reset_ttl_minutes,
            "REGISTRATION_CONFIRM_HOURS": self.registration_confirm_hours,
            "MFA_REQUIRED_ROLES": list(self.mfa_required_roles),
            "OIDC_ROLES_CLAIM": self.oidc_roles_claim,
            "LOGIN_MAX_FAILURES": self.login_max_failures,
            "LOGIN_LOCKOUT_SECONDS": self.login_lockout_seconds,
            "LOGIN_MAX_CODE_FAILURES": self.login_max_code_failures,
            "TOKEN_TTL_SECONDS": self.token_ttl_seconds,
            "REFRESH_TOKEN_TTL_SECONDS": self.refresh_token_ttl_seconds,
            "REFRESH_REUSE_SECONDS": self.refresh_reuse_seconds,
        }


def load_settings(environ=None) -> Settings:
    environ = os.environ if environ is None else environ
    environment = environ.get("QUBI_ENV", "").strip()
    secret, data_keys, context_keys = _secrets(environ, environment)
    return Settings(
        environment=environment,
        personal_data_keys=data_keys,
        context_keys=context_keys,
        referral_retention_months=int(environ.get("REFERRAL_RETENTION_MONTHS", "24")),
        smtp_url=_smtp_url(environ),
        mail_from=environ.get("MAIL_FROM", Settings.mail_from),
        public_url=environ.get("PUBLIC_URL", Settings.public_url).rstrip("/"),
        mail_max_attempts=int(environ.get("MAIL_MAX_ATTEMPTS", "6")),
        mail_poll_seconds=float(environ.get("MAIL_POLL_SECONDS", "10")),
        digest_hour=int(environ.get("DIGEST_HOUR", "7")),
        quiet_hours=environ.get("QUIET_HOURS", Settings.quiet_hours),
        kannel_sendsms_url=environ.get("KANNEL_SENDSMS_URL", ""),
        kannel_username=environ.get("KANNEL_USERNAME", ""),
        kannel_password=environ.get("KANNEL_PASSWORD", ""),
        sms_sender=environ.get("SMS_SENDER", ""),
        sms_directory=environ.get("SMS_DIRECTORY") or str(_var_dir(environ) / "sms"),
        sms_report_url=environ.get("SMS_REPORT_URL", "").rstrip("/"),
        sms_inbound_token=environ.get("SMS_INBOUND_TOKEN", ""),
        sms_max_per_phone_per_day=int(environ.get("SMS_MAX_PER_PHONE_PER_DAY", "5")),
        sms_max_per_event=int(environ.get("SMS_MAX_PER_EVENT", "8")),
        sms_max_attempts=int(environ.get("SMS_MAX_ATTEMPTS", "4")),
        webhook_ca_file=environ.get("WEBHOOK_CA_FILE", ""),
        webhook_allow_private=environ.get("WEBHOOK_ALLOW_PRIVATE", "").lower() in ("1", "true",
                                                                                   "yes"),
        webhook_timeout=float(environ.get("WEBHOOK_TIMEOUT", "10")),
        webhook_max_attempts=int(environ.get("WEBHOOK_MAX_ATTEMPTS", "8")),
        webhook_first_retry_seconds=float(environ.get("WEBHOOK_FIRST_RETRY_SECONDS", "30")),
        governance_documents=(environ.get("GOVERNANCE_DOCUMENTS")
                              or str(_var_dir(environ) / "governance-documents")),
        quorum_queues=environ.get("QUORUM_QUEUES", "").lower() in ("1", "true", "yes"),
        metrics_port=int(environ.get("METRICS_PORT", "0")),
        invitation_ttl_days=int(environ.get("INVITATION_TTL_DAYS", "7")),
        password_reset_ttl_minutes=int(environ.get("PASSWORD_RESET_TTL_MINUTES", "60")),
        registration_confirm_hours=int(environ.get("REGISTRATION_CONFIRM_HOURS", "24")),
        mfa_required_roles=tuple(role.strip() for role in environ.get(
            "MFA_REQUIRED_ROLES", ",".join(Settings.mfa_required_roles)).split(",")
            if role.strip()),
        oidc_issuer=environ.get("OIDC_ISSUER", "").rstrip("/"),
        oidc_client_id=environ.get("OIDC_CLIENT_ID", ""),
        oidc_client_secret=environ.get("OIDC_CLIENT_SECRET", ""),
        oidc_roles_claim=environ.get("OIDC_ROLES_CLAIM", ""),
        amqp_uri=environ.get("AMQP_URI", DEFAULT_AMQP_URI),
        secret_key=secret,
        databases={name: database_url(name, environ) for name in SERVICE_NAMES},
        rpc_timeout=float(environ.get("RPC_TIMEOUT", "5")),
        max_answer_bytes=int(environ.get("MAX_ANSWER_BYTES", str(Settings.max_answer_bytes))),
        outbox_sweep_seconds=float(environ.get("OUTBOX_SWEEP_SECONDS", "5")),
        handler_max_attempts=int(environ.get("HANDLER_MAX_ATTEMPTS", "5")),
        handler_retry_delay_ms=int(environ.get("HANDLER_RETRY_DELAY_MS", "2000")),
        max_workers=int(environ.get("MAX_WORKERS", "10")),
        login_max_failures=int(environ.get("LOGIN_MAX_FAILURES", "20")),
        login_lockout_seconds=int(environ.get("LOGIN_LOCKOUT_SECONDS", "900")),
        login_max_code_failures=int(environ.get("LOGIN_MAX_CODE_FAILURES", "10")),
        token_ttl_seconds=int(environ.get("TOKEN_TTL_SECONDS", "900")),
        refresh_token_ttl_seconds=int(environ.get("REFRESH_TOKEN_TTL_SECONDS", "1209600")),
        refresh_reuse_seconds=int(environ.get("REFRESH_REUSE_SECONDS", "10")),
        rpc_pool_size=int(environ.get("RPC_POOL_SIZE", "16")),
        login_rate_per_minute=int(environ.get("LOGIN_RATE_PER_MINUTE", "100")),
        write_rate_per_minute=int(environ.get("WRITE_RATE_PER_MINUTE", "1200")),
        trusted_proxies=int(environ.get("TRUSTED_PROXIES", "0")),
        metrics_token=environ.get("METRICS_TOKEN", ""),
        max_body_bytes=int(environ.get("MAX_BODY_BYTES", Settings.max_body_bytes)),
        max_import_body_bytes=int(environ.get("MAX_IMPORT_BODY_BYTES",
                                              Settings.max_import_body_bytes)),
        client_target_rate_per_minute=int(environ.get("CLIENT_TARGET_RATE_PER_MINUTE", "10")),
        target_rate_per_minute=int(environ.get("TARGET_RATE_PER_MINUTE", "120")),
        redis_url=environ.get("REDIS_URL", ""),
        gunicorn_worker_class=environ.get("GUNICORN_WORKER_CLASS", "eventlet"),
        gunicorn_workers=int(environ.get("GUNICORN_WORKERS", "2")),
        gunicorn_threads=int(environ.get("GUNICORN_THREADS", "8")),
        prometheus_multiproc_dir=environ.get("PROMETHEUS_MULTIPROC_DIR", ""),
        liveness_port=int(environ.get("LIVENESS_PORT", "0")),
        map_tiles_url=environ.get("MAP_TILES_URL", Settings.map_tiles_url).strip(),
        map_attribution=environ.get("MAP_ATTRIBUTION", Settings.map_attribution),
        directions_url=environ.get("DIRECTIONS_URL", Settings.directions_url).strip(),
        demo_password=environ.get("DEMO_PASSWORD", Settings.demo_password),
        port=int(environ.get("PORT", "8000")),
    )


def _keys(value: str | None) -> tuple:
    return tuple(key.strip() for key in (value or "").split(",") if key.strip())


def _secrets(environ, environment: str) -> tuple:
    """QUBI_SECRET_KEY, PERSONAL_DATA_KEYS and CONTEXT_KEYS: in development what is set, or the
    development values; anywhere else the operator's own, or one line saying what is wrong."""
    secret = environ.get("QUBI_SECRET_KEY") or ""
    data_keys = _keys(environ.get("PERSONAL_DATA_KEYS"))
    context_keys = _keys(environ.get("CONTEXT_KEYS"))
    if environment in DEVELOPMENT_ENVIRONMENTS:
        return (secret or DEVELOPMENT_SECRET, data_keys or (DEVELOPMENT_DATA_KEY,),
                context_keys or (DEVELOPMENT_CONTEXT_KEY,))
    make_secret, make_key = "`qubi-admin new-secret` makes one", "`qubi-admin new-key` makes one"
    problems = []
    if not secret:
        problems.append(f"QUBI_SECRET_KEY is not set ({make_secret})")
    elif secret == DEVELOPMENT_SECRET or len(secret) < MIN_SECRET_LENGTH:
        problems.append("QUBI_SECRET_KEY is the development secret or shorter than "
                        f"{MIN_SECRET_LENGTH} characters ({make_secret})")
    if not data_keys:
        problems.append(f"PERSONAL_DATA_KEYS is not set ({make_key})")
    elif DEVELOPMENT_DATA_KEY in data_keys:
        problems.append(f"PERSONAL_DATA_KEYS holds the development key ({make_key})")
    if not context_keys:
        problems.append(f"CONTEXT_KEYS is not set ({make_secret})")
    elif any(key == DEVELOPMENT_CONTEXT_KEY or len(key) < MIN_SECRET_LENGTH
             for key in context_keys):
        problems.append("CONTEXT_KEYS holds the development key or one shorter than "
                        f"{MIN_SECRET_LENGTH} characters ({make_secret})")
    if problems:
        where = f"QUBI_ENV={environment}" if environment else "QUBI_ENV is not set, so it"
        raise ConfigurationError(
            f"{where} is not development or test and needs its own secrets: "
            f"{'; '.join(problems)}. On a developer's machine, set QUBI_ENV=development.")
    return secret, data_keys, context_keys


def _smtp_url(environ) -> str:
    """SMTP_URL, refused at start (rather than at the first email) when it cannot be read."""
    url = environ.get("SMTP_URL", Settings.smtp_url)
    MailTransport.from_url(url)
    return url
