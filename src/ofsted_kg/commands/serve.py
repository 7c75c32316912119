"""`ofsted-kg serve`: offer the embedded store as a SPARQL endpoint with a query page.

The server is Oxigraph's own (`oxigraph serve`, from the `oxigraph` PyPI package, extra
`server`): this command checks its arguments, then replaces itself with that process, so the
process id the user sees is the server's and stopping it stops the server. The command never
opens the store itself (a pyoxigraph Store would hold RocksDB's lock the server needs).

Read-only (`serve-read-only`) unless --allow-update. Queries see the union of the named graphs
as their default graph, as `ofsted-kg query` does. Loopback only unless --bind names another
address, which prints a warning: the endpoint has no authentication.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import shutil
import sys
from pathlib import Path

from ofsted_kg.store_lock import StoreLock

DEFAULT_BIND = "127.0.0.1:7878"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="offer the embedded store as a SPARQL endpoint with a query page",
        description="Serve the embedded store (--store) over the SPARQL 1.1 Protocol with Oxigraph's "
        "server: a query page at /, queries at /query, the Graph Store Protocol at /store. "
        "Read-only unless --allow-update; loopback only unless --bind says otherwise. "
        "Stop it with Ctrl-C. While it runs, ingest into another store folder or through the "
        "endpoint (--allow-update and --endpoint), not into the same folder.",
    )
    parser.add_argument(
        "--bind",
        default=DEFAULT_BIND,
        metavar="HOST:PORT",
        help=f"address to listen on (default {DEFAULT_BIND}; other hosts are reachable without a password)",
    )
    parser.add_argument(
        "--allow-update",
        action="store_true",
        help="accept SPARQL Update and Graph Store writes (default: read-only)",
    )
    parser.set_defaults(func=run)


def oxigraph_binary() -> str | None:
    """The `oxigraph` executable installed next to this Python (a venv), else on PATH."""
    return shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")


def parse_bind(text: str) -> tuple[str, int]:
    host, sep, port_text = text.strip().rpartition(":")
    if not sep or not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"--bind {text!r}: expected HOST:PORT, e.g. {DEFAULT_BIND}")
    return host, int(port_text)


def is_loopback(host: str) -> bool:
    bare = host.strip("[]")
    if bare == "localhost":
        return True
    try:
        return ipaddress.ip_address(bare).is_loopback
    except ValueError:
        return False


def server_command(binary: str, store: Path, bind: str, allow_update: bool) -> list[str]:
    mode = "serve" if allow_update else "serve-read-only"
    return [binary, mode, "--location", str(store), "--bind", bind, "--union-default-graph"]


def run(args: argparse.Namespace) -> int:
    if getattr(args, "endpoint", None):
        print("ofsted-kg: serve offers the embedded store; it cannot serve --endpoint", file=sys.stderr)
        return 2
    try:
        host, port = parse_bind(args.bind)
    except ValueError as exc:
        print(f"ofsted-kg: {exc}", file=sys.stderr)
        return 2
    store = Path(args.store)
    if not args.allow_update and not (store / "CURRENT").is_file():
        # RocksDB writes CURRENT when a store is created; a read-only server needs one.
        print(f"ofsted-kg: {store}: no store here (run `ofsted-kg ingest` first)", file=sys.stderr)
        return 3
    binary = oxigraph_binary()
    if binary is None:
        print(
            "ofsted-kg: serve needs Oxigraph's server: pip install 'ofsted-kg[server]' (the oxigraph package)",
            file=sys.stderr,
        )
        return 3
    if args.allow_update:
        store.mkdir(parents=True, exist_ok=True)
    # The store's lock (shared to read, exclusive to write) goes with the process into the
    # server: while it serves, `ingest` into this folder refuses instead of writing data the
    # server would never see, and a read-write server keeps readers out.
    lock = StoreLock.acquire(store, exclusive=args.allow_update, wait=False)
    lock.hand_to_exec()
    if not is_loopback(host):
        print(
            f"ofsted-kg: warning: listening on {host}, reachable from other machines, with no authentication",
            file=sys.stderr,
        )
    mode = "read-write" if args.allow_update else "read-only"
    shown = f"[{host.strip('[]')}]" if ":" in host.strip("[]") else host
    print(
        f"ofsted-kg: serving {store} ({mode}) at http://{shown}:{port}/ (SPARQL at /query); Ctrl-C stops",
        file=sys.stderr,
        flush=True,
    )
    sys.stdout.flush()
    command = server_command(binary, store, f"{host}:{port}", args.allow_update)
    try:
        os.execv(binary, command)
    except OSError as exc:
        print(f"ofsted-kg: cannot start {binary}: {exc.strerror or exc}", file=sys.stderr)
        return 3
    finally:
        lock.release()  # reached only when exec did not replace this process
    return 0  # not reached: execv replaced this process
