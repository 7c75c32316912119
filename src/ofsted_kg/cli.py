"""The `ofsted-kg` command: one entry point, subcommands over library functions.

Data goes to stdout, logs and errors to stderr. Exit codes (documented in README):
0 success; 1 some input was rejected or validation failed (the rest was done);
2 usage error (bad arguments, unknown query); 3 store or endpoint unavailable; 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import pkgutil
import sys

from . import commands
from .errors import EXIT_FAILURES, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, NO_ROOM_ERRNOS, OfstedKGError
from .option_types import seconds


def add_global_options(
    container: argparse._ActionsContainer, *, suppress: bool = False, own: frozenset[str] = frozenset()
) -> None:
    """The options every command takes. On a subcommand they default to SUPPRESS, so
    `ofsted-kg queries --store X` and `ofsted-kg --store X queries` both set args.store and a
    subcommand that is not given one keeps the value given (or defaulted) before it. `own`: option
    strings the subcommand defines with its own meaning (serve's --timeout), left to it."""
    parser: argparse._ActionsContainer | _Skipping = _Skipping(container, own) if own else container

    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    parser.add_argument("-v", "--verbose", action="count", default=default(0), help="more logging on stderr")
    parser.add_argument(
        "-q", "--quiet", action="store_true", default=default(False), help="only errors on stderr"
    )
    parser.add_argument(
        "--store",
        default=default(os.environ.get("OFSTED_KG_STORE", "ofsted-kg.db")),
        help="embedded store folder (default ./ofsted-kg.db, or $OFSTED_KG_STORE)",
    )
    parser.add_argument(
        "--endpoint",
        default=default(os.environ.get("OFSTED_KG_ENDPOINT")),
        help="use a SPARQL 1.1 endpoint instead of the embedded store ($OFSTED_KG_ENDPOINT)",
    )
    parser.add_argument(
        "--endpoint-profile",
        default=default(os.environ.get("OFSTED_KG_ENDPOINT_PROFILE", "oxigraph")),
        help="server kind for --endpoint: its paths and quirks (default oxigraph; see docs/remote.md)",
    )
    for name, env, what in (
        ("--query-url", "OFSTED_KG_QUERY_URL", "SPARQL query"),
        ("--update-url", "OFSTED_KG_UPDATE_URL", "SPARQL update"),
        ("--gsp-url", "OFSTED_KG_GSP_URL", "Graph Store Protocol"),
    ):
        parser.add_argument(
            name,
            metavar="URL",
            default=default(os.environ.get(env)),
            help=f"the endpoint's {what} URL, if not the profile's (${env})",
        )
    parser.add_argument(
        "--timeout",
        type=_timeout,
        # Text: argparse puts a text default through `type`, so a bad $OFSTED_KG_TIMEOUT is an
        # option error like a bad --timeout.
        default=default(os.environ.get("OFSTED_KG_TIMEOUT") or "60"),
        help="seconds per request to an endpoint or to Ofsted's site (default 60, or $OFSTED_KG_TIMEOUT)",
    )


def _timeout(text: str) -> float:
    try:
        return seconds(text)
    except argparse.ArgumentTypeError as exc:
        # Said here because the value may come from the environment, not the command line.
        raise argparse.ArgumentTypeError(f"{exc} (from --timeout, or else $OFSTED_KG_TIMEOUT)") from None


class _Skipping:
    """An argument container that leaves out the options a subcommand defines itself."""

    def __init__(self, parser: argparse._ActionsContainer, own: frozenset[str]) -> None:
        self._parser, self._own = parser, own

    def add_argument(self, *names: str, **kwargs: object) -> None:
        if not self._own.intersection(names):
            self._parser.add_argument(*names, **kwargs)  # type: ignore[arg-type]


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of `command` alone when it names one: each command module
    imports what it needs, and some need a lot (networkx, numpy), so a run registers only its own
    (`summary` starts in about a third of the time)."""
    parser = _top_parser()
    add_global_options(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    names = sorted(m.name for m in pkgutil.iter_modules(commands.__path__))
    for name in [command] if command in names else names:
        module = importlib.import_module(f"{commands.__name__}.{name}")
        module.register(subparsers)
    for subparser in subparsers.choices.values():
        own = frozenset(subparser.get_default("own_options") or ())
        add_global_options(subparser.add_argument_group("global options"), suppress=True, own=own)
    return parser


def _top_parser(add_help: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        add_help=add_help,
        prog="ofsted-kg",
        description="Turn Ofsted children's services inspection letters into an evidenced RDF knowledge graph.",
    )
    parser.add_argument("--version", action=_Version, help="show the version and exit")
    return parser


class _Version(argparse.Action):
    """argparse's version action, with the version looked up only when asked for (see
    ofsted_kg.__init__: the lookup is a tenth of a second of every start-up otherwise)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=kwargs.get("help"))  # type: ignore[arg-type]

    def __call__(self, parser: argparse.ArgumentParser, *_args: object, **_kwargs: object) -> None:
        from . import __version__

        print(f"ofsted-kg {__version__}")  # on stdout, as argparse's own version action prints
        parser.exit()


def _command_named(argv: list[str] | None) -> str | None:
    """The command word of a command line (after any global options), if there is one."""
    probe = _top_parser(add_help=False)
    add_global_options(probe)
    _known, rest = probe.parse_known_args(argv)
    return rest[0] if rest and not rest[0].startswith("-") else None


def main(argv: list[str] | None = None) -> int:
    parser = build_parser(_command_named(argv))
    args = parser.parse_args(argv)
    level = logging.ERROR if args.quiet else (logging.DEBUG if args.verbose > 1 else logging.INFO)
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s", stream=sys.stderr)
    # httpx logs every request at INFO: only with -vv (fetch logs its retries itself).
    logging.getLogger("httpx").setLevel(logging.DEBUG if args.verbose > 1 else max(level, logging.WARNING))
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.func(args) or 0)
    except OfstedKGError as exc:
        # The one place an error becomes an exit code (errors.py gives each type its code).
        print(f"ofsted-kg: {' '.join(str(exc).split())}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `ofsted-kg query ... | head`
        return EXIT_OK
    except OSError as exc:
        # Output that cannot be written (stdout or --output on a full disk or quota, a file too
        # large): one line, not a traceback. A --output file is never left half-written
        # (output_file.py); the store reports its own disk errors as StoreError.
        if exc.errno not in NO_ROOM_ERRNOS:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"ofsted-kg: {where}cannot write the output ({exc.strerror or exc})", file=sys.stderr)
        return EXIT_FAILURES


if __name__ == "__main__":
    sys.exit(main())
