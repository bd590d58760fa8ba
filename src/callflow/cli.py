"""The ``callflow`` command: ``callflow demo`` and ``callflow diagram``."""

import argparse
import sys
from collections.abc import Sequence

from callflow.demo import sample_call
from callflow.diagram import mermaid
from callflow.timeline import render_timeline

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="callflow", description="Model helpdesk phone calls as a checked procedure."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("demo", help="run a sample call end to end and print its timeline")
    commands.add_parser("diagram", help="print the call procedure as a Mermaid state diagram")
    args = parser.parse_args(argv)
    if args.command == "demo":
        sys.stdout.write(render_timeline(sample_call()))
    else:
        sys.stdout.write(mermaid())
    return 0
