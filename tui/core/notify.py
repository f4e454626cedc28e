"""Notifications that leave the program: desktop (notify-send) and a user's command.

The command is an argv run without a shell, the hit passed in environment variables (never
spliced into arguments, so a hostile headline cannot inject anything), under a time limit;
its failure is reported as one line and never stops wirewatch.
"""

from __future__ import annotations

import os
import shutil
import subprocess

from tui.core.alerts import AlertHit
from tui.core.query import iso, to_datetime

COMMAND_TIMEOUT_SECONDS = 10.0


def hit_environment(hit: AlertHit) -> dict[str, str]:
    return {
        "WIREWATCH_ALERT": hit.alert,
        "WIREWATCH_TITLE": hit.title,
        "WIREWATCH_FEED": hit.feed,
        "WIREWATCH_LINK": hit.link or "",
        "WIREWATCH_ID": hit.item,
        "WIREWATCH_PUBLISHED": iso(to_datetime(hit.published)) or "",
    }


def run_command(argv: list[str] | tuple[str, ...], hit: AlertHit, *,
                timeout: float = COMMAND_TIMEOUT_SECONDS) -> str | None:
    """Run the alert's command for a hit; returns an error line, or None when it succeeded."""
    env = dict(os.environ, **hit_environment(hit))
    try:
        proc = subprocess.run(list(argv), env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              timeout=timeout, start_new_session=True)
    except subprocess.TimeoutExpired:
        return f"alert {hit.alert!r}: command {argv[0]!r} killed after {timeout:g} s"
    except OSError as error:
        return f"alert {hit.alert!r}: command {argv[0]!r} failed to start: {error.strerror}"
    if proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        last = f": {detail[-1][:200]}" if detail else ""
        return f"alert {hit.alert!r}: command {argv[0]!r} exited {proc.returncode}{last}"
    return None


def desktop_notify(hit: AlertHit) -> str | None:
    """notify-send where it exists; silently nothing where it does not."""
    program = shutil.which("notify-send")
    if program is None:
        return None
    try:
        subprocess.run([program, "--app-name=wirewatch", f"wirewatch: {hit.alert}",
                        f"{hit.title}\n{hit.feed}"], stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"desktop notification failed: {error}"
    return None


def dispatch_external(hits: list[AlertHit], rules: dict) -> list[str]:
    """Desktop and command notifications for these hits; returns the error lines."""
    errors: list[str] = []
    for hit in hits:
        rule = rules.get(hit.alert)
        if rule is None:
            continue
        if "desktop" in rule.notify and (error := desktop_notify(hit)):
            errors.append(error)
        if "command" in rule.notify and rule.command and (error := run_command(rule.command, hit)):
            errors.append(error)
    return errors
