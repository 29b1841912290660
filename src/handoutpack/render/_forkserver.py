"""Imported only in multiprocessing's forkserver, which parallel._context preloads with it: the
forkserver is then killed when the build that started it ends, however it ends (kill -9 too).
Its workers watch the build themselves (parallel._end_with)."""

import ctypes
import os
import signal

PR_SET_PDEATHSIG = 1

try:
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
except (OSError, AttributeError):  # not Linux: the forkserver ends when its pipe closes
    pass
else:
    if os.getppid() == 1:  # the build ended before this line: nobody is left to serve
        os._exit(1)
