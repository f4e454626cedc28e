"""Notifications that leave the program: desktop (notify-send) and a user's command.

The command is an argv run without a shell, the hit passed in environment variables (never
spliced into arguments, so a hostile headline cannot inject anything), under a time limit;
its failure is reported as one line and never stops wirewatch.
"""

from __future__ import annotations

import html
import os
import shutil
import signal
import subprocess
import tempfile

from tui.core.alerts.plan import NotificationPlan
from tui.core.cache.hits import AlertHit
from tui.core.ingest.dates import iso, to_datetime
from tui.core.ingest.sanitize import strip_unsafe

COMMAND_TIMEOUT_SECONDS = 10.0
STDERR_KEEP_BYTES = 64 * 1024


def _env_value(value: str) -> str:
    return value.replace("\x00", "")  # the one character an environment cannot carry


def hit_environment(hit: AlertHit) -> dict[str, str]:
    return {key: _env_value(value) for key, value in {
        "WIREWATCH_ALERT": hit.alert,
        "WIREWATCH_TITLE": hit.title,
        "WIREWATCH_FEED": hit.feed,
        "WIREWATCH_LINK": hit.link or "",
        "WIREWATCH_ID": hit.uid,
        "WIREWATCH_PUBLISHED": iso(to_datetime(hit.published)) or "",
    }.items()}


def run_command(argv: list[str] | tuple[str, ...], hit: AlertHit, *,
                timeout: float = COMMAND_TIMEOUT_SECONDS) -> str | None:
    """Run the alert's command for a hit; returns an error line, or None when it succeeded.

    The command runs in its own process group, and at the time limit the whole group is
    killed: a script's children (a `sleep`, a `curl`) do not outlive it. Its stderr goes to a
    temporary file, not a pipe, so a child it leaves running in the background does not make
    a command that finished look like one that hangs.
    """
    if not argv:
        return f"alert {hit.alert!r}: no command to run"
    name = argv[0]
    env = dict(os.environ, **hit_environment(hit))
    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen(list(argv), env=env, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=errors,
                                    start_new_session=True)
        except (OSError, ValueError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            return f"alert {hit.alert!r}: command {name!r} failed to start: {reason}"
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            return f"alert {hit.alert!r}: command {name!r} killed after {timeout:g} s"
        except BaseException:
            _kill_group(proc)
            raise
        if proc.returncode == 0:
            return None
        size = errors.seek(0, os.SEEK_END)
        errors.seek(max(0, size - STDERR_KEEP_BYTES))
        text = strip_unsafe(errors.read().decode("utf-8", "replace"))
    detail = [line.strip() for line in text.splitlines() if line.strip()]
    last = f": {detail[-1][:200]}" if detail else ""
    return f"alert {hit.alert!r}: command {name!r} exited {proc.returncode}{last}"


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.wait()


def desktop_notify(hit: AlertHit) -> str | None:
    """notify-send where it exists; silently nothing where it does not.

    Feed text is data: "--" ends notify-send's options (a title may start with "-"), and the
    body is escaped because notification servers read it as markup.
    """
    program = shutil.which("notify-send")
    if program is None:
        return None
    body = html.escape(f"{hit.title}\n{hit.feed}", quote=False)
    try:
        subprocess.run([program, "--app-name=wirewatch", "--", f"wirewatch: {hit.alert}",
                        _env_value(body)], stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=5)
    except subprocess.TimeoutExpired:
        return "desktop notification failed: notify-send did not return within 5 s"
    except OSError as error:
        return f"desktop notification failed: {error.strerror or error}"
    return None


def dispatch_external(plan: NotificationPlan) -> list[str]:
    """The desktop and command notifications of a plan; returns the error lines."""
    errors: list[str] = []
    for hit in plan.desktop:
        if error := desktop_notify(hit):
            errors.append(error)
    for argv, hit in plan.commands:
        if error := run_command(argv, hit):
            errors.append(error)
    return errors
