"""Ctrl-C in the terminal chat (`make chat`) stops it at once, also while it waits for an answer:
the real `python -m bot chat` on a pseudo-terminal (Ctrl-C typed, as a person does) and on pipes
(SIGINT sent). It says the answers are saved, exits with 130, and the next run carries on."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import sqlite3
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import FLOWS, ROOT

STOPPED = "Stopped. Answers given so far are saved."
#: Makes the pseudo-terminal the chat's controlling terminal, as a terminal window does, so the
#: Ctrl-C typed into it reaches the chat as SIGINT; then runs `python -m bot …` in its place.
AS_IN_A_TERMINAL = (
    "import os, sys; os.login_tty(0); os.execv(sys.executable, [sys.executable, *sys.argv[1:]])"
)


@dataclass
class Chat:
    """A running chat: what it has written so far, how to type into it, how to press Ctrl-C."""

    proc: subprocess.Popen[bytes]
    reads: int  # the file descriptor its output comes from
    writes: int  # the one its input goes to
    terminal: bool
    output: bytearray = field(default_factory=bytearray)
    seen: int = 0  # how much of the output the test has looked at

    def read_until(self, wanted: str, seconds: float = 20) -> str:
        """What the chat wrote after the last thing looked for, up to and including `wanted`;
        fails (never hangs) if `wanted` has not come after `seconds`."""
        deadline = time.monotonic() + seconds
        while (found := self.output.find(wanted.encode(), self.seen)) < 0:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {wanted!r} in {seconds} s; got {self.text()[-500:]!r}")
            if select.select([self.reads], [], [], left)[0]:
                try:
                    chunk = os.read(self.reads, 65536)
                except OSError:  # a pseudo-terminal whose other end has closed
                    chunk = b""
                if not chunk:
                    ended = self.text()[-500:]
                    raise AssertionError(f"the chat ended before {wanted!r}: {ended!r}")
                self.output += chunk
        before, self.seen = self.seen, found + len(wanted)
        return self.output[before : self.seen].decode("utf-8", "replace").replace("\r\n", "\n")

    def answer(self, typed: str, then: str) -> None:
        """Type an answer and Enter, then wait for the next question's prompt."""
        os.write(self.writes, typed.encode() + b"\n")
        self.read_until(then)
        self.read_until("> ")

    def ctrl_c(self) -> None:
        if self.terminal:
            os.write(self.writes, b"\x03")  # the terminal turns it into SIGINT
        else:
            self.proc.send_signal(signal.SIGINT)

    def exit_status(self, seconds: float) -> int:
        """The exit status; fails if the chat is still running after `seconds`."""
        try:
            status = self.proc.wait(seconds)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the chat still runs {seconds} s after Ctrl-C") from None
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and select.select([self.reads], [], [], 0.1)[0]:
            try:
                chunk = os.read(self.reads, 65536)
            except OSError:
                break
            if not chunk:
                break
            self.output += chunk
        return status

    def text(self) -> str:
        return self.output.decode("utf-8", "replace").replace("\r\n", "\n")


@contextmanager
def chat(folder: Path, terminal: bool) -> Iterator[Chat]:
    args = ["-m", "bot", "chat", "--flow", "community_hub", "--config", str(folder / "c.yaml")]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_"))}
    if terminal:
        reads, other_end = pty.openpty()
        termios.tcsetwinsize(reads, (40, 200))  # wide enough that no question is wrapped
        proc = subprocess.Popen([sys.executable, "-c", AS_IN_A_TERMINAL, *args], stdin=other_end,
                                stdout=other_end, stderr=other_end, cwd=ROOT, env=env)  # fmt: skip
        os.close(other_end)
        writes = reads
    else:
        proc = subprocess.Popen([sys.executable, *args], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT,
                                env=env)  # fmt: skip
        assert proc.stdin is not None and proc.stdout is not None
        reads, writes = proc.stdout.fileno(), proc.stdin.fileno()
    try:
        yield Chat(proc, reads, writes, terminal)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        if terminal:
            os.close(reads)
        else:
            for stream in (proc.stdin, proc.stdout):
                if stream is not None:
                    stream.close()


def exported(folder: Path) -> list[dict[str, object]]:
    """The preview database's responses, as an analyst's export reads them."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", "export", "--db", str(folder / "data" / "preview.sqlite3"),
         "--flow", "community_hub", "--format", "jsonl", "--out", "-"],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.mark.parametrize("terminal", [True, False], ids=["ctrl-c-in-a-terminal", "sigint-on-pipes"])
def test_ctrl_c_while_waiting_for_an_answer_stops_at_once_and_keeps_the_answers(
    tmp_path: Path, terminal: bool
) -> None:
    (tmp_path / "c.yaml").write_text(f"flows: {FLOWS}\nstorage: {{path: data/db.sqlite3}}\n")
    with chat(tmp_path, terminal) as first:
        first.read_until("Are you happy to start?")
        first.read_until("> ")
        first.answer("1", then="Which maternity hub do you go to?")
        first.answer("1", then="What have you used at the hub?")
        time.sleep(0.2)  # waiting for an answer, as a parent thinking does
        pressed = time.monotonic()
        first.ctrl_c()
        assert first.exit_status(seconds=3) == 130
        took = time.monotonic() - pressed
        after = first.text()[first.text().rindex("What have you used at the hub?") :]
    assert took < 2, f"took {took:.1f} s to stop"
    assert f"\n{STOPPED}\n" in after
    assert "Traceback" not in first.text()
    with sqlite3.connect(tmp_path / "data" / "preview.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    (response,) = exported(tmp_path)
    assert (response["status"], response["hub"]) == ("partial", "kidderminster")

    with chat(tmp_path, terminal) as again:  # carries on where it stopped
        shown = again.read_until("> ")
        assert "Welcome back! Let's carry on where you left off." in shown
        assert "What have you used at the hub?" in shown
        assert "Are you happy to start?" not in shown
        again.answer("2", then="How do you usually get to the hub?")
        again.ctrl_c()
        assert again.exit_status(seconds=3) == 130
        assert again.text().endswith(f"{STOPPED}\n")
    (response,) = exported(tmp_path)
    assert (response["hub"], response["services/scans"]) == ("kidderminster", 1)
