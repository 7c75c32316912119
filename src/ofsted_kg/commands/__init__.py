"""CLI subcommands: one module each, with `register(subparsers)`; found by `ofsted_kg.cli`.

A module registers its parser with `parser.set_defaults(func=run)` where `run(args) -> int`
returns the exit code. Keep the work in library functions; a command only parses, calls, prints.
"""
