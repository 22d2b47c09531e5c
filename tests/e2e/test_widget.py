"""The clinic website's chat widget in a real headless Chromium, against the real Rasa and action servers.

The demo page (scripts/web_server.py) is served with its Content-Security-Policy, so
these tests also prove that the widget works without 'unsafe-inline' or 'unsafe-eval':
any violation shows up as a console error, and every test ends by asserting there was
none. Screenshots go to results/screenshots/ for a person to look at.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from bot.clinic import default_clinic
from bot.knowledge import default_knowledge
from tests.e2e.conftest import ROOT, Servers

CHROMIUM = Path("/usr/bin/chromium")
# Debian's Chromium, started as the field notes say (Playwright cannot download its own browser here).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = ROOT / "results" / "screenshots"
REPLY_TIMEOUT_MS = 30_000
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
BOT = ".bpw-msg--bot, .bpw-msg--card"
OPENING = "hi, my lower back hurts on the left when i lift boxes"


@dataclass
class Tab:
    """A page in a fresh browser context, with what it logged: errors, CSP violations and dialogs."""

    page: Page
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert not self.dialogs, f"a dialog opened (script ran): {self.dialogs}"
        assert not self.errors, f"console errors or CSP violations: {self.errors}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("no /usr/bin/chromium: run scripts/install_browser.sh")
    if not (ROOT / "web" / "vendor" / "socket.io.min.js").is_file():
        pytest.fail("web/vendor/socket.io.min.js is missing: run scripts/web_setup.sh")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def tab(browser: Browser) -> Iterator[Tab]:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(REPLY_TIMEOUT_MS)
    opened = Tab(page)
    page.on("console", lambda message: opened.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: opened.errors.append(str(error)))

    def on_dialog(dialog: Any) -> None:
        opened.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    # A trap for payloads that would run code without a dialog; installed before any page script.
    page.add_init_script("Object.defineProperty(window, '__xss', "
                         "{set() { window.__xssFired = true; }, get() { return 0; }});")
    try:
        yield opened
    finally:
        context.close()


def open_widget(page: Page, url: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Back-pain self-check").click()
    expect(page.get_by_label("Your message")).to_be_focused()


def say(page: Page, text: str) -> None:
    """Type a message as a client would and wait for the first reply to it."""
    before = page.locator(BOT).count()
    box = page.get_by_label("Your message")
    box.fill(text)
    box.press("Enter")
    page.locator(BOT).nth(before).wait_for()


def last_bot_text(page: Page) -> Any:
    return page.locator(".bpw-msg--bot").last


def choice(page: Page, title: str) -> Any:
    return page.get_by_role("group", name="Suggested answers").get_by_role("button", name=title, exact=True)


def finish_assessment(page: Page, duration: str = "3 weeks") -> None:
    """Consent, screening and the form, from the opening message to the summary card."""
    choice(page, "Yes, let's start").click()
    choice(page, "None of these").wait_for()
    say(page, "no, none of those")
    expect(last_bot_text(page)).to_contain_text("How does it feel?")
    say(page, "just a dull ache")
    expect(last_bot_text(page)).to_contain_text("0 (no pain)")
    say(page, "5")
    expect(last_bot_text(page)).to_contain_text("How long")
    say(page, duration)
    choice(page, "No").click()
    expect(page.locator(".bpw-msg--bot").filter(has_text="treatment for this pain").last).to_be_visible()
    choice(page, "No, not yet").click()
    expect(page.locator(".bpw-msg--bot").filter(has_text="for your therapist").last).to_be_visible()
    choice(page, "None of these").click()
    page.locator(".bpw-card").last.wait_for()
    expect(last_bot_text(page)).to_contain_text("anything else")


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name))


CONTRAST_JS = """(selector) => {
  const rgb = (value) => (value.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b]
    .map((c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  return [...document.querySelectorAll(selector)].map((node) => {
    let back = node;
    while (back && (getComputedStyle(back).backgroundColor === 'rgba(0, 0, 0, 0)')) back = back.parentElement;
    const fg = lum(rgb(getComputedStyle(node).color));
    const bg = lum(rgb(back ? getComputedStyle(back).backgroundColor : 'rgb(255, 255, 255)'));
    return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
  });
}"""

NAMES_JS = """() => [...document.querySelectorAll('.bpw-root button, .bpw-root input, .bpw-root a')].map((node) => {
  const labels = node.labels ? [...node.labels].map((label) => label.textContent.trim()).join(' ') : '';
  return [node.tagName, (node.getAttribute('aria-label') || node.textContent || labels).trim()];
})"""


def test_demo_page_is_served_with_a_strict_content_security_policy(web: str, servers: Servers) -> None:
    with urllib.request.urlopen(web, timeout=10) as response:
        headers = response.headers
        page = response.read().decode()
    csp = headers["Content-Security-Policy"]
    assert csp, "no Content-Security-Policy header"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "object-src 'none'" in csp
    connect = next(part for part in csp.split(";") if part.strip().startswith("connect-src"))
    assert f"http://localhost:{servers.rasa_port}" in connect and f"ws://localhost:{servers.rasa_port}" in connect
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"]
    # The page learnt the Rasa URL from the server, and has no inline script or style.
    assert f'data-server="http://localhost:{servers.rasa_port}"' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page) and "style=" not in page and "<style" not in page
    for hidden in ("package.json", "node_modules/socket.io-client/package.json", "README.md"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(web + hidden, timeout=10)
        assert refused.value.code == 404


def test_assessment_card_print_reload_and_continue(web: str, tab: Tab) -> None:
    page = tab.page
    open_widget(page, web)

    # Hand-made accessibility checks: a polite live log, labelled controls.
    log = page.get_by_role("log", name="Conversation")
    expect(log).to_have_attribute("aria-live", "polite")
    say(page, OPENING)
    expect(choice(page, "Yes, let's start")).to_be_visible()
    unnamed = [tag for tag, name in page.evaluate(NAMES_JS) if not name]
    assert not unnamed, f"controls without an accessible name: {unnamed}"

    finish_assessment(page)
    card = page.locator(".bpw-card").last
    expect(card.get_by_role("heading", level=3)).to_have_text("Massage and gentle movement may help")
    assert card.locator(".bpw-triage").evaluate("node => getComputedStyle(node).backgroundColor") == "rgb(27, 94, 32)"
    expect(card).to_contain_text("Quadratus lumborum")
    expect(card).to_contain_text("You said \"lift")
    expect(card.get_by_role("heading", name="What you can do next")).to_be_visible()
    expect(card).to_contain_text("not a diagnosis")
    link = card.get_by_role("link", name=re.compile("amtamassage.org"))
    expect(link).to_have_attribute("href", "https://amtamassage.org/")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(link).to_have_attribute("target", "_blank")
    # Bot text with lists is rendered as lists: the safety check's "- " lines, one item per warning sign.
    assert page.locator(".bpw-msg--bot ul > li").count() >= len(default_knowledge().red_flags)

    # WCAG AA contrast for the widget's text on its own backgrounds.
    for selector in (".bpw-msg--bot p", ".bpw-msg--user p", ".bpw-triage", ".bpw-send", ".bpw-heading h2",
                     ".bpw-head-button", ".bpw-disclaimer", ".bpw-print", ".bpw-msg a"):
        ratios = page.evaluate(CONTRAST_JS, selector)
        assert ratios and min(ratios) >= 4.5, f"{selector}: contrast {ratios}"

    shoot(page, "widget-desktop.png")
    page.set_viewport_size(PHONE)
    expect(page.locator(".bpw-panel")).to_have_js_property("offsetWidth", PHONE["width"])
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert page.locator(".bpw-log").evaluate("log => log.scrollWidth <= log.clientWidth")
    shoot(page, "widget-phone.png")
    card.evaluate("card => { const log = card.closest('.bpw-log'); "
                  "log.scrollTop = card.parentElement.offsetTop - log.offsetTop; }")
    shoot(page, "widget-phone-card.png")
    page.set_viewport_size(DESKTOP)

    # "Print or save": a sheet with the summary alone, for the print dialog.
    page.evaluate("() => { window.print = () => { window.__printed = (window.__printed || 0) + 1; }; }")
    card.get_by_role("button", name="Print or save").click()
    assert page.evaluate("window.__printed") == 1
    page.emulate_media(media="print")
    expect(page.locator(".bpw-print-sheet")).to_be_visible()
    expect(page.locator(".bpw-print-sheet")).to_contain_text("Quadratus lumborum")
    expect(page.locator(".bpw-panel")).to_be_hidden()
    expect(page.locator("main")).to_be_hidden()
    shoot(page, "widget-print.png")
    page.emulate_media(media="screen")

    # A returning visitor: the same session, the history on screen, and the bot remembers.
    session = page.evaluate("Object.keys(localStorage).filter(k => k.endsWith(':session')).map(k => localStorage[k])")
    messages = page.locator(".bpw-msg").count()
    page.reload()
    expect(page.locator(".bpw-card")).to_have_count(1)
    assert page.locator(".bpw-msg").count() == messages
    assert page.evaluate("Object.keys(localStorage).filter(k => k.endsWith(':session')).map(k => localStorage[k])") \
        == session
    say(page, "can i see the summary again")
    expect(page.locator(".bpw-card")).to_have_count(2)
    expect(page.locator(".bpw-card").last).to_contain_text("Quadratus lumborum")
    tab.assert_clean()


def test_keyboard_only(web: str, tab: Tab) -> None:
    page = tab.page
    page.goto(web)
    launcher = page.get_by_role("button", name="Back-pain self-check")
    for _ in range(12):
        page.keyboard.press("Tab")
        if launcher.evaluate("node => node === document.activeElement"):
            break
    expect(launcher).to_be_focused()
    assert launcher.evaluate("node => getComputedStyle(node).outlineStyle") != "none", "no visible focus"
    page.keyboard.press("Enter")
    box = page.get_by_label("Your message")
    expect(box).to_be_focused()

    page.keyboard.type(OPENING)
    page.keyboard.press("Enter")
    consent = choice(page, "Yes, let's start")
    consent.wait_for()
    page.keyboard.press("Tab")  # Send
    page.keyboard.press("Tab")  # the first suggested answer
    expect(consent).to_be_focused()
    assert consent.evaluate("node => getComputedStyle(node).outlineStyle") != "none", "no visible focus"
    page.keyboard.press("Space")
    none_of_these = choice(page, "None of these")
    none_of_these.wait_for()
    expect(box).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(none_of_these).to_be_focused()
    page.keyboard.press("Enter")
    expect(last_bot_text(page)).to_contain_text("How does it feel?")
    expect(page.locator(".bpw-msg--user").last).to_have_text("You: None of these")

    page.keyboard.press("Escape")
    expect(launcher).to_be_focused()
    expect(page.locator(".bpw-panel")).to_be_hidden()
    tab.assert_clean()


XSS_PAYLOADS = [
    "<script>window.__xss=1</script>",
    "<img src=x onerror=\"window.__xss=1\">",
    "<svg onload=window.__xss=1>",
    "<iframe src=\"javascript:window.__xss=1\"></iframe>",
    "\"><script>alert(1)</script>",
    "'><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "<a href=\"javascript:alert(1)\">click me</a>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<style>*{display:none}</style>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"data:text/html,<script>alert(1)</script>\">",
    "<marquee onstart=alert(1)>x</marquee>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "{{constructor.constructor('alert(1)')()}}",
    "${alert(1)} `${window.__xss=1}`",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "<img src=x onerror=&#97;&#108;&#101;&#114;&#116;(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<form action=\"javascript:alert(1)\"><button>go</button></form>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    "\" onmouseover=\"alert(1)\" x=\"",
    "</p><script>alert(1)</script><p>",
    "see javascript:alert(1)//amtamassage.org and data:text/html,<script>alert(1)</script>",
]


def test_hostile_text_is_shown_as_text_and_never_runs(web: str, tab: Tab) -> None:
    page = tab.page
    open_widget(page, web)
    # Payloads inside the client's own words, which the bot quotes back in the summary.
    say(page, f"{OPENING} {XSS_PAYLOADS[1]}")
    finish_assessment(page, duration="3 weeks&lt;script&gt;alert(1)&lt;/script&gt;")
    for payload in XSS_PAYLOADS[2:]:
        say(page, payload)

    shown = page.locator(".bpw-msg--user p").all_text_contents()
    for payload in XSS_PAYLOADS[2:]:
        assert payload in shown, f"not shown literally: {payload!r}"
    assert any(XSS_PAYLOADS[1] in text for text in shown)
    # Whatever the bot echoed of the client's words is text in the card, too.
    transcript = page.evaluate("Object.keys(localStorage).filter(k => k.includes(':transcript:'))"
                              ".map(k => localStorage[k])")
    assessment = next(entry["assessment"] for entry in json.loads(transcript[0]) if "assessment" in entry)
    echoed = assessment["duration"]["text"]
    expect(page.locator(".bpw-card .bpw-told").first).to_contain_text(echoed)

    assert page.evaluate("window.__xssFired === undefined"), "a payload ran code"
    dangerous = "img, script:not([src]), iframe, svg, object, embed, style, meta, base, form:not(.bpw-form), video"
    assert page.locator(".bpw-log").locator(dangerous).count() == 0
    hrefs = page.locator(".bpw-log a").evaluate_all("links => links.map(a => a.href)")
    assert all(href.startswith(("https://", "http://")) for href in hrefs), hrefs
    handlers = page.evaluate("[...document.querySelectorAll('.bpw-root *')].flatMap(n => [...n.attributes])"
                             ".map(a => a.name).filter(name => name.startsWith('on'))")
    assert handlers == []
    tab.assert_clean()


def test_wording_and_emergency_number_come_from_the_server(web: str, servers: Servers, tab: Tab) -> None:
    """The widget keeps no wording of its own: it shows the server's, also when the server is away later."""
    url = f"http://localhost:{servers.rasa_port}/webhooks/socketio/settings"
    with urllib.request.urlopen(url, timeout=10) as response:
        settings = json.loads(response.read())
    number = default_clinic().emergency_number
    assert settings["emergency_number"] == number
    assert number in settings["words"]["status_unreachable"]
    assert "{emergency_number}" not in json.dumps(settings)

    page = tab.page
    page.goto(web)
    page.wait_for_function("Object.keys(localStorage).some(k => k.endsWith(':words'))")
    kept = json.loads(page.evaluate("localStorage[Object.keys(localStorage).find(k => k.endsWith(':words'))]"))
    assert {key: kept[key] for key in settings["words"]} == settings["words"]
    expect(page.locator(".bpw-launcher")).to_have_text(settings["words"]["launcher"])

    # Next visit, the assistant cannot be reached: the status names the clinic's own number.
    page.route("**/socket.io/**", lambda route: route.abort())
    page.route("**/webhooks/socketio/settings", lambda route: route.abort())
    page.reload()
    page.get_by_role("button", name=settings["words"]["launcher"]).click()
    expect(page.locator(".bpw-status")).to_have_text(settings["words"]["status_unreachable"], timeout=20_000)
    assert not tab.dialogs


def reach_where_it_hurts(page: Page, web: str) -> None:
    """An opening that names no place, consent and the safety check: the widget asks where it hurts."""
    open_widget(page, web)
    say(page, "hi, it started when i was lifting boxes at work")
    choice(page, "Yes, let's start").click()
    choice(page, "None of these").wait_for()
    say(page, "no, none of those")


def test_body_map_answers_where_it_hurts_by_keyboard_and_tap(web: str, tab: Tab) -> None:
    """The map's zones are real buttons (data-zone = the vocabulary's place), big enough at phone width."""
    page = tab.page
    reach_where_it_hurts(page, web)
    expect(last_bot_text(page)).to_contain_text("Where do you feel it most?")
    body_map = page.get_by_role("group", name="Body map, seen from the back and from the front")
    expect(body_map).to_be_visible()
    zones = body_map.locator("[data-zone]")
    locations = set(default_knowledge().vocabulary["pain_location"])
    assert set(zones.evaluate_all("nodes => nodes.map(n => n.dataset.zone)")) == locations
    done = body_map.get_by_role("button", name="Done", exact=True)
    expect(done).to_be_disabled()

    # Keyboard: Tab reaches a zone, Space presses it, the focus ring shows.
    right_back = body_map.get_by_role("button", name="Right side of my lower back")
    right_back.focus()
    page.keyboard.press("Space")
    expect(right_back).to_have_attribute("aria-pressed", "true")
    assert right_back.evaluate("node => getComputedStyle(node).outlineStyle") != "none"
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_attribute("data-zone", re.compile(r"\w+"))
    # A tap: the right buttock, found by its place and side as other tools would.
    body_map.locator('[data-zone="buttock"][data-side="right"]').click()
    expect(body_map).to_contain_text("Chosen: Right side of my lower back, Right buttock.")

    page.set_viewport_size(PHONE)
    sizes = zones.evaluate_all("nodes => nodes.map(n => [n.getBoundingClientRect().width, "
                               "n.getBoundingClientRect().height])")
    assert min(min(size) for size in sizes) >= 24, sizes
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    shoot(page, "body-map-phone.png")
    page.set_viewport_size(DESKTOP)
    shoot(page, "body-map-desktop.png")

    done.click()
    expect(page.locator(".bpw-msg--user").last).to_have_text("You: Right side of my lower back, right buttock")
    expect(last_bot_text(page)).to_contain_text("How does it feel?")
    expect(body_map).to_be_hidden()
    expect(page.get_by_label("Your message")).to_be_focused()
    tab.assert_clean()


def test_a_text_answer_still_works_with_the_body_map_offered(web: str, tab: Tab) -> None:
    page = tab.page
    reach_where_it_hurts(page, web)
    expect(page.locator(".bpw-map [data-zone]").first).to_be_visible()
    say(page, "low down on the left side of my back")
    expect(last_bot_text(page)).to_contain_text("How does it feel?")
    expect(page.locator(".bpw-map")).to_be_hidden()
    tab.assert_clean()
