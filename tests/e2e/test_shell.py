"""`make shell` end to end: a whole assessment typed into `rasa shell` through a pseudo-terminal.

`rasa shell` draws its prompts with prompt_toolkit (free text) and questionary (a selection
list when a message has buttons). Both need a terminal, so the shell runs in a pty driven by
pexpect, the way a person at a keyboard would use it. Notes on what it takes:

- A fixed terminal size: the selection list draws its question on lines that do not wrap, so
  anything past the terminal width is cut off (160 columns keeps every question whole here).
- ``PROMPT_TOOLKIT_NO_CPR=1``: prompt_toolkit asks the terminal for the cursor position on
  every prompt; a pty never answers, so without it each prompt prints a CPR warning and
  redraws itself.
- prompt_toolkit switches bracketed paste on when a prompt opens and off when an answer is
  accepted, so ``ESC[?2004l`` marks the moment the shell takes what was typed; everything the
  bot prints comes after it.

The shell and the action server each run in their own process group and are killed at
teardown whatever happened.
"""

from __future__ import annotations

import io
import os
import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from tests.e2e.conftest import ROOT, Servers

MODEL_LOAD_TIMEOUT_S = 300
REPLY_TIMEOUT_S = 60
QUIT_TIMEOUT_S = 60

TEXT_PROMPT = "Your input ->"
SELECT_PROMPT = "(Use arrow keys)"
# Rasa always offers free text as the last choice of a selection list.
FREE_TEXT_CHOICE = "Type out your own message..."
ANSWER_ACCEPTED = "\x1b[?2004l"
UP, DOWN, ENTER = "\x1b[A", "\x1b[B", "\r"

ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[@-Z\\-_]")
# "1: Yes, let's start (/affirm)"; a button that answers in words shows them: "2: Yes, it helped (yes, it helped)".
CHOICE = re.compile(r"^\s*(?:»\s*)?\d+: (.+?) \((?:/\w+|[^()/]+)\)\s*$", re.MULTILINE)

# The exact wording comes from bot/knowledge/{triage,messages,muscles}.yml and clinic.yml.
MASSAGE_OK = "Massage and gentle movement may help."
NOT_A_DIAGNOSIS = "This is a self-check, not a diagnosis. It cannot replace a doctor or a therapist."
EMERGENCY = "Please go to an emergency department or call 911 now."
CALL_911 = "In an emergency, call 911."


def plain(raw: str) -> str:
    """Terminal output as a person reads it: no colours or cursor moves, one newline per line end."""
    text = ANSI.sub("", raw).replace("\x08", "")
    text = re.sub(r"\r+\n|\r", "\n", text)
    return "\n".join(line.rstrip() for line in text.split("\n"))


def squashed(text: str) -> str:
    """Whitespace folded to single spaces, so a phrase matches however the terminal broke the line."""
    return " ".join(text.split())


