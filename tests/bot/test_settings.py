"""Environment settings: one module reads them all, when asked, stripped, with a default for blank."""

import re
from pathlib import Path

import pytest

from bot import settings
from bot.settings import SETTINGS, Setting

ROOT = Path(__file__).resolve().parents[2]
# Reading the environment anywhere else would hide a setting from the one list clinics are given.
SCANNED = [*sorted((ROOT / "bot").rglob("*.py")), *sorted((ROOT / "actions").rglob("*.py")),
           *sorted((ROOT / "rasa_extensions").rglob("*.py")), ROOT / "scripts" / "web_server.py"]
ALLOWED = ROOT / "bot" / "settings.py"
# ``os.environ``, ``os.getenv`` (also under another name for ``os``) and ``from os import environ``.
ENVIRONMENT_READ = re.compile(r"\.\s*(?:environ|getenv)\b"
                              r"|\bfrom\s+os\s+import\s+(?:\([^)]*|[^\n]*)\b(?:environ|getenv)\b")
READS = ["x = os.getenv('A')", "os.environ['A']", "import os as _os\n_os.environ.get('A')", "from os import environ",
         "from os import path, getenv", "from os import (\n    path,\n    environ,\n)"]
OFF_WORDS = ["off", "OFF", "Off", "0", "false", "FALSE", "False", "no", "NO", "No", "  off  "]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's own shell must not decide what these tests see."""
    for setting in SETTINGS:
        monkeypatch.delenv(setting.name, raising=False)


def test_every_setting_has_a_unique_name() -> None:
    names = [setting.name for setting in SETTINGS]
    assert len(names) == len(set(names)), sorted(name for name in names if names.count(name) > 1)


def test_every_setting_of_the_module_is_listed_under_its_own_name() -> None:
    """SETTINGS is the list clinics are given: a Setting left out of it would be read but undocumented."""
    defined = {name: value for name, value in vars(settings).items() if isinstance(value, Setting)}
    assert set(defined.values()) == set(SETTINGS)
    for attribute, setting in defined.items():
        assert setting.name == attribute
        assert setting.meaning.strip(), f"{setting.name} says nothing about what it does"


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda setting: setting.name)
def test_unset_means_default(setting: Setting) -> None:
    assert setting.value() == setting.default


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda setting: setting.name)
@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_blank_means_default(monkeypatch: pytest.MonkeyPatch, setting: Setting, blank: str) -> None:
    monkeypatch.setenv(setting.name, blank)
    assert setting.value() == setting.default


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda setting: setting.name)
def test_values_are_stripped_and_read_when_asked(monkeypatch: pytest.MonkeyPatch, setting: Setting) -> None:
    """Read at call time, so a restarted server or a test sees the environment as it is now."""
    monkeypatch.setenv(setting.name, "  first\t")
    assert setting.value() == "first"
    monkeypatch.setenv(setting.name, "\nsecond ")
    assert setting.value() == "second"


@pytest.mark.parametrize("word", OFF_WORDS)
def test_speedups_off_in_any_case(monkeypatch: pytest.MonkeyPatch, word: str) -> None:
    monkeypatch.setenv(settings.RASA_SPEEDUPS.name, word)
    assert settings.speedups_enabled() is False


@pytest.mark.parametrize("word", [None, "", "on", "ON", "1", "yes", "true"])
def test_speedups_on_otherwise(monkeypatch: pytest.MonkeyPatch, word: str | None) -> None:
    if word is not None:
        monkeypatch.setenv(settings.RASA_SPEEDUPS.name, word)
    assert settings.speedups_enabled() is True


@pytest.mark.parametrize("raw,origins", [
    ("https://a.example https://b.example", ["https://a.example", "https://b.example"]),
    ("https://a.example,https://b.example", ["https://a.example", "https://b.example"]),
    (" https://a.example , https://b.example,,  http://c.example:8000 ",
     ["https://a.example", "https://b.example", "http://c.example:8000"]),
    ("*", ["*"]),
])
def test_cors_origins_split_on_spaces_and_commas(monkeypatch: pytest.MonkeyPatch, raw: str,
                                                 origins: list[str]) -> None:
    monkeypatch.setenv(settings.CORS_ORIGINS.name, raw)
    assert settings.cors_origins() == origins


def test_cors_origins_default_is_one_origin() -> None:
    assert settings.cors_origins() == [settings.CORS_ORIGINS.default]


def test_clinic_config_is_none_unless_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """None lets bot.clinic fall back on the project's own clinic.yml."""
    assert settings.clinic_config() is None
    monkeypatch.setenv(settings.CLINIC_CONFIG.name, f" {tmp_path / 'clinic.yml'} ")
    assert settings.clinic_config() == tmp_path / "clinic.yml"


