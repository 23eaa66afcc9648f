"""Render the proxy configuration and run nginx in the foreground (the ``proxy`` entry of the Procfile).

    python -m proxy.run            # write build/proxy/nginx.conf and exec nginx
    python -m proxy.run --check    # write it and only test it (nginx -t)
    python -m proxy.run --print    # print the configuration

nginx is Debian's package ``nginx-light`` (``make setup`` installs it when run as root). It runs without
privileges when started by an ordinary user; started as root (containers), only its master process keeps
root to open the files, the worker that talks to clients runs as ``nobody``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys

from proxy.config import load_proxy_settings, render, write_config


def nginx_binary() -> str:
    """``PROXY_NGINX``, nginx on PATH, or Debian's /usr/sbin/nginx."""
    found = os.environ.get("PROXY_NGINX") or shutil.which("nginx")
    if not found and os.access("/usr/sbin/nginx", os.X_OK):
        found = "/usr/sbin/nginx"
    if not found:
        raise SystemExit(
            "nginx not found: install Debian's package nginx-light (sudo apt-get install nginx-light)"
        )
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="only test the configuration")
    parser.add_argument("--print", action="store_true", help="print the configuration and exit")
    args = parser.parse_args(argv)
    cfg = load_proxy_settings()
    if args.print:
        print(render(cfg))
        return 0
    conf = write_config(cfg)
    command = [nginx_binary(), "-e", "stderr", "-p", str(cfg.directory), "-c", str(conf)]
    if args.check:
        os.execv(command[0], [*command, "-t", "-q"])
    print(
        f"proxy: {cfg.url} -> web 127.0.0.1:{cfg.web_port}, rasa 127.0.0.1:{cfg.rasa_port}",
        flush=True,
    )
    os.execv(command[0], command)
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main())
