"""`clarus-daemon hash-token`: the SHA-256 form of a token, for [auth] tokens or a token file."""

import argparse
import secrets
import sys

from clarus_daemon.config.auth import token_digest


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "hash-token",
        help="read a token on stdin (or make one with --new) and print its SHA-256",
    )
    parser.add_argument("--new", action="store_true", help="generate a random token first")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.new:
        token = secrets.token_urlsafe(32)
        print(f"token:  {token}")
        print(f"sha256: {token_digest(token)}")
        return 0
    token = sys.stdin.readline().strip()
    if not token:
        print("clarus-daemon: no token on standard input", file=sys.stderr)
        return 2
    print(token_digest(token))
    return 0
