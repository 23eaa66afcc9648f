"""Keys and tokens for Rasa's HTTP API when an operator enables it (RASA_ENABLE_API=true, RS256).

    python scripts/rasa_api_token.py keygen --out DIR      # DIR/rasa-api.key (private), DIR/rasa-api.pub
    python scripts/rasa_api_token.py token --key DIR/rasa-api.key [--role admin] [--minutes 60]

Rasa gets only the public key (RASA_JWT_PUBLIC_KEY); keep the private key off the Rasa host. Tokens go
in the ``Authorization: Bearer`` header, never in a URL. Uses the ``openssl`` command; stdlib only.
"""

from __future__ import annotations

import argparse
import base64
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def keygen(directory: Path) -> tuple[Path, Path]:
    """Create an RSA-3072 key pair; return (private key, public key) paths."""
    directory.mkdir(parents=True, exist_ok=True)
    private, public = directory / "rasa-api.key", directory / "rasa-api.pub"
    subprocess.run(
        [
            "openssl",
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:3072",
            "-out",
            str(private),
        ],
        check=True,
        capture_output=True,
    )
    private.chmod(0o600)
    subprocess.run(
        ["openssl", "pkey", "-in", str(private), "-pubout", "-out", str(public)], check=True
    )
    return private, public


def token(
    private_key: Path, username: str = "operator", role: str = "admin", minutes: int = 60
) -> str:
    """An RS256 JWT in the form Rasa 3.6 checks: ``{"user": {"username", "role"}, "exp"}``."""
    header = {"alg": "RS256", "typ": "JWT"}
    payload = {"user": {"username": username, "role": role}, "exp": int(time.time()) + 60 * minutes}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    with tempfile.NamedTemporaryFile() as data:
        data.write(signing_input.encode("ascii"))
        data.flush()
        signature = subprocess.run(
            ["openssl", "dgst", "-sha256", "-sign", str(private_key), data.name],
            check=True,
            capture_output=True,
        ).stdout
    return f"{signing_input}.{_b64(signature)}"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("keygen")
    gen.add_argument("--out", type=Path, required=True)
    tok = sub.add_parser("token")
    tok.add_argument("--key", type=Path, required=True)
    tok.add_argument("--username", default="operator")
    tok.add_argument("--role", default="admin", choices=["admin", "user"])
    tok.add_argument("--minutes", type=int, default=60)
    args = parser.parse_args()
    if args.command == "keygen":
        private, public = keygen(args.out)
        print(f"private key: {private}\npublic key (RASA_JWT_PUBLIC_KEY): {public}")
    else:
        print(token(args.key, args.username, args.role, args.minutes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
