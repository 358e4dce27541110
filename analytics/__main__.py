"""``python -m analytics``: the LaoKe command line (see analytics/cli/)."""

import os
import sys

from analytics.cli import main

#: Exit status of a command whose reader closed the pipe (128 + SIGPIPE, as `yes | head`).
BROKEN_PIPE_EXIT = 141

try:
    status = main()
    sys.stdout.flush()  # inside the try: a closed pipe fails here, not at interpreter exit
except BrokenPipeError:
    # The reader (`… | head`) has what it wanted: stop quietly. Python flushes stdout again
    # at exit, so point it at /dev/null first or that flush prints a traceback.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    status = BROKEN_PIPE_EXIT
sys.exit(status)
