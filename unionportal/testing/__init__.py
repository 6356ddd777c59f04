"""Helpers the tests of several apps share, and bench/ may use: pages read as a user reads them,
workbooks filled in as people fill them, the admin's import and export, signing in, a forked
child under a memory limit, hand-built worlds, and the permission matrix's world and runner.

Fixtures stay in the conftest.py files, where pytest finds them; what is here is plain code they
and the tests import. It may import any app (unlike unionportal/lib, which imports none)."""
