"""bot/contact_details.py: a name and a phone number or e-mail address, as clients type them."""

from __future__ import annotations

import pytest

from bot.contact_details import EMAIL, PHONE, Contact, contact_from_slot, read_contact, read_name


@pytest.mark.parametrize("text,name", [
    ("my name is Sam Jones", "Sam Jones"),
    ("its priya thanks", "priya"),
    ("Jo-Anne O'Neil", "Jo-Anne O'Neil"),
    ("hi, I'm Zoë", "Zoë"),
    ("just call me Mo", "Mo"),
])
def test_names_lose_their_lead_in(text: str, name: str) -> None:
    assert read_name(text) == name


@pytest.mark.parametrize("text", ["", "07700 900123", "sam@example.com", "?!", "x" * 61,
                                  "well it is a long story about my back and the rest"])
def test_what_is_not_a_name_is_refused(text: str) -> None:
    assert read_name(text) is None


@pytest.mark.parametrize("text,contact", [
    ("07700 900123", Contact(PHONE, "07700 900123")),
    ("call me on +44 (0)7700-900-123 please", Contact(PHONE, "+44 (0)7700-900-123")),
    ("it's sam.jones+clinic@mail.example.co.uk", Contact(EMAIL, "sam.jones+clinic@mail.example.co.uk")),
])
def test_a_phone_number_or_an_address_is_found(text: str, contact: Contact) -> None:
    assert read_contact(text) == contact


@pytest.mark.parametrize("text", ["12345", "sam@example", "tomorrow at 5", "my number is 0770", ""])
def test_anything_else_is_not_a_contact(text: str) -> None:
    assert read_contact(text) is None


def test_the_slot_round_trip_refuses_anything_else() -> None:
    contact = Contact(EMAIL, "a@b.example")
    assert contact_from_slot(contact.as_slot()) == contact
    assert contact_from_slot({"kind": "fax", "value": "1"}) is None
    assert contact_from_slot("a@b.example") is None
