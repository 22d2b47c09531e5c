"""The clinic's own settings: read from its file, never invented, mistakes named."""

from dataclasses import fields
from pathlib import Path

import pytest
import yaml

from bot.clinic import CONTACT_FIELDS, DEFAULT_EMERGENCY_NUMBER, DEFAULT_PATH, Clinic, load_clinic
from bot.knowledge import Knowledge
from bot.settings import CLINIC_CONFIG

FIELDS = [field.name for field in fields(Clinic)]
CONTACT = {"booking_url": "https://book.example/sunrise", "phone": "+44 20 7946 0000",
           "email": "hello@sunrise.example", "opening_hours": "Mon-Fri 9-17"}


@pytest.fixture(autouse=True)
def no_clinic_config(monkeypatch: pytest.MonkeyPatch) -> None:
    """A CLINIC_CONFIG in the developer's shell must not change which file these tests read."""
    monkeypatch.delenv(CLINIC_CONFIG.name, raising=False)


def write(tmp_path: Path, text: str, name: str = "clinic.yml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_no_contact_lines_without_contact_details() -> None:
    """An unfilled clinic shows no contact details rather than made-up ones."""
    assert Clinic().contact_lines() == []
    assert Clinic(name="Sunrise Bodywork", emergency_number="112").contact_lines() == []


@pytest.mark.parametrize("key", sorted(CONTACT))
def test_one_contact_line_per_filled_detail(key: str) -> None:
    lines = Clinic(**{key: CONTACT[key]}).contact_lines()
    assert len(lines) == 1
    assert CONTACT[key] in lines[0]


def test_contact_lines_are_worded_by_messages_yml_in_a_fixed_order(knowledge: Knowledge) -> None:
    assert sorted(CONTACT_FIELDS) == sorted(CONTACT)
    expected = [knowledge.messages[f"contact_{key}"].format(value=CONTACT[key]) for key in CONTACT_FIELDS]
    assert Clinic(**CONTACT).contact_lines() == expected


def test_contact_lines_use_the_templates_given() -> None:
    """A caller holding other knowledge (a test copy, a reloaded file) words the lines its own way."""
    templates = {f"contact_{key}": f"<{key}> {{value}}" for key in CONTACT_FIELDS}
    clinic = Clinic(phone="0123", opening_hours="Sat 10-12")
    assert clinic.contact_lines(templates) == ["<phone> 0123", "<opening_hours> Sat 10-12"]


def test_contact_lines_leave_out_name_and_emergency_number() -> None:
    """The emergency number is said separately; it is not a way to reach the clinic."""
    lines = Clinic(name="Sunrise Bodywork", emergency_number="000", phone="0123").contact_lines()
    assert len(lines) == 1
    assert "Sunrise Bodywork" not in lines[0] and "000" not in lines[0]


def test_load_reads_every_setting(tmp_path: Path) -> None:
    values = {"name": "Sunrise Bodywork", "emergency_number": "112", **CONTACT}
    clinic = load_clinic(write(tmp_path, yaml.safe_dump(values)))
    assert clinic == Clinic(**values)


def test_missing_settings_fall_back_to_safe_defaults(tmp_path: Path) -> None:
    clinic = load_clinic(write(tmp_path, "name: Sunrise Bodywork\n"))
    assert clinic.name == "Sunrise Bodywork"
    assert clinic.emergency_number == DEFAULT_EMERGENCY_NUMBER
    assert clinic.contact_lines() == []


@pytest.mark.parametrize("text", ["", "# nothing filled in yet\n", "name:\nemergency_number: ''\nphone: ''\n"])
def test_empty_file_or_empty_values_mean_defaults(tmp_path: Path, text: str) -> None:
    """Leaving a value empty must never blank out the emergency number."""
    assert load_clinic(write(tmp_path, text)) == Clinic()


def test_values_are_stripped(tmp_path: Path) -> None:
    clinic = load_clinic(write(tmp_path, 'name: "  Sunrise Bodywork  "\nemergency_number: "112"\nphone: " 0123 "\n'))
    assert clinic.name == "Sunrise Bodywork"
    assert clinic.emergency_number == "112"
    assert clinic.phone == "0123"


def test_a_misspelt_setting_is_refused_and_named(tmp_path: Path) -> None:
    path = write(tmp_path, "name: Sunrise Bodywork\nphone_number: '0123'\n")
    with pytest.raises(ValueError) as caught:
        load_clinic(path)
    message = str(caught.value)
    assert str(path) in message
    assert "phone_number" in message
    for name in FIELDS:
        assert name in message, "the message lists the valid settings"


@pytest.mark.parametrize("text", ["- name: Sunrise Bodywork\n", "just a sentence\n"])
def test_a_file_that_is_not_a_mapping_is_refused(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ValueError, match="mapping"):
        load_clinic(path)


def test_clinic_config_names_another_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A clinic points at its own copy without editing the repository."""
    path = write(tmp_path, "name: Sunrise Bodywork\nemergency_number: '000'\n")
    monkeypatch.setenv(CLINIC_CONFIG.name, str(path))
    assert load_clinic() == Clinic(name="Sunrise Bodywork", emergency_number="000")


def test_an_explicit_path_wins_over_clinic_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(CLINIC_CONFIG.name, str(write(tmp_path, "name: From The Environment\n", "env.yml")))
    assert load_clinic(write(tmp_path, "name: From The Argument\n", "arg.yml")).name == "From The Argument"


def test_without_clinic_config_the_shipped_file_is_read() -> None:
    assert load_clinic() == load_clinic(DEFAULT_PATH)


def test_the_shipped_file_lists_every_setting_and_invents_no_contact_details() -> None:
    """The file every clinic edits shows all it can fill in, and ships no made-up phone number."""
    raw = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    assert sorted(raw) == sorted(FIELDS)
    shipped = load_clinic(DEFAULT_PATH)
    assert shipped.contact_lines() == []
    assert shipped.emergency_number.isdigit()


@pytest.mark.parametrize("line", ["emergency_number: 000", "phone: 01234567", "email: no", "name: 42"])
def test_a_value_yaml_would_change_must_be_quoted(tmp_path: Path, line: str) -> None:
    """Unquoted, 000 becomes 0 and 01234567 an octal number: refused, so no client sees a wrong number."""
    path = write(tmp_path, line + "\n")
    with pytest.raises(ValueError, match="in quotes"):
        load_clinic(path)
