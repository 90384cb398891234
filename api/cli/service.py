"""Service commands: ``serve`` (the FastAPI service on uvicorn) and ``keys`` (API keys for edits)."""

import argparse
import socket

import pandas as pd

from api.cli.output import add_lang, print_frame, say
from api.cli.registry import cmd_build
from api.keys import add_key, list_keys, revoke_key
from api.settings import Settings
from api.state import command_state
from geo.errors import NotFoundError


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Run the planner service; with ``--build``, take the port first, then build the store, then serve."""
    import uvicorn

    from api.app import create_app
    from api.http import guarded_protocol

    host, port = args.host or settings.host, args.port or settings.port
    sock = _listen(host, port)  # a second `make run` stops here, before it builds anything
    try:
        if args.build:
            cmd_build(args, settings)  # the port is ours: no other instance serves this store from it
        config = uvicorn.Config(create_app(settings), http=guarded_protocol(settings.request_timeout_s),
                                limit_concurrency=1000,
                                access_log=settings.access_log and not args.no_access_log)
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
    return 0


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``; a clear error when the port is taken."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise OSError(f"serve: cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise OSError(f"serve: cannot listen on {host}:{port}: {exc.strerror} (is the planner already running? "
                      "stop it or give --port)") from None
    sock.set_inheritable(True)
    return sock


def cmd_keys(args: argparse.Namespace, settings: Settings) -> int:
    """Add, list or revoke the service's API keys (stored hashed in the store)."""
    command_state(settings)  # builds the default store if missing
    if args.action == "add":
        key = add_key(settings.store, args.name or "", args.scope)
        print(f"{key}\n(shown once: only its hash is stored; send it as the X-API-Key header)")
    elif args.action == "list":
        keys = pd.DataFrame(list_keys(settings.store), columns=["key_id", "name", "scope", "created", "revoked"])
        if keys.empty and not args.json:
            say("no API keys yet: `energy-planner keys add --name NAME` makes one")
        else:
            print_frame(keys, args.json)
    elif not revoke_key(settings.store, args.key_id or ""):
        raise NotFoundError(f"no active key {args.key_id!r}")
    return 0


def add_arguments(name: str, s: argparse.ArgumentParser) -> None:
    """The arguments of the command ``name``."""
    if name == "serve":
        s.add_argument("--host")
        s.add_argument("--port", type=int)
        s.add_argument("--no-access-log", action="store_true", help="no log line per request (env PLANNER_ACCESS_LOG)")
        s.add_argument("--build", action="store_true", help="build the store first (keeping user edits), once the "
                       "port is taken, so a second instance stops before it builds")
        add_lang(s)  # the build's summary line
        s.set_defaults(func=cmd_serve)
        return
    s.add_argument("action", choices=("add", "list", "revoke"))
    s.add_argument("--name", help="add: who edits with the key (it goes in the audit trail)")
    s.add_argument("--scope", default="*", help="add: '*' or comma-separated adcodes the key may edit")
    s.add_argument("--key-id", help="revoke: the key's id (see list)")
    s.add_argument("--json", action="store_true", help="list: JSON instead of a table")
    s.set_defaults(func=cmd_keys)
