"""The checks: plain functions of the student's namespace and a config section of grading.yml.

Each `run(env, cfg)` returns {case name: Outcome}. `public` needs nothing but numpy and is
copied into the student's folder; the others compare against `reference/` and stay hidden.
"""
