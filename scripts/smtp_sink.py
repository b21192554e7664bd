"""A local SMTP server for the tests (started by scripts/services): every message it
accepts is stored in a directory as NAME.eml (the raw message) and NAME.json (envelope,
headers and the decoded text and HTML parts), each written to a temporary name first
and renamed, so a reader never sees half a file.

    python smtp_sink.py --host 127.0.0.1 --port 2525 --dir .clinic/mail

Plain SMTP without TLS or authentication: for loopback only.
"""

import argparse
import asyncio
import email
import email.policy
import json
import os
import signal
import time

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    def _write(self, name, data):
        tmp = os.path.join(self.directory, "." + name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, os.path.join(self.directory, name))

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = "%d-%d-%d" % (time.time_ns(), os.getpid(), self.count)
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        text = msg.get_body(("plain",))
        html = msg.get_body(("html",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "from": str(msg.get("from", "")),
            "to": str(msg.get("to", "")),
            "subject": str(msg.get("subject", "")),
            "content_type": msg.get_content_type(),
            "text": text.get_content() if text is not None else None,
            "html": html.get_content() if html is not None else None,
        }
        self._write(base + ".eml", raw)
        self._write(base + ".json", json.dumps(record).encode("utf-8"))
        return "250 OK stored"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    sink = Sink(args.dir)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(
        loop.create_server(
            lambda: SMTP(sink, hostname="localhost", enable_SMTPUTF8=True, data_size_limit=10_000_000),
            args.host,
            args.port,
        )
    )
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, loop.stop)
    print("smtp_sink listening on %s:%d, storing in %s" % (args.host, args.port, args.dir), flush=True)
    loop.run_forever()
    server.close()


if __name__ == "__main__":
    main()
