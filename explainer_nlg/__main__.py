import sys

from .cli import main

if __name__ == "__main__":  # pytest --doctest-modules imports this module; do not run then
    sys.exit(main())
