"""`python -m tui` runs the same command line as the `wirewatch` script."""

from tui.cli import run

run()
