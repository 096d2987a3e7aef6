"""The course's maintenance tools (run as scripts: python tools/NAME.py; tests import them)."""
