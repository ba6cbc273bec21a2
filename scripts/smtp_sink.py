#!/usr/bin/env python3
"""A real SMTP server on loopback for Candour's tests (aiosmtpd, from PyPI).

Prints "port N" once it listens, then writes each message it accepts to DIR as N.eml, with
the envelope recipients in an X-Envelope-To header, and beside it N.json: the recipients,
subject, headers and the decoded plain-text and HTML parts (for the browser tests, which
read links from it). With --reject-first K it answers the first K messages with 451 (try
again later), to test retries. It stops when its standard input closes (the test that
started it ended), or with --forever only on SIGTERM.
"""

import argparse
import email
import email.policy
import json
import os
import signal
import socket
import sys
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory, reject_first):
        self.directory = directory
        self.reject_left = reject_first
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.reject_left > 0:
                self.reject_left -= 1
                return "451 4.3.0 Try again later"
            self.count += 1
            n = self.count
        path = os.path.join(self.directory, f"{n:06d}.eml")
        raw = envelope.original_content or envelope.content
        # Written whole under another name, then renamed: a reader never sees half a file.
        summary = os.path.join(self.directory, f"{n:06d}.json")
        with open(summary + ".part", "w") as out:
            json.dump(decoded(raw, envelope.rcpt_tos), out)
        os.replace(summary + ".part", summary)
        with open(path + ".part", "wb") as out:
            out.write(b"X-Envelope-From: " + envelope.mail_from.encode() + b"\r\n")
            out.write(b"X-Envelope-To: " + ", ".join(envelope.rcpt_tos).encode() + b"\r\n")
            out.write(raw)
        os.replace(path + ".part", path)
        return "250 2.0.0 OK"


def decoded(raw, recipients):
    message = email.message_from_bytes(raw, policy=email.policy.default)

    def part(kind):
        body = message.get_body(preferencelist=(kind,))
        return body.get_content() if body is not None else ""

    return {
        "to": recipients,
        "subject": str(message["subject"] or ""),
        "headers": {name: str(value) for name, value in message.items()},
        "text": part("plain"),
        "html": part("html"),
    }


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--reject-first", type=int, default=0)
    parser.add_argument("--forever", action="store_true", help="run until SIGTERM, ignoring standard input")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    port = args.port or free_port()
    if args.forever:
        # Blocked before the server's thread starts, so sigwait below receives them.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    controller = Controller(
        Sink(args.dir, args.reject_first), hostname="127.0.0.1", port=port, data_size_limit=10_000_000
    )
    controller.start()
    print(f"port {port}", flush=True)
    try:
        if args.forever:
            signal.sigwait({signal.SIGTERM, signal.SIGINT})
        else:
            # Until the parent closes our standard input.
            sys.stdin.read()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
