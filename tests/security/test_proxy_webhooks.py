"""The public entry routes the messenger webhooks (Telegram, Twilio): POST only, a body limit and a
rate zone of their own; nothing else of Rasa's messenger routes is reachable."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from proxy.config import load_proxy_settings, render, write_config
from tests.security.test_proxy_config import _nginx

HOOKS = ("/webhooks/telegram/webhook", "/webhooks/twilio/webhook")


def _location(text: str, path: str) -> str:
    match = re.search(r"location = " + re.escape(path) + r" \{(.*?)\n        \}", text, re.S)
    assert match, path
    return match.group(1)


def test_webhooks_are_routed_with_post_only_and_body_limit(tmp_path: Path) -> None:
    cfg = load_proxy_settings({"PROXY_DIR": str(tmp_path), "PROXY_WEBHOOK_BODY_LIMIT": "24k"})
    conf = write_config(cfg)
    text = conf.read_text()
    for path in HOOKS:
        block = _location(text, path)
        assert "limit_except POST { deny all; }" in block
        assert "client_max_body_size 24k;" in block
        assert "zone=bl_hook" in block and "proxy_pass http://bl_rasa;" in block
    assert "zone=bl_hook:1m rate=30r/s;" in text
    # Rasa's own set_webhook route and the channels' health routes stay unrouted
    assert "set_webhook" not in text.split("location / {")[0].replace("/webhooks/*/set_webhook", "")
    result = subprocess.run(
        [_nginx(), "-t", "-q", "-e", "stderr", "-p", str(tmp_path), "-c", str(conf)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [("PROXY_WEBHOOK_RATE", "5r/s; allow all"), ("PROXY_WEBHOOK_BODY_LIMIT", "1m;#")],
)
def test_webhook_settings_cannot_inject_configuration(
    name: str, value: str, tmp_path: Path
) -> None:
    with pytest.raises(ValueError):
        render(load_proxy_settings({"PROXY_DIR": str(tmp_path), name: value}))