def test_numbers_are_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings.action_timeout_s() == float(settings.ACTION_TIMEOUT_S.default)
    assert settings.retention_days() == float(settings.RETENTION_DAYS.default)
    monkeypatch.setenv(settings.ACTION_TIMEOUT_S.name, "2.5")
    monkeypatch.setenv(settings.RETENTION_DAYS.name, "7")
    assert settings.action_timeout_s() == 2.5
    assert settings.retention_days() == 7.0


def test_endpoints_file(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings.endpoints_file() == Path(settings.RASA_ENDPOINTS.default)
    monkeypatch.setenv(settings.RASA_ENDPOINTS.name, "endpoints.production.yml")
    assert settings.endpoints_file() == Path("endpoints.production.yml")


def test_web_address_has_an_integer_port(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings.web_address() == (settings.WEB_HOST.default, int(settings.WEB_PORT.default))
    monkeypatch.setenv(settings.WEB_HOST.name, "0.0.0.0")
    monkeypatch.setenv(settings.WEB_PORT.name, "9000")
    assert settings.web_address() == ("0.0.0.0", 9000)


def test_rasa_url_follows_the_port_unless_given(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings.rasa_url() == f"http://localhost:{settings.RASA_PORT.default}"
    monkeypatch.setenv(settings.RASA_PORT.name, "5105")
    assert settings.rasa_url() == "http://localhost:5105"
    monkeypatch.setenv(settings.RASA_URL.name, "https://bot.example/rasa/")
    assert settings.rasa_url() == "https://bot.example/rasa"


def test_api_url_drops_the_trailing_slash(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings.api_url(settings.TELEGRAM_API_URL) == settings.TELEGRAM_API_URL.default.rstrip("/")
    monkeypatch.setenv(settings.TELEGRAM_API_URL.name, "http://127.0.0.1:9999/")
    assert settings.api_url(settings.TELEGRAM_API_URL) == "http://127.0.0.1:9999"


def test_api_url_fallback_only_when_the_setting_is_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    """Twilio has no default of ours: the client library's own address is kept."""
    assert settings.TWILIO_API_URL.default == ""
    assert settings.api_url(settings.TWILIO_API_URL, "https://own.example") == "https://own.example"
    monkeypatch.setenv(settings.TWILIO_API_URL.name, "http://proxy.example/")
    assert settings.api_url(settings.TWILIO_API_URL, "https://own.example") == "http://proxy.example"


def test_the_scan_sees_environment_reads() -> None:
    """The scan below must be able to fail: it finds the one place that is allowed to read."""
    assert ENVIRONMENT_READ.search(ALLOWED.read_text(encoding="utf-8"))
    for source in READS:
        assert ENVIRONMENT_READ.search(source), source
    assert not ENVIRONMENT_READ.search("self.sio.eio._cors_headers = lambda environ: []")


def test_only_the_settings_module_reads_the_environment() -> None:
    assert ALLOWED in SCANNED and len(SCANNED) > 10
    offenders = []
    for path in SCANNED:
        if path == ALLOWED:
            continue
        source = path.read_text(encoding="utf-8")
        for match in ENVIRONMENT_READ.finditer(source):
            number = source.count("\n", 0, match.start()) + 1
            offenders.append(f"{path.relative_to(ROOT)}:{number}: {match.group(0).strip()}")
    assert not offenders, "read settings through bot/settings.py instead:\n" + "\n".join(offenders)


def test_no_intake_address_means_no_sending(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.settings import mail_settings

    monkeypatch.setenv("SMTP_HOST", "mail.example")
    assert mail_settings() is None


def test_mail_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.settings import mail_settings

    for name, value in {"CLINIC_INTAKE_EMAIL": "desk@clinic.example", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": "2525",
                        "SMTP_USER": "bot@clinic.example", "SMTP_PASSWORD": "pw", "SMTP_STARTTLS": "false",
                        "SEND_ATTEMPTS": "0"}.items():
        monkeypatch.setenv(name, value)
    mail = mail_settings()
    assert (mail.to, mail.host, mail.port, mail.sender, mail.starttls) == (
        "desk@clinic.example", "127.0.0.1", 2525, "bot@clinic.example", "off")
    assert mail.attempts == 1  # at least one try, whatever is set
    monkeypatch.setenv("SMTP_USER", "login-name")
    monkeypatch.setenv("SMTP_STARTTLS", "sometimes")
    assert (mail_settings().sender, mail_settings().starttls) == ("desk@clinic.example", "auto")
