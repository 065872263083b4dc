"""``python -m orgpath`` is the ``orgpath`` command."""

from orgpath.cli import main

if __name__ == "__main__":
    main()
