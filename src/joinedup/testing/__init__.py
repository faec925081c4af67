"""Test helpers shared by every app's tests: the partner test case with users from each
partner, people and payroll fixtures, and ``required`` (a missing reference file or tool skips
on a developer's machine and fails in CI).
"""