class Shell:
    """A `rasa shell` session in a pty: type text, pick buttons with the arrow keys, read replies."""

    def __init__(self, servers: Servers) -> None:
        self.servers = servers
        self.transcript = io.StringIO()
        self.choices: list[str] | None = None  # the open selection list, if the last reply had buttons
        env = {**servers.env, "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}
        self.child = pexpect.spawn(
            str(ROOT / ".venv" / "bin" / "rasa"),
            ["shell", "--model", str(ROOT / "models"), "--endpoints", str(servers.endpoints),
             "--port", str(servers.rasa_port)],
            cwd=str(ROOT), env=env, dimensions=(50, 160), encoding="utf-8", codec_errors="replace",
            timeout=REPLY_TIMEOUT_S)
        self.child.logfile_read = self.transcript

    def _expect(self, *patterns: str | type[pexpect.EOF], timeout: float = REPLY_TIMEOUT_S) -> tuple[int, str]:
        """Wait for one of some literal texts; return which one and the output up to and including it.

        On a timeout or an early exit, fail with what the terminal showed and the server logs.
        """
        try:
            index = self.child.expect_exact(list(patterns), timeout=timeout)
        except (pexpect.TIMEOUT, pexpect.EOF) as error:
            raise AssertionError(f"waiting for {patterns!r}: {type(error).__name__}; the terminal showed:\n"
                                 f"{plain(self.transcript.getvalue())[-4000:]}\n--- logs:\n"
                                 f"{self.servers.logs()[-2000:]}") from None
        after = self.child.after if isinstance(self.child.after, str) else ""
        return index, self.child.before + after

    def wait_until_loaded(self) -> None:
        self._expect("Bot loaded", timeout=MODEL_LOAD_TIMEOUT_S)
        self._await_prompt()

    def _await_prompt(self) -> str:
        """Wait for the next prompt (free text or a selection list); return what the bot said before it."""
        index, shown = self._expect(TEXT_PROMPT, SELECT_PROMPT)
        self.choices = None
        if index == 1:
            shown += self._expect(FREE_TEXT_CHOICE)[1]
            self.choices = CHOICE.findall(plain(shown)) + [FREE_TEXT_CHOICE]
        return plain(shown)

    def _accept(self, keys: str) -> str:
        self.child.send(keys)
        self._expect(ANSWER_ACCEPTED)
        return self._await_prompt()

    def choose(self, title: str) -> str:
        """Pick a button in the open selection list with Down and Enter, as a person would."""
        assert self.choices is not None, "no selection list is open"
        assert title in self.choices, f"{title!r} is not among {self.choices}"
        return self._accept(DOWN * self.choices.index(title) + ENTER)

    def say(self, text: str) -> str:
        """Type a message; if buttons are showing, first move up to the free-text choice (the list wraps)."""
        if self.choices is not None:
            self._accept(UP + ENTER)
            assert self.choices is None, "the free-text choice did not open a text prompt"
        return self._accept(text + ENTER)

    def quit(self) -> None:
        """Leave with /stop, the way the shell tells people to."""
        if self.choices is not None:
            self._accept(UP + ENTER)
        self.child.send("/stop" + ENTER)
        self._expect(pexpect.EOF, timeout=QUIT_TIMEOUT_S)

    def kill(self) -> None:
        if self.child.isalive():
            try:
                os.killpg(self.child.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            deadline = time.monotonic() + 20
            while self.child.isalive() and time.monotonic() < deadline:
                time.sleep(0.2)
            if self.child.isalive():
                try:
                    os.killpg(self.child.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.child.close(force=True)


@pytest.fixture(scope="module")
def shell(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shell]:
    """One action server and one shell for the module: loading the model takes a minute or two."""
    if not any((ROOT / "models").glob("*.tar.gz")):
        pytest.fail("no trained model: run `make train` (make test does it) first")
    servers = Servers(Path(tmp_path_factory.mktemp("shell")))
    session: Shell | None = None
    try:
        servers.start_actions()
        session = Shell(servers)
        session.wait_until_loaded()
        yield session
        if session.child.isalive():
            session.quit()
            session.child.close()
            assert session.child.exitstatus == 0, f"/stop left with status {session.child.exitstatus}"
    finally:
        if session is not None:
            session.kill()
        servers.stop(servers.actions)


def test_whole_assessment_in_the_terminal(shell: Shell) -> None:
    consent = shell.say("hi, my lower back hurts on the left when i lift boxes")
    assert shell.choices == ["Yes, let's start", "Not now", FREE_TEXT_CHOICE], consent
    assert "Shall we start?" in consent
    assert NOT_A_DIAGNOSIS in consent

    screening = shell.choose("Yes, let's start")
    assert "quick safety check" in screening and "bladder" in screening, screening
    assert shell.choices == ["None of these", "Yes, one of these", "Not sure", FREE_TEXT_CHOICE]

    # Typed instead of picked: Up wraps round to "Type out your own message...".
    symptoms_question = shell.say("no, none of those")
    assert "How does it feel?" in symptoms_question, symptoms_question
    assert shell.choices is None

    score_question = shell.say("just a dull ache")
    assert "0 (no pain) to 10" in score_question, score_question
    assert shell.choices is None

    duration_question = shell.say("4")
    assert "How long has it been going on?" in duration_question, duration_question

    inflammation_question = shell.say("2 weeks")
    assert "swelling, heat or redness" in inflammation_question, inflammation_question
    assert shell.choices == ["Yes", "No", "Not sure", FREE_TEXT_CHOICE]

    treatment_question = shell.choose("No")
    assert "treatment for this pain" in treatment_question, treatment_question
    assert shell.choices == ["No, not yet", "Yes, it helped", "Yes, no change", "Yes, it got worse", "Not sure",
                             FREE_TEXT_CHOICE]

    intake_question = shell.choose("No, not yet")
    assert "for your therapist" in intake_question, intake_question
    assert shell.choices == ["None of these", "Not sure", FREE_TEXT_CHOICE]

    summary = shell.choose("None of these")
    words = squashed(summary)
    assert MASSAGE_OK in words, summary
    assert "1. Quadratus lumborum (QL)" in words, summary
    assert 'You said "lift boxes"' in words, summary
    assert 'You said "dull ache"' in words, summary
    assert "pain 4/10 (moderate), for about 2 weeks" in words, summary
    assert "This is not a diagnosis" in words, summary
    assert f"{NOT_A_DIAGNOSIS} {CALL_911}" in words, summary
    # The terminal is not a web channel: no raw JSON payload is dumped into it.
    assert "Custom json" not in summary and '"triage"' not in summary, summary


def test_warning_sign_gets_emergency_advice(shell: Shell) -> None:
    fresh = shell.say("start over")
    assert "start fresh" in fresh, fresh

    replies = shell.say("i can't control my bladder since this morning")
    words = squashed(replies)
    assert "Get emergency help now." in words, replies
    assert EMERGENCY in words, replies
    assert CALL_911 in words, replies
    assert "Quadratus" not in words and "Massage and gentle movement" not in words, replies
