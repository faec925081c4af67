#!/usr/bin/env python
"""Django's manage.py, for developers used to it; `joinedup` is the same thing."""

from joinedup.cli import main

if __name__ == "__main__":
    main()
