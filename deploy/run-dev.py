"""`make run`: the development server and the background job worker, in one command.

Starts ``manage.py db_worker`` (the jobs: big imports and exports) beside ``manage.py runserver
ADDRESS``; Ctrl-C or SIGTERM (or either of them ending) stops both."""

import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def stop(signum, frame):
    raise KeyboardInterrupt


def main(address):
    # Ctrl-C, or a SIGTERM (also when started in the background, where SIGINT is ignored).
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    python = sys.executable
    worker = subprocess.Popen([python, "manage.py", "db_worker", "--no-startup-delay"], cwd=ROOT)
    server = subprocess.Popen([python, "manage.py", "runserver", address], cwd=ROOT)
    children = [server, worker]
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
    return server.returncode or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8000"))
