"""Run a command on a real pseudo-terminal and answer its prompts, like a person.

Node cannot open a pty without a native module; Python's standard library can,
and python3 is already a test dependency (the conformance reader). Used by
apps/cli/test/interactive.test.ts through helpers/pty.ts.

Input: one JSON document on stdin:
  {"argv": [...], "env": {...}, "timeout": 30,
   "steps": [{"expect": "Passphrase: ", "send": "secret\\r"}, ...]}
Each step waits until the terminal output written since the previous step's
match contains `expect`, then types `send` (a pause of 50 ms first: a person
never answers in the same millisecond, and the program switches the terminal
to raw mode right after printing the prompt). When the steps are done, the
output is read until the program exits.

Output: one JSON document on stdout:
  {"code": exit code (128 + signal if killed), "output": everything the
   terminal showed, "timedOut": false, "pending": the step it waited for}
"""

import json
import os
import pty
import select
import sys
import time


def main() -> None:
    spec = json.load(sys.stdin)
    deadline = time.monotonic() + spec.get("timeout", 30)
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(spec["argv"][0], spec["argv"], spec["env"])
    output = b""
    seen = 0
    steps = list(spec["steps"])
    timed_out = False
    while True:
        if steps:
            want = steps[0]["expect"].encode()
            at = output.find(want, seen)
            if at >= 0:
                seen = at + len(want)
                time.sleep(0.05)
                os.write(fd, steps.pop(0)["send"].encode())
                continue
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            os.kill(pid, 9)
            break
        ready, _, _ = select.select([fd], [], [], min(left, 0.5))
        if not ready:
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal (it exited)
            break
        if not data:
            break
        output += data
    _, status = os.waitpid(pid, 0)
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)
    json.dump(
        {
            "code": code,
            "output": output.decode("utf-8", "replace"),
            "timedOut": timed_out,
            "pending": steps[0]["expect"] if steps else None,
        },
        sys.stdout,
    )


main()
