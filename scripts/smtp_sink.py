#!/usr/bin/env python3
"""A real SMTP server on loopback for Candour's tests (aiosmtpd, from PyPI).

Prints "port N" once it listens, then writes each message it accepts to DIR as N.eml, with
the envelope recipients in an X-Envelope-To header. With --reject-first K it answers the
first K messages with 451 (try again later), to test retries. It stops when its standard
input closes (the test that started it ended) or on SIGTERM.
"""

import argparse
import asyncio
import os
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
        with open(path + ".part", "wb") as out:
            out.write(b"X-Envelope-From: " + envelope.mail_from.encode() + b"\r\n")
            out.write(b"X-Envelope-To: " + ", ".join(envelope.rcpt_tos).encode() + b"\r\n")
            out.write(envelope.original_content or envelope.content)
        os.replace(path + ".part", path)
        return "250 2.0.0 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--reject-first", type=int, default=0)
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    port = args.port or free_port()
    controller = Controller(
        Sink(args.dir, args.reject_first), hostname="127.0.0.1", port=port, data_size_limit=10_000_000
    )
    controller.start()
    print(f"port {port}", flush=True)
    try:
        # Until the parent closes our standard input.
        sys.stdin.read()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
