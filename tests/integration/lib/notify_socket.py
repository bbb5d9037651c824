#!/usr/bin/env python3
"""Stands in for systemd's notify socket: binds a Unix datagram socket at argv[1], prints "bound" once it
listens, then prints every datagram it receives as one JSON line ({"state": {...}, "text": ...}) until its
stdin closes or it is killed. Node has no Unix datagram sockets, hence this helper (Debian's python3)."""
import json
import os
import select
import socket
import sys

path = sys.argv[1]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
print("bound", flush=True)
while True:
    readable, _, _ = select.select([sock, sys.stdin], [], [])
    if sys.stdin in readable and not os.read(sys.stdin.fileno(), 4096):
        break
    if sock in readable:
        text = sock.recv(65536).decode("utf-8", "replace")
        state = dict(line.split("=", 1) for line in text.split("\n") if "=" in line)
        print(json.dumps({"state": state, "text": text}), flush=True)
