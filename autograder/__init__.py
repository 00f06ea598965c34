"""The autograder: checks, their Otter glue, the build of the zip and batch grading."""
