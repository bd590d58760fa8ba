"""The ``callflow`` command: ``callflow demo``, ``callflow diagram`` and ``callflow audit``.

The audit's command lives in :mod:`callflow.audit.cli`; it is imported only
when ``callflow audit`` runs, so the core's commands never load the audit.
"""

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
    commands.add_parser(
        "audit",
        help="audit recorded calls (JSON or JSON Lines transcripts); callflow audit -h for more",
        add_help=False,
    )
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["audit"]:
        from callflow.audit.cli import main as audit_main

        return audit_main(arguments[1:])
    args = parser.parse_args(arguments)
    if args.command == "demo":
        sys.stdout.write(render_timeline(sample_call()))
    else:
        sys.stdout.write(mermaid())
    return 0
