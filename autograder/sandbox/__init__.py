"""Running the student's code apart from the grader: `worker.py` executes the notebook's cells in
a process of its own (unprivileged where the grader runs as root, with memory and time limits)
and answers calls; `client.py` is the grader's side, which never runs student code itself."""
