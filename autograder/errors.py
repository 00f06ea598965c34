"""What running the student's code in the sandbox can end in, besides a value. The checks catch
CodeStopped, their shared base (defined with them, in the students' mlp_checks.py too), and report
CodeRaised as the student's own exception, without knowing where the code ran."""

from .checks.public import CodeStopped

__all__ = ["CodeStopped", "CodeRaised", "NotIsolated"]


class CodeRaised(Exception):
    """The student's code raised an exception in the sandbox: `student_message` is "ExceptionType: text"."""

    def __init__(self, message, type_name=""):
        super().__init__(message)
        self.student_message, self.type_name = message, type_name


class NotIsolated(Exception):
    """The autograder could not isolate the student's code on this machine: nothing is run."""
