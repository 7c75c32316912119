"""`ofsted-kg serve`: offer the embedded store as a SPARQL endpoint with a query page.

The server is Oxigraph's own (`oxigraph serve`, from the `oxigraph` PyPI package, extra
`server`), run on a private loopback port behind `ofsted_kg.gateway`, a small proxy on the
address the user binds: it refuses SERVICE clauses unless --allow-service, refuses writes unless
--allow-update, stops a query past --timeout (default 30 s) and an answer over --max-result-mb
(default 64 MB), each with a message naming the limit, never a cut answer. The command never
opens the store itself (a pyoxigraph Store would hold RocksDB's lock the server needs).

Read-only (`serve-read-only`) unless --allow-update. Queries see the union of the named graphs
as their default graph, as `ofsted-kg query` does. Loopback only unless --bind names another
address, which prints a warning: the endpoint has no authentication. Oxigraph's process is tied
to this one (it gets SIGTERM if this process dies) and stopped by its process id on exit.
"""

from __future__ import annotations

import argparse
import ctypes
import ipaddress
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ofsted_kg.errors import StoreError, UsageError
from ofsted_kg.federation import ALLOW_FLAG
from ofsted_kg.option_types import positive_int, seconds
from ofsted_kg.store_lock import StoreLock

DEFAULT_BIND = "127.0.0.1:7878"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RESULT_MB = 64


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
    parser.add_argument(
        ALLOW_FLAG,
        action="store_true",
        help="run SERVICE clauses (federated queries: the server then fetches any host a query names)",
    )
    parser.add_argument(
        "--timeout",
        dest="query_timeout",
        type=seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"stop a query after this long (default {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument(
        "--max-result-mb",
        type=positive_int,
        default=DEFAULT_MAX_RESULT_MB,
        metavar="MB",
        help=f"refuse an answer larger than this (default {DEFAULT_MAX_RESULT_MB})",
    )
    # Its --timeout stops a query in the server; the global one (endpoint requests) does not apply.
    parser.set_defaults(func=run, own_options=("--timeout",))


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


def server_command(binary: str, store: Path, bind: str, allow_update: bool, timeout: float) -> list[str]:
    mode = "serve" if allow_update else "serve-read-only"
    return [
        binary,
        mode,
        "--location",
        str(store),
        "--bind",
        bind,
        "--union-default-graph",
        "--timeout-s",
        str(max(1, round(timeout))),
    ]


@dataclass(frozen=True)
class Plan:
    """What `serve` will run, checked: the store, the public address, the limits."""

    binary: str
    store: Path
    host: str
    port: int
    allow_update: bool
    allow_service: bool
    timeout: float
    max_bytes: int


def plan(args: argparse.Namespace) -> Plan:
    if getattr(args, "endpoint", None):
        raise UsageError("serve offers the embedded store; it cannot serve --endpoint")
    try:
        host, port = parse_bind(args.bind)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    store = Path(args.store)
    if not args.allow_update and not (store / "CURRENT").is_file():
        # RocksDB writes CURRENT when a store is created; a read-only server needs one.
        raise StoreError(f"{store}: no store here (run `ofsted-kg ingest` first)")
    binary = oxigraph_binary()
    if binary is None:
        raise StoreError(
            "serve needs Oxigraph's server: pip install 'ofsted-kg[server]' (the oxigraph package)"
        )
    return Plan(
        binary=binary,
        store=store,
        host=host,
        port=port,
        allow_update=args.allow_update,
        allow_service=getattr(args, "allow_service", False),
        timeout=args.query_timeout,
        max_bytes=args.max_result_mb * 1024 * 1024,
    )


def run(args: argparse.Namespace) -> int:
    chosen = plan(args)
    if chosen.allow_update:
        chosen.store.mkdir(parents=True, exist_ok=True)
    # The store's lock (shared to read, exclusive to write), held while this process serves:
    # `ingest` into this folder refuses instead of writing data the server would never see,
    # and a read-write server keeps readers out.
    lock = StoreLock.acquire(chosen.store, exclusive=chosen.allow_update, wait=False)
    try:
        if not is_loopback(chosen.host):
            print(
                f"ofsted-kg: warning: listening on {chosen.host}, reachable from other machines, "
                "with no authentication",
                file=sys.stderr,
            )
        return run_gateway(chosen)
    finally:
        lock.release()


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the parent dies (Linux), so no server is orphaned."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_answering(url: str, process: subprocess.Popen, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StoreError(f"Oxigraph's server stopped at start (exit code {process.returncode})")
        try:
            with urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise StoreError(f"Oxigraph's server did not answer within {seconds:g} s")


def run_gateway(chosen: Plan) -> int:
    from ofsted_kg.gateway import Gateway

    upstream_port = _free_port()
    command = server_command(
        chosen.binary, chosen.store, f"127.0.0.1:{upstream_port}", chosen.allow_update, chosen.timeout
    )
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in finally; a pipe could fill and block
    try:
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=log, preexec_fn=_die_with_parent
        )
    except OSError as exc:
        log.close()
        raise StoreError(f"cannot start {chosen.binary}: {exc.strerror or exc}") from None
    gateway: Gateway | None = None
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        try:
            _wait_until_answering(f"http://127.0.0.1:{upstream_port}", process)
        except StoreError as exc:
            log.seek(0)
            reason = " ".join(log.read(2000).decode("utf-8", "replace").split())[:200]
            raise StoreError(f"{chosen.store}: {exc}" + (f": {reason}" if reason else "")) from None
        try:
            gateway = Gateway(
                (chosen.host.strip("[]"), chosen.port),
                ("127.0.0.1", upstream_port),
                allow_update=chosen.allow_update,
                allow_service=chosen.allow_service,
                timeout=chosen.timeout,
                max_bytes=chosen.max_bytes,
            )
        except OSError as exc:
            raise StoreError(
                f"cannot listen on {chosen.host}:{chosen.port} ({exc.strerror or exc})"
            ) from None
        mode = "read-write" if chosen.allow_update else "read-only"
        host = chosen.host.strip("[]")
        shown = f"[{host}]" if ":" in host else host
        print(
            f"ofsted-kg: serving {chosen.store} ({mode}) at http://{shown}:{chosen.port}/ (SPARQL at /query); "
            f"queries stop after {chosen.timeout:g} s, answers over {chosen.max_bytes // (1024 * 1024)} MB are "
            f"refused{'' if chosen.allow_service else ', SERVICE is off'}; Ctrl-C stops",
            file=sys.stderr,
            flush=True,
        )
        watcher = threading.Thread(target=_stop_when_upstream_exits, args=(process, gateway), daemon=True)
        watcher.start()
        gateway.serve_forever()
        if process.poll() is not None:
            raise StoreError(f"Oxigraph's server stopped (exit code {process.returncode})")
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        if gateway is not None:
            gateway.server_close()
        _stop(process)
        log.close()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the server as Ctrl-C does, tidying up the same way


def _stop_when_upstream_exits(process: subprocess.Popen, gateway: object) -> None:
    process.wait()
    gateway.shutdown()  # type: ignore[attr-defined]


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
